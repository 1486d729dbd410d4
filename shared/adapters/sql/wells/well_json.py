"""What PostgreSQL writes of a well beyond its columns, for the wells page it writes in
JSON (`read_json_page`): the two values the API computes from a well (its API number's
display form, the statuses its lifecycle allows next), in SQL that gives the same text
as the Python that computes them, and the string values its enum columns may hold."""

from __future__ import annotations

import json

from shared.adapters.sql.json_rows import JsonField, sql_text
from shared.core.wells.model.lifecycle import WELL_TRANSITIONS, WellStatus, WellType

_API = 'r."api_number"'
_API_PARTS = " || '-' || ".join(
    f"substr({_API}, {start + 1}, {stop - start})"
    for start, stop in ((0, 2), (2, 5), (5, 10), (10, 12), (12, 14))  # format_api_number
)
_API_FORMATTED = (
    f"CASE WHEN coalesce({_API}, '') = '' THEN 'null' ELSE to_json({_API_PARTS})::text END"
)

_NEXT_STATUSES = " ".join(
    f"WHEN {sql_text(status.value)} THEN "
    + sql_text(json.dumps([step.value for step in steps], separators=(",", ":")))
    for status, steps in WELL_TRANSITIONS.items()
)

WELL_COMPUTED = (
    JsonField("api_number_formatted", _API_FORMATTED, str),
    JsonField("next_statuses", f"""CASE r."status" {_NEXT_STATUSES} ELSE '[]' END""", list),
)
"""`WellOut`'s computed fields, in its order."""

WELL_VALUES = {
    "status": frozenset(status.value for status in WellStatus),
    "well_type": frozenset(kind.value for kind in WellType),
}
