"""Month-end reports: lease balances, Texas Form PR, severance taxes, owner revenue,
division orders and the compliance calendar.

Reading: every role (``reports:read``), except owners, division orders and owner
revenue (admins and managers). Writing: admins and managers. Exports (CSV, XLSX,
the Form PR fixed-width file) need ``reports:export`` (admins and managers).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Query, Response

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PlatformDep, TenantDep
from functions.api.exports import download, pdf_download
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import PlainText
from functions.api.schemas.compliance import (
    EmissionEntryIn,
    ExportFormat,
    FormPrIn,
    InterestsIn,
    OwnerIn,
    PeriodPath,
    PeriodQuery,
    ReportFormat,
    SettingsIn,
    State,
)
from shared.core.compliance.model.documents import (
    form_pr_document,
    owner_statement_document,
    severance_document,
)
from shared.core.compliance.model.period import Period
from shared.core.compliance.services.emissions import NewEmissionEntry
from shared.core.compliance.services.month_end import month_end_rows
from shared.core.compliance.services.reports import NewInterest, NewOwner

router = FeatureRouter(tags=["compliance"], route_class=DeferredRoute)
BASE = "/api/v1/compliance"


@router.get(f"{BASE}/month-end")
def month_end(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    period: PeriodQuery,
    state: State | None = None,
) -> list[dict[str, Any]]:
    """Every lease with a profile or a tank: produced, inventories, dispositions, problems."""
    return platform.compliance.month_end.all_leases(tenant, actor, Period.parse(period), state)


@router.get(f"{BASE}/month-end/export", response_class=Response)
def export_month_end(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    period: PeriodQuery,
    state: State | None = None,
    format_: ExportFormat = Query(default="csv", alias="format"),
) -> Response:
    """One row per lease and product: inventories, produced, disposed, problems."""
    leases = platform.compliance.month_end.all_leases(
        tenant, actor, Period.parse(period), state, export=True
    )
    return download(month_end_rows(leases), f"month-end-{period}", format_)


@router.get(f"{BASE}/leases/{{lease_id}}/month-end/{{period}}")
def lease_month_end(
    lease_id: uuid.UUID,
    period: PeriodPath,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    return platform.compliance.month_end.lease(tenant, actor, str(lease_id), Period.parse(period))


@router.post(f"{BASE}/form-pr", status_code=201)
def create_form_pr(
    body: FormPrIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    """A draft Form PR of the operator's Texas leases for the month."""
    period = Period.parse(body.period)
    return platform.compliance.form_pr.create(tenant, actor, body.operator_number, period)


@router.get(f"{BASE}/form-pr/{{filing_id}}")
def get_form_pr(
    filing_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return platform.compliance.form_pr.get(tenant, actor, str(filing_id))


@router.post(f"{BASE}/form-pr/{{filing_id}}/validate")
def validate_form_pr(
    filing_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    """Rebuild from the month-end; validated when no lease has a problem (else listed)."""
    return platform.compliance.form_pr.move(tenant, actor, str(filing_id), "validate")


@router.post(f"{BASE}/form-pr/{{filing_id}}/file")
def file_form_pr(
    filing_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    """validated -> filed: the leases' records of the month are frozen."""
    return platform.compliance.form_pr.move(tenant, actor, str(filing_id), "file")


@router.post(f"{BASE}/form-pr/{{filing_id}}/amend")
def amend_form_pr(
    filing_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    """filed -> amended: records may change again; the refiling carries the amended flag."""
    return platform.compliance.form_pr.move(tenant, actor, str(filing_id), "amend")


@router.get(f"{BASE}/form-pr/{{filing_id}}/export", response_class=Response)
def export_form_pr(
    filing_id: uuid.UUID,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    format_: ReportFormat | None = Query(default=None, alias="format"),
) -> Response:
    """Without format: the fixed-width file (layout ``rules/form_pr.json``); csv or xlsx
    rows; pdf: the readable form (whole units as filed, beside the exact volumes)."""
    if format_ == "pdf":
        stem, _ = platform.compliance.form_pr.export_rows(tenant, actor, str(filing_id))
        filing = platform.compliance.form_pr.get(tenant, actor, str(filing_id))
        return pdf_download(form_pr_document(filing), stem)
    if format_ is None:
        name, text = platform.compliance.form_pr.export_text(tenant, actor, str(filing_id))
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(text.encode("ascii"), media_type="text/plain", headers=headers)
    stem, rows = platform.compliance.form_pr.export_rows(tenant, actor, str(filing_id))
    return download(rows, stem, format_)


@router.get(f"{BASE}/severance")
def severance(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    state: Annotated[State, Query()],
    period: PeriodQuery,
) -> dict[str, Any]:
    """Taxes and fees per lease, product and price, with totals and due dates."""
    return platform.compliance.reports.severance(tenant, actor, state, Period.parse(period))


@router.get(f"{BASE}/severance/export", response_class=Response)
def export_severance(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    state: Annotated[State, Query()],
    period: PeriodQuery,
    format_: ReportFormat = Query(default="csv", alias="format"),
) -> Response:
    """A row per lease, product and price (csv, xlsx), or the summary with totals (pdf)."""
    report = platform.compliance.reports.severance(
        tenant, actor, state, Period.parse(period), export=True
    )
    if format_ == "pdf":
        return pdf_download(severance_document(report), f"severance-{state}-{period}")
    rows = [
        {k: v for k, v in line.items() if k not in ("lines", "notes")} for line in report["lines"]
    ]
    return download(rows, f"severance-{state}-{period}", format_)


@router.post(f"{BASE}/owners", status_code=201)
def add_owner(
    body: OwnerIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return platform.compliance.reports.add_owner(tenant, actor, NewOwner(**body.model_dump()))


@router.get(f"{BASE}/owners")
def list_owners(platform: PlatformDep, tenant: TenantDep, actor: ActorDep) -> list[dict[str, Any]]:
    return platform.compliance.reports.list_owners(tenant, actor)


@router.put(f"{BASE}/leases/{{lease_id}}/interests")
def put_interests(
    lease_id: uuid.UUID,
    body: InterestsIn,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> list[dict[str, Any]]:
    """Replace the lease's division order; each product's interests sum to exactly 1."""
    lines = [
        NewInterest(**{**line.model_dump(), "owner_id": str(line.owner_id)})
        for line in body.interests
    ]
    return platform.compliance.reports.put_interests(tenant, actor, str(lease_id), lines)


@router.get(f"{BASE}/leases/{{lease_id}}/interests")
def list_interests(
    lease_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> list[dict[str, Any]]:
    return platform.compliance.reports.list_interests(tenant, actor, str(lease_id))


@router.get(f"{BASE}/revenue")
def revenue(
    platform: PlatformDep, tenant: TenantDep, actor: ActorDep, period: PeriodQuery
) -> dict[str, Any]:
    """Net revenue per lease, product and price, distributed to the owners to the cent."""
    return platform.compliance.reports.revenue(tenant, actor, Period.parse(period))


@router.get(f"{BASE}/revenue/export", response_class=Response)
def export_revenue(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    period: PeriodQuery,
    format_: ExportFormat = Query(default="csv", alias="format"),
) -> Response:
    """The payment register: one row per owner with the month's amount and suspense."""
    report = platform.compliance.reports.revenue(tenant, actor, Period.parse(period), export=True)
    rows = [
        {**owner, "suspense_reasons": "; ".join(owner["suspense_reasons"])}
        for owner in report["owners"]
    ]
    return download(rows, f"payment-register-{period}", format_)


@router.get(f"{BASE}/revenue/owners/{{owner_id}}")
def owner_statement(
    owner_id: uuid.UUID,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    period: PeriodQuery,
) -> dict[str, Any]:
    """One owner's statement of the month: lease, product, price, interest, amount."""
    month = Period.parse(period)
    return platform.compliance.reports.owner_statement(tenant, actor, str(owner_id), month)


@router.get(f"{BASE}/revenue/owners/{{owner_id}}/export", response_class=Response)
def export_owner_statement(
    owner_id: uuid.UUID,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    period: PeriodQuery,
    format_: ReportFormat = Query(default="csv", alias="format"),
) -> Response:
    """The statement's lines (csv, xlsx) or the statement to send the owner (pdf)."""
    month = Period.parse(period)
    statement = platform.compliance.reports.owner_statement(
        tenant, actor, str(owner_id), month, export=True
    )
    if format_ == "pdf":
        document = owner_statement_document(statement, tenant.name)
        return pdf_download(document, f"owner-statement-{owner_id}-{period}")
    return download(statement["lines"], f"owner-statement-{owner_id}-{period}", format_)


@router.get(f"{BASE}/calendar")
def compliance_calendar(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    year: int = Query(ge=2000, le=2100),
) -> list[dict[str, Any]]:
    """Every filing and payment due in the year, with the rule's source."""
    return platform.compliance.reports.calendar(tenant, actor, year)


@router.post(f"{BASE}/emissions", status_code=201)
def add_emission_entry(
    body: EmissionEntryIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    """A facility's month: gas burned (combustion), sent to a flare, a pneumatic device
    population (counts by kind, gas composition) or small storage tanks (units, liquid)."""
    detail_names = ("device_counts", "ch4_mole_fraction", "co2_mole_fraction", "units", "liquid")
    values = body.model_dump(exclude=set(detail_names))
    details = {k: v for k, v in body.model_dump(include=set(detail_names)).items() if v is not None}
    values.update(facility_id=str(body.facility_id), details=details or None)
    new = NewEmissionEntry(**values)
    return platform.compliance.emissions.add_entry(tenant, actor, new)


@router.get(f"{BASE}/emissions")
def emissions(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    period: PeriodQuery,
    gwp: Annotated[PlainText, Query(max_length=8, description="AR4, AR5 …")] | None = None,
) -> dict[str, Any]:
    """CO2, CH4, N2O and CO2e per facility, with the month's intensity per BOE."""
    return platform.compliance.emissions.report(tenant, actor, Period.parse(period), gwp)


@router.get(f"{BASE}/settings")
def get_settings(platform: PlatformDep, tenant: TenantDep, actor: ActorDep) -> dict[str, Any]:
    """Each setting's value, default and choices (Form PR due-date reading, GWP set)."""
    return platform.compliance.settings.get(tenant, actor)


@router.put(f"{BASE}/settings")
def put_settings(
    body: SettingsIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    values = body.model_dump(exclude_none=True)
    return platform.compliance.settings.put(tenant, actor, values)
