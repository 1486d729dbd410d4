"""Texas RRC Form PR: the report of an operator's month built from lease month-ends,
its status flow, and the fixed-width file of the layout in ``rules/form_pr.json``.

Status: draft -> validated -> filed -> amended -> validated -> filed. A filing
validates only when no lease of it has a problem; a filed month is amended
before any of its leases' records change (and the refiling carries the flag).

The layout is data: the RRC's EDI specification for Form PR is not public in
full, so field order and widths are WellOS's documented assumptions, and each
disposition code says whether it was verified against an RRC source.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.core.common.errors import IllegalTransitionError
from shared.core.compliance.errors import RuleDataError

FORM = "TX_PR"
TRANSITIONS: dict[str, dict[str, str]] = {
    "validate": {"draft": "validated", "amended": "validated", "validated": "validated"},
    "file": {"validated": "filed"},
    "amend": {"filed": "amended"},
}
EDITABLE = frozenset({"draft", "amended", "validated"})


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LayoutField(_Rule):
    name: str
    width: int = Field(gt=0, le=200)
    value: str | None = None
    align: Literal["left", "right"] = "left"
    pad: str = Field(default=" ", min_length=1, max_length=1)


class CodeRule(_Rule):
    code: str
    status: Literal["verified", "assumed"]
    source: str | None = None
    note: str | None = None


class LayoutSource(_Rule):
    title: str
    url: str
    citation: str | None = None
    status: str
    note: str | None = None


class FormPrLayout(_Rule):
    layout: str
    description: str
    source: LayoutSource
    records: dict[Literal["header", "lease", "disposition"], tuple[LayoutField, ...]]
    products: dict[str, str]
    disposition_codes: dict[str, dict[str, CodeRule]]


@functools.cache
def form_pr_layout() -> FormPrLayout:
    text = resources.files("shared.core.compliance.model.rules").joinpath("form_pr.json")
    try:
        return FormPrLayout.model_validate_json(text.read_text(encoding="utf-8"))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise RuleDataError("form_pr.json", f"{where}: {first['msg']}") from None


def next_status(current: str, action: str) -> str:
    allowed = TRANSITIONS[action]
    if current not in allowed:
        possible = sorted({t for a in TRANSITIONS.values() for s, t in a.items() if s == current})
        raise IllegalTransitionError(current, action, possible)
    return allowed[current]


def whole(value: str | Decimal) -> int:
    """A volume as the form reports it: whole units, half up."""
    return int(Decimal(value).quantize(Decimal(1), ROUND_HALF_UP))


def form_rows(leases: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per lease and product with the RRC disposition codes (exact volumes)."""
    layout = form_pr_layout()
    rows = []
    for lease in leases:
        profile = lease.get("profile") or {}
        for product, values in lease["products"].items():
            codes = layout.disposition_codes[product]
            by_code: dict[str, dict[str, Any]] = {}
            for item in values["dispositions"]:
                rule = codes[item["kind"]]
                entry = by_code.setdefault(
                    rule.code,
                    {"code": rule.code, "kind": item["kind"], "volume": Decimal(0),
                     "purchasers": [], "code_status": rule.status},
                )  # fmt: skip
                entry["volume"] += Decimal(item["volume"])
                if item.get("purchaser") and item["purchaser"] not in entry["purchasers"]:
                    entry["purchasers"].append(item["purchaser"])
            rows.append(
                {
                    "lease_id": lease["lease_id"],
                    "lease_name": lease["lease_name"],
                    "district": profile.get("district") or "",
                    "lease_number": profile.get("state_lease_number") or "",
                    "gas_id": profile.get("gas_id") or "",
                    "field_name": profile.get("field_name") or "",
                    "field_number": profile.get("field_number") or "",
                    "product": product,
                    "opening_inventory": values["opening_inventory"],
                    "produced": values["produced"],
                    "closing_inventory": values["closing_inventory"],
                    "producing_days": values["producing_days"],
                    "dispositions": [
                        {**entry, "volume": str(entry["volume"])}
                        for _, entry in sorted(by_code.items(), key=lambda kv: int(kv[0]))
                    ],
                }
            )
    return rows


def render_fixed_width(
    operator_number: str, period: str, amended: bool, rows: Sequence[Mapping[str, Any]]
) -> str:
    """The filing as fixed-width records of the layout (CRLF line ends, ASCII)."""
    layout = form_pr_layout()
    lease_ids = {row["lease_id"] for row in rows}
    lines = [
        _record(
            layout.records["header"],
            {
                "operator_number": operator_number,
                "period": period.replace("-", ""),
                "lease_count": len(lease_ids),
                "amended": "Y" if amended else "N",
            },
        )
    ]
    for row in rows:
        product = layout.products[row["product"]]
        lines.append(
            _record(
                layout.records["lease"],
                {
                    **row,
                    "product": product,
                    "opening_inventory": whole(row["opening_inventory"]),
                    "produced": whole(row["produced"]),
                    "closing_inventory": whole(row["closing_inventory"]),
                },
            )
        )
        for item in row["dispositions"]:
            values = {
                "district": row["district"],
                "lease_number": row["lease_number"],
                "product": product,
                "code": item["code"],
                "volume": whole(item["volume"]),
                "purchaser": ", ".join(item["purchasers"]),
            }
            lines.append(_record(layout.records["disposition"], values))
    return "\r\n".join(lines) + "\r\n"


def _record(fields: Sequence[LayoutField], values: Mapping[str, Any]) -> str:
    parts = []
    for field in fields:
        raw = field.value if field.value is not None else values.get(field.name, "")
        text = str(raw if raw is not None else "").encode("ascii", "replace").decode("ascii")
        text = text[: field.width]
        if field.align == "right":
            parts.append(text.rjust(field.width, field.pad))
        else:
            parts.append(text.ljust(field.width, field.pad))
    return "".join(parts)
