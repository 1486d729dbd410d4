"""A table row as the adapters handle it inside: a dict keyed by column name.

The core never sees one: each repository maps its rows to the typed records of
the feature's model (or from them) before they cross the port.
"""

from __future__ import annotations

from typing import Any

Record = dict[str, Any]
