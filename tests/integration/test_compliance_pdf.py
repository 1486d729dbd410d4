"""Form PR, the severance tax summary and an owner statement as PDF downloads, read back
with pypdf: the figures a filer checks (lease, month, volumes, taxes to the cent) are in
the text; the permission is ``reports:export`` like the other exports."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.integration import api_support
from tests.integration.api_support import invite
from tests.integration.compliance_support import BASE, PERIOD, month, ok
from tests.integration.conftest import TenantSession

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme


def pdf_text(response: object) -> str:
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/pdf"  # type: ignore[attr-defined]
    assert response.content[:5] == b"%PDF-"  # type: ignore[attr-defined]
    reader = PdfReader(io.BytesIO(response.content))  # type: ignore[attr-defined]
    return "\n".join(page.extract_text() for page in reader.pages)


def test_form_pr_as_pdf_shows_lease_month_volumes_and_codes(mod_acme: TenantSession) -> None:
    lease = month(mod_acme)
    profile = {"state": "TX", "operator_number": "710001", "district": "08",
               "state_lease_number": "54321", "field_name": "Spraberry (Trend Area)"}  # fmt: skip
    url = f"{BASE}/leases/{lease.lease_id}/profile"
    ok(mod_acme.client.put(url, json=profile, headers=mod_acme.headers))
    body = {"operator_number": "710001", "period": PERIOD}
    filing = ok(mod_acme.client.post(f"{BASE}/form-pr", json=body, headers=mod_acme.headers), 201)
    ok(mod_acme.client.post(f"{BASE}/form-pr/{filing['id']}/validate", headers=mod_acme.headers))

    response = mod_acme.client.get(
        f"{BASE}/form-pr/{filing['id']}/export", params={"format": "pdf"}, headers=mod_acme.headers
    )
    text = pdf_text(response)

    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="form-pr-710001-2026-10.pdf"'
    assert "Texas RRC Form PR - 2026-10" in text
    assert "Operator number: 710001" in text and "Status: validated" in text
    assert "Lease 54321" in text and "district 08" in text and "Spraberry (Trend Area)" in text
    # oil: opening 120, produced 310, closing 130, sold 300 (code 1); gas sold 1200, used 40
    for figure in ("120", "310.00", "130", "300.00", "1200.00", "40.00"):
        assert figure in text, figure
    assert "Disposition sold 1 300 300.00 Plains Marketing" in text
    assert "Producing days 31" in text


def test_severance_summary_pdf_has_taxes_to_the_cent(mod_acme: TenantSession) -> None:
    lease = month(mod_acme)
    params = {"state": "TX", "period": PERIOD}
    report = ok(mod_acme.client.get(f"{BASE}/severance", params=params, headers=mod_acme.headers))
    mine = [x for x in report["lines"] if x["lease_id"] == lease.lease_id]
    oil = next(x for x in mine if x["product"] == "oil")

    response = mod_acme.client.get(
        f"{BASE}/severance/export", params={**params, "format": "pdf"}, headers=mod_acme.headers
    )
    text = pdf_text(response)

    assert 'filename="severance-TX-2026-10.pdf"' in response.headers["content-disposition"]
    assert "Severance and production taxes - TX - 2026-10" in text
    # Texas oil 4.6 % of 300 bbl x $75 = $1,035.00; gas 7.5 % of 1200 Mcf x $3 = $270.00
    assert f"{oil['lease_number']} oil 300.00 75" in text
    assert "22,500.00 1,035.00" in text
    assert "3,600.00 270.00" in text
    total_tax = f"{float(report['totals']['tax']):,.2f}"
    assert f"Total {float(report['totals']['gross_value']):,.2f} {total_tax}" in text
    assert "2026-11-25" in text


def test_owner_statement_pdf_sums_to_the_owner_amount(mod_acme: TenantSession) -> None:
    lease = month(mod_acme)
    ok(
        mod_acme.client.put(
            f"{BASE}/leases/{lease.lease_id}/profile",
            json={"state": "TX", "operator_number": "710003"},
            headers=mod_acme.headers,
        )
    )
    owners = [
        ok(mod_acme.client.post(f"{BASE}/owners", json=body, headers=mod_acme.headers), 201)
        for body in (
            {"name": "PDF Royalty", "tax_id": "12-3456789", "address": "1 Main St, Midland TX"},
            {"name": "PDF Operator", "tax_id": "55-5555555", "address": "3 Elm St, Dallas TX"},
        )
    ]
    lines = [
        {"owner_id": owner["id"], "interest_type": kind, "product": product,
         "decimal_interest": share, "effective_from": "2020-01-01"}
        for owner, kind, share in zip(
            owners, ("royalty", "working"), ("0.125", "0.875"), strict=True
        )
        for product in ("oil", "gas")
    ]  # fmt: skip
    url = f"{BASE}/leases/{lease.lease_id}/interests"
    ok(mod_acme.client.put(url, json={"interests": lines}, headers=mod_acme.headers))
    owner_url = f"{BASE}/revenue/owners/{owners[0]['id']}"
    params = {"period": PERIOD}
    statement = ok(mod_acme.client.get(owner_url, params=params, headers=mod_acme.headers))

    response = mod_acme.client.get(
        f"{owner_url}/export", params={"period": PERIOD, "format": "pdf"}, headers=mod_acme.headers
    )
    text = pdf_text(response)

    assert "Owner: PDF Royalty" in text and "Month: 2026-10" in text
    assert "Status: payable" in text
    for line in statement["lines"]:
        assert f"{float(line['amount']):,.2f}" in text
    assert f"Total {float(statement['total']):,.2f}" in text
    viewer = invite(mod_acme, "VIEWER")
    refused = mod_acme.client.get(
        f"{owner_url}/export", params={"period": PERIOD, "format": "pdf"}, headers=viewer["headers"]
    )
    assert refused.status_code == 403
