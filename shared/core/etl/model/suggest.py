"""A mapping guessed from a sheet's headers: names, units in the header, date formats.

`Oil (bbl)` maps to oil_bbl; `Water m3` maps to water_bbl with a UNIT
transform m3 -> bbl; `Gas Mcf` to gas_mcf. A unit that cannot be the field's
(`Oil (Mcf)`) or is unknown leaves the column unmapped with a warning: an
import must not turn gas into barrels by guessing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from shared.core.etl.model.fields import FIELDS, Entity, Kind, TargetField
from shared.core.etl.model.synonyms import SYNONYMS, UNIT_WORDS
from shared.core.etl.model.transforms import unit_factor, units_into

DATE_FORMATS = (
    "%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%m/%d/%y", "%d.%m.%Y", "%Y/%m/%d",
    "%Y%m%d", "%d-%b-%Y", "%b %d, %Y",
)  # fmt: skip
_BRACKETED = re.compile(r"^(.*?)[\s_]*[\(\[]\s*([^\)\]]*?)\s*[\)\]]\s*$")
_SPACES = re.compile(r"[\s_\-\.:/]+")


@dataclass(frozen=True)
class ColumnWarning:
    column: str
    message: str


@dataclass
class Suggestion:
    column_mapping: dict[str, str] = field(default_factory=dict)
    transforms: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    warnings: list[ColumnWarning] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)


def split_header(header: str) -> tuple[str, str | None]:
    """(normalized name, unit or None): `Oil (bbl)`, `Water m3`, `gas_mcf`."""
    text = header.strip().lower().replace("³", "3")
    match = _BRACKETED.match(text)
    if match:
        return _normal(match.group(1)), _unit(match.group(2))
    words = _normal(text).split(" ")
    if len(words) > 1 and words[-1] in UNIT_WORDS:
        return " ".join(words[:-1]), _unit(words[-1])
    return " ".join(words), None


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _unit(text: str) -> str:
    word = _normal(text).replace(" ", "")
    return UNIT_WORDS.get(word, word)


def suggest(entity: Entity, headers: Sequence[str], sample: Sequence[Sequence[Any]]) -> Suggestion:
    result = Suggestion()
    fields = FIELDS[entity]
    for index, header in enumerate(headers):
        name, unit = split_header(header)
        target = SYNONYMS[entity].get(name)
        if target is None:
            result.unmapped.append(header)
            continue
        spec = fields[target]
        steps = _unit_steps(spec, header, unit, result.warnings)
        if steps is None or target in result.column_mapping:
            if steps is not None:
                taken = result.column_mapping[target]
                message = f"looks like {target} too, which {taken!r} fills: left unmapped"
                result.warnings.append(ColumnWarning(header, message))
            result.unmapped.append(header)
            continue
        if spec.kind is Kind.DATE:
            steps = _date_steps(header, [row[index] for row in sample], result.warnings)
        result.column_mapping[target] = header
        if steps:
            result.transforms[target] = steps
    missing = [n for n, s in fields.items() if s.required and n not in result.column_mapping]
    for name in missing:
        result.warnings.append(ColumnWarning("", f"no column found for {name}: map one"))
    return result


def _unit_steps(
    spec: TargetField, header: str, unit: str | None, warnings: list[ColumnWarning]
) -> list[dict[str, Any]] | None:
    """None: the column's unit cannot be the field's (the column stays unmapped)."""
    if unit is None or spec.unit is None or unit == spec.unit:
        return []
    if unit_factor(unit, spec.unit) is not None:
        return [{"type": "UNIT", "from_unit": unit, "to_unit": spec.unit}]
    accepted = ", ".join(units_into(spec.unit))
    warnings.append(
        ColumnWarning(
            header,
            f"unit {unit!r} in the header does not fit {spec.name}, which is in {spec.unit} "
            f"(accepted: {accepted}); the column is left unmapped: check the header",
        )
    )
    return None


def _date_steps(
    header: str, values: Sequence[Any], warnings: list[ColumnWarning]
) -> list[dict[str, Any]]:
    texts = [str(v).strip() for v in values if v is not None and not isinstance(v, date | datetime)]
    texts = [text for text in texts if text]
    if not texts:
        return []
    fits = [fmt for fmt in DATE_FORMATS if all(_parses(text, fmt) for text in texts)]
    if not fits:
        warnings.append(ColumnWarning(header, "dates in no known format: add a DATE transform"))
        return []
    if "%m/%d/%Y" in fits and "%d/%m/%Y" in fits:
        warnings.append(ColumnWarning(header, "day/month order is ambiguous: month first assumed"))
    return [] if fits[0] == "%Y-%m-%d" else [{"type": "DATE", "formats": [fits[0]]}]


def _parses(text: str, fmt: str) -> bool:
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True
