"""Texas Form PR per operator and month: built from the leases' month-ends, validated by
the balance rules, filed, amended; exported as the fixed-width layout or as rows.

Office roles create and move filings; everyone with ``reports:read`` reads them;
exports need ``reports:export``. The content is a snapshot of the month-end taken
when the filing is created or validated; once filed, the leases' records of that
month are frozen until the filing is amended.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from typing import Any

from shared.core.common.access import audit, require, require_office_role
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError, NotFoundError
from shared.core.common.roles import Permission
from shared.core.compliance.model.deadlines import due_date
from shared.core.compliance.model.form_pr import (
    FORM,
    form_pr_layout,
    form_rows,
    next_status,
    render_fixed_width,
)
from shared.core.compliance.model.period import Period
from shared.core.compliance.model.rows import Filing
from shared.core.compliance.ports import ComplianceDatabases, ComplianceStore
from shared.core.compliance.services.month_end import lease_month_end, month_end_out
from shared.core.compliance.services.settings import FORM_PR_VARIANT, effective
from shared.core.registry.model.tenants import Tenant

_OPERATOR = re.compile(r"^\d{1,6}$")


def build_content(store: ComplianceStore, operator_number: str, period: Period) -> dict[str, Any]:
    """The leases of the operator in Texas, their month-ends, rows and problems."""
    lease_ids = sorted(
        p.lease_id for p in store.profiles("TX") if (p.operator_number or "") == operator_number
    )
    leases = [month_end_out(lease_month_end(store, lease_id, period)) for lease_id in lease_ids]
    problems = [
        {**problem, "lease_id": lease["lease_id"], "lease_number": lease["lease_number"]}
        for lease in leases
        for problem in lease["problems"]
    ]
    due = due_date("tx_form_pr", period, effective(store)[FORM_PR_VARIANT])
    return {
        "operator_number": operator_number,
        "period": str(period),
        "layout": form_pr_layout().layout,
        "lease_ids": lease_ids,
        "leases": leases,
        "rows": form_rows(leases),
        "problems": problems,
        "due_date": due.due.isoformat(),
        "due_date_variant": due.variant,
    }


def filing_out(record: Filing) -> dict[str, Any]:
    content = record.content
    return {
        "id": record.id,
        "form": record.form,
        "operator_number": record.operator_number,
        "period": record.period,
        "status": record.status,
        "amended": record.amended,
        "filed_at": record.filed_at,
        "due_date": content.get("due_date"),
        "leases": content.get("leases", []),
        "rows": content.get("rows", []),
        "problems": content.get("problems", []),
        "layout": content.get("layout"),
    }


class FormPrService:
    def __init__(self, databases: ComplianceDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def create(
        self, tenant: Tenant, actor: Actor, operator_number: str, period: Period
    ) -> dict[str, Any]:
        require_office_role(actor, "prepare Form PR")
        if not _OPERATOR.match(operator_number):
            raise InputError("operator_number", "the RRC operator number: up to 6 digits")
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.compliance
            content = build_content(store, operator_number, period)
            if not content["lease_ids"]:
                raise InputError(
                    "operator_number",
                    f"no Texas lease has a compliance profile with operator {operator_number}",
                )
            now = self._clock()
            row = Filing(
                id=str(uuid.uuid4()),
                form=FORM,
                operator_number=operator_number,
                period=str(period),
                status="draft",
                amended=False,
                content=content,
                filed_at=None,
                created_at=now,
                updated_at=now,
            )
            store.add_filing(row)
            audit(
                uow,
                self._clock,
                actor,
                "create",
                "compliance_filing",
                row.id,
                None,
                {"status": "draft", "period": str(period)},
            )
            uow.commit()
            return filing_out(row)

    def get(self, tenant: Tenant, actor: Actor, filing_id: str) -> dict[str, Any]:
        require(actor, Permission.REPORTS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            return filing_out(_filing(uow.compliance, filing_id))

    def move(self, tenant: Tenant, actor: Actor, filing_id: str, action: str) -> dict[str, Any]:
        """validate (rebuild, and validated only without problems), file, or amend."""
        require_office_role(actor, f"{action} Form PR")
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.compliance
            filing = _filing(store, filing_id)
            target = next_status(filing.status, action)
            changed = replace(filing, updated_at=self._clock())
            if action == "validate":
                content = build_content(store, filing.operator_number, Period.parse(filing.period))
                status = "validated" if not content["problems"] else filing.status
                if filing.status == "validated" and content["problems"]:
                    status = "amended" if filing.amended else "draft"
                changed = replace(changed, content=content, status=status)
            elif action == "file":
                changed = replace(changed, status=target, filed_at=self._clock())
            else:
                changed = replace(changed, status=target, amended=True)
            store.update_filing(changed)
            audit(
                uow,
                self._clock,
                actor,
                action,
                "compliance_filing",
                filing_id,
                {"status": filing.status},
                {"status": changed.status},
            )
            uow.commit()
            return filing_out(_filing(store, filing_id))

    def export_text(self, tenant: Tenant, actor: Actor, filing_id: str) -> tuple[str, str]:
        """(file name, fixed-width text) of the filing."""
        require(actor, Permission.REPORTS_EXPORT)
        with self._databases.unit_of_work(tenant) as uow:
            filing = _filing(uow.compliance, filing_id)
        text = render_fixed_width(
            filing.operator_number, filing.period, filing.amended, filing.content.get("rows", [])
        )
        name = f"form-pr-{filing.operator_number}-{filing.period}.txt"
        return name, text

    def export_rows(
        self, tenant: Tenant, actor: Actor, filing_id: str
    ) -> tuple[str, list[dict[str, Any]]]:
        """(file stem, flat rows: one per lease, product and disposition code)."""
        require(actor, Permission.REPORTS_EXPORT)
        with self._databases.unit_of_work(tenant) as uow:
            filing = _filing(uow.compliance, filing_id)
        rows = []
        for row in filing.content.get("rows", []):
            base = {
                k: row[k]
                for k in (
                    "lease_name",
                    "district",
                    "lease_number",
                    "gas_id",
                    "field_name",
                    "product",
                    "opening_inventory",
                    "produced",
                    "closing_inventory",
                    "producing_days",
                )
            }
            if not row["dispositions"]:
                rows.append(
                    {
                        **base,
                        "disposition_code": "",
                        "disposition": "",
                        "volume": "",
                        "purchasers": "",
                    }
                )
            for item in row["dispositions"]:
                rows.append(
                    {
                        **base,
                        "disposition_code": item["code"],
                        "disposition": item["kind"],
                        "volume": item["volume"],
                        "purchasers": "; ".join(item["purchasers"]),
                    }
                )
        return f"form-pr-{filing.operator_number}-{filing.period}", rows


def _filing(store: ComplianceStore, filing_id: str) -> Filing:
    found = store.filing_by_id(filing_id)
    if found is None:
        raise NotFoundError("filing", filing_id)
    return found
