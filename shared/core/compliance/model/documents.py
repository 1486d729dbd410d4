"""Readable report documents: Form PR, the severance tax summary and an owner statement.

A document is what a filer reads on paper: a title, the facts that identify it
(operator, month, status), tables of figures as the reports hold them (decimal
strings, never re-rounded here except Form PR volumes, which the form reports in
whole units half up, beside the exact volume) and totals. Rendering (PDF) is an
adapter's job (``shared/adapters/pdf``); this module only decides the content.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shared.core.compliance.model.form_pr import whole


@dataclass(frozen=True)
class Table:
    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    totals: tuple[str, ...] | None = None
    numeric: frozenset[int] = frozenset()
    """Indexes of the columns aligned right."""


@dataclass(frozen=True)
class ReportDocument:
    title: str
    facts: tuple[tuple[str, str], ...]
    tables: tuple[Table, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _money(value: Any) -> str:
    return f"{Decimal(str(value)):,.2f}"


def form_pr_document(filing: Mapping[str, Any]) -> ReportDocument:
    """The filing of ``FormPrService.get``: one table per lease and product."""
    status = str(filing["status"]) + (" (amended)" if filing.get("amended") else "")
    facts = (
        ("Operator number", _text(filing["operator_number"])),
        ("Month", _text(filing["period"])),
        ("Status", status),
        ("Due date", _text(filing.get("due_date"))),
        ("Filed at", _text(filing.get("filed_at")) or "not filed"),
    )
    tables = []
    for row in filing.get("rows", []):
        lease = row["lease_number"] or row["gas_id"] or row["lease_name"]
        heading = (
            f"Lease {lease} - {row['lease_name']} - district {row['district'] or '-'}"
            f" - field {row['field_name'] or '-'} - {row['product']}"
        )
        figures = [
            ("Opening inventory", row["opening_inventory"]),
            ("Produced", row["produced"]),
            ("Closing inventory", row["closing_inventory"]),
        ]
        lines = [(label, "", str(whole(value)), _text(value), "") for label, value in figures]
        lines.append(("Producing days", "", _text(row["producing_days"]), "", ""))
        for item in row["dispositions"]:
            lines.append(
                (
                    f"Disposition {item['kind']}",
                    _text(item["code"]),
                    str(whole(item["volume"])),
                    _text(item["volume"]),
                    ", ".join(item.get("purchasers", [])),
                )
            )
        tables.append(
            Table(
                heading,
                ("Item", "RRC code", "Reported", "Exact", "Purchaser"),
                tuple(lines),
                numeric=frozenset({2, 3}),
            )
        )
    notes = tuple(
        f"Problem on lease {p.get('lease_number') or p.get('lease_id')}: "
        f"{p.get('code')} {p.get('message', '')}".strip()
        for p in filing.get("problems", [])
    )
    return ReportDocument(
        f"Texas RRC Form PR - {filing['period']}",
        facts,
        tuple(tables),
        (*notes, "Volumes reported in whole barrels / Mcf, rounded half up."),
    )


def severance_document(report: Mapping[str, Any]) -> ReportDocument:
    """The report of ``severance_report``: a line per lease, product and price; totals."""
    rows = tuple(
        (
            _text(line["lease_number"]),
            _text(line["product"]),
            _text(line["volume"]),
            _text(line["price"]),
            _money(line["gross_value"]),
            _money(line["tax"]),
            _money(line["fees"]),
            _money(line["total"]),
            _text(line["due_date"]),
        )
        for line in report["lines"]
    )
    totals = report["totals"]
    total_row = (
        "Total", "", "", "", _money(totals["gross_value"]), _money(totals["tax"]),
        _money(totals["fees"]), _money(Decimal(totals["tax"]) + Decimal(totals["fees"])), "",
    )  # fmt: skip
    table = Table(
        "Taxes and fees per lease and product",
        ("Lease", "Product", "Volume", "Price", "Value", "Tax", "Fees", "Total", "Due"),
        rows,
        total_row,
        numeric=frozenset({2, 3, 4, 5, 6, 7}),
    )
    dues = Table(
        "Due dates",
        ("Obligation", "Agency", "Due"),
        tuple((d["label"], _text(d["agency"]), d["due"]) for d in report.get("due_dates", [])),
    )
    notes = tuple(
        f"Not priced: lease {item.get('lease_id')} {item.get('product', '')}".strip()
        for item in report.get("unpriced", [])
    )
    return ReportDocument(
        f"Severance and production taxes - {report['state']} - {report['period']}",
        (("State", _text(report["state"])), ("Month", _text(report["period"]))),
        (table, dues),
        notes,
    )


def owner_statement_document(
    statement: Mapping[str, Any], operator: str | None = None
) -> ReportDocument:
    """One owner's statement of ``owner_statement``: lines, total, suspense."""
    lines: Sequence[Mapping[str, Any]] = statement["lines"]
    rows = tuple(
        (
            f"{_text(line['lease_number'])} {_text(line['lease_name'])}".strip(),
            _text(line["product"]),
            _text(line["volume"]),
            _text(line["price"]),
            _money(line["lease_gross"]),
            _money(line["lease_taxes"]),
            _money(line["lease_net"]),
            _text(line["decimal_interest"]),
            _money(line["amount"]),
        )
        for line in lines
    )
    table = Table(
        "Revenue of the month",
        ("Lease", "Product", "Volume", "Price", "Gross", "Taxes", "Net", "Interest", "Amount"),
        rows,
        ("Total", "", "", "", "", "", "", "", _money(statement["total"])),
        numeric=frozenset({2, 3, 4, 5, 6, 7, 8}),
    )
    facts = [("Owner", _text(statement["name"])), ("Month", _text(statement["period"]))]
    if operator:
        facts.insert(0, ("Operator", operator))
    facts.append(("Status", "in suspense" if statement["in_suspense"] else "payable"))
    notes = tuple(f"Held in suspense: {reason}" for reason in statement["suspense_reasons"])
    return ReportDocument(
        f"Owner revenue statement - {statement['period']}", tuple(facts), (table,), notes
    )
