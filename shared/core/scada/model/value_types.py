"""OPC-UA built-in type ids a stored or version 2 reading carries (`vt`, `value_type`).

Plain constants without numpy, so that the readings API and the SQL adapters can
use them without loading the drain's numpy columns (model/columns.py re-exports them).
"""

from __future__ import annotations

# OPC-UA built-in type ids a version 2 reading may carry (`vt`).
VT_NULL, VT_BOOLEAN, VT_FLOAT, VT_DOUBLE, VT_STRING, VT_ENUMERATION = 0, 1, 10, 11, 12, 29
INTEGER_RANGES = {
    2: (-(2**7), 2**7 - 1),  # SByte
    3: (0, 2**8 - 1),  # Byte
    4: (-(2**15), 2**15 - 1),  # Int16
    5: (0, 2**16 - 1),  # UInt16
    6: (-(2**31), 2**31 - 1),  # Int32
    7: (0, 2**32 - 1),  # UInt32
    8: (-(2**63), 2**63 - 1),  # Int64
    9: (0, 2**64 - 1),  # UInt64
    VT_ENUMERATION: (-(2**31), 2**31 - 1),  # the enumeration's Int32
}
FLOAT_TYPES = frozenset({VT_FLOAT, VT_DOUBLE})
NUMERIC_TYPES = frozenset(INTEGER_RANGES) - {VT_ENUMERATION} | FLOAT_TYPES
"""Types whose values bucket aggregates (min, max, avg) take."""
VALUE_TYPES = frozenset({VT_NULL, VT_BOOLEAN, VT_STRING}) | frozenset(INTEGER_RANGES) | FLOAT_TYPES
