"""Plausibility of one field event, checked before anything computes with it.

A sync batch screens every event with `check_event` before it reads, locks or
hashes anything by it, so a value no rule could handle (a year-1 time with an
offset, a 1e308 reading, free-form data nested too deep) rejects that event
alone, naming the field, and never the batch. The API checks the same limits
when it parses an event; this is the core's own guard, for every way in.
"""

from __future__ import annotations

from datetime import date, datetime

from shared.core.common import limits
from shared.core.common.errors import InputError
from shared.core.sync.model.field_events import (
    DowntimeReported,
    EquipmentInspected,
    FieldEvent,
    NoteAdded,
    Payload,
    PhotoAttached,
    ProductionLogged,
    ReadingRecorded,
    UnknownPayload,
)


def check_event(event: FieldEvent, received_at: datetime) -> None:
    """Raise InputError naming the first implausible field of `event`."""
    problem = limits.moment_problem(event.occurred_at, None)  # clocks are taken as reported
    if problem is not None:
        raise InputError("occurred_at", problem)
    if not 0 <= event.device_seq <= limits.MAX_BIGINT:
        raise InputError("device_seq", f"must be between 0 and {limits.MAX_BIGINT}")
    _check_payload(event.payload, received_at.date())


def _check_payload(payload: Payload, today: date) -> None:
    if isinstance(payload, UnknownPayload):
        found = limits.json_problem(dict(payload.data))
        if found is not None:
            path, reason = found
            raise InputError(f"payload.{path}" if path else "payload", reason)
        return
    _check_rules(payload, today)
    if isinstance(payload, ProductionLogged):
        for index, gauge in enumerate(payload.tank_gauges):
            values = {
                "tank": gauge.tank,
                "level_in": gauge.level_in,
                "temperature_f": gauge.temperature_f,
            }
            _check(values, _GAUGE_RULES, today, f"payload.tank_gauges.{index}")
    if isinstance(payload, EquipmentInspected):
        for index, item in enumerate(payload.checklist):
            values = {"item": item.item, "note": item.note}
            _check(values, _CHECKLIST_RULES, today, f"payload.checklist.{index}")


def _check_rules(payload: Payload, today: date) -> None:
    rules = _RULES.get(type(payload), {})
    values = {name: getattr(payload, name) for name in rules}
    _check(values, rules, today, "payload")


def _check(values: dict[str, object], rules: dict[str, limits.Rule], today: date, at: str) -> None:
    try:
        limits.check_values(values, rules, today)
    except InputError as exc:
        raise InputError(f"{at}.{exc.field}", exc.reason) from exc


_RULES: dict[type, dict[str, limits.Rule]] = {
    ReadingRecorded: {
        "tag": limits.SINGLE_LINE,
        "value": limits.READING_VALUE,
        "unit": limits.SINGLE_LINE,
    },
    ProductionLogged: {"date": limits.HAPPENED},
    EquipmentInspected: {"notes": limits.MULTILINE},
    NoteAdded: {"text": limits.MULTILINE},
    PhotoAttached: {"blob_key": limits.SINGLE_LINE, "caption": limits.MULTILINE},
    DowntimeReported: {"reason_code": limits.SINGLE_LINE, "hours": limits.HOURS_PER_DAY},
}
_GAUGE_RULES: dict[str, limits.Rule] = {
    "tank": limits.SINGLE_LINE,
    "level_in": limits.TANK_LEVEL_IN,
    "temperature_f": limits.TEMPERATURE_F,
}
_CHECKLIST_RULES: dict[str, limits.Rule] = {"item": limits.SINGLE_LINE, "note": limits.MULTILINE}
