"""Documents through the API on the local blob store: upload, content check, the
virus-scan port, download; forbidden types and lying files refused, nothing half-written."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.integration import api_support
from tests.integration.api_support import create_well, invite
from tests.integration.conftest import TenantSession

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme

BASE = "/api/v1/documents"
PDF = b"%PDF-1.7\n" + b"0" * 500


def upload(
    session: TenantSession, well_id: str, data: bytes, content_type: str = "application/pdf",
    filename: str = "daily log.pdf", headers: Any = None,
) -> Any:  # fmt: skip
    headers = headers or session.headers
    body = {"owner_kind": "well", "owner_id": well_id, "filename": filename,
            "content_type": content_type, "size": len(data)}  # fmt: skip
    response = session.client.post(BASE, json=body, headers=headers)
    assert response.status_code == 201, response.text
    target = response.json()["upload"]
    client: TestClient = session.client
    put = client.request(target["method"], target["url"], headers=target["headers"], content=data)
    assert put.status_code in (200, 201, 204), put.text
    return response.json()["document"]


def test_a_document_is_uploaded_checked_and_served(mod_acme: TenantSession) -> None:
    # GIVEN a well and a PDF uploaded against it
    well = create_well(mod_acme)
    document = upload(mod_acme, well["id"], PDF)
    assert document["status"] == "pending"
    # WHEN the upload is completed
    url = f"{BASE}/{document['id']}/complete"
    done = mod_acme.client.post(url, headers=mod_acme.headers)
    # THEN it is served, marked as not scanned (the local no-op scanner)
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["scan_engine"]) == ("unscanned", "none")
    fetched = mod_acme.client.get(f"{BASE}/{document['id']}", headers=mod_acme.headers).json()
    link = fetched["download_url"]
    assert "/tenants/acme/documents/well/" in link
    assert mod_acme.client.get(link).content == PDF
    listed = mod_acme.client.get(
        BASE, params={"owner_kind": "well", "owner_id": well["id"]}, headers=mod_acme.headers
    ).json()
    assert [d["filename"] for d in listed] == ["daily log.pdf"]
    # AND completing twice is a conflict
    assert mod_acme.client.post(url, headers=mod_acme.headers).status_code == 409


def test_forbidden_or_lying_files_are_refused(mod_acme: TenantSession) -> None:
    well = create_well(mod_acme)["id"]
    # a forbidden type, an oversized PDF, a wrong extension: refused before any upload
    cases = [
        ({"content_type": "text/html", "filename": "x.html", "size": 10}, "content_type"),
        ({"content_type": "application/pdf", "filename": "x.pdf", "size": 60_000_000}, "size"),
        ({"content_type": "application/pdf", "filename": "x.exe", "size": 10}, "filename"),
    ]
    for extra, field in cases:
        body = {"owner_kind": "well", "owner_id": well, **extra}
        response = mod_acme.client.post(BASE, json=body, headers=mod_acme.headers)
        assert (response.status_code, response.json().get("field")) == (422, field), field
    # an HTML page uploaded as a PDF is refused on completion and leaves nothing behind
    document = upload(mod_acme, well, b"<html><script>alert(1)</script></html>")
    refused = mod_acme.client.post(f"{BASE}/{document['id']}/complete", headers=mod_acme.headers)
    assert (refused.status_code, refused.json()["field"]) == (422, "file")
    gone = mod_acme.client.get(f"{BASE}/{document['id']}", headers=mod_acme.headers)
    assert gone.status_code == 404


def test_pumpers_attach_to_their_wells_only(mod_acme: TenantSession) -> None:
    pumper = invite(mod_acme, "FIELD_OPERATOR")
    other = create_well(mod_acme)["id"]
    body = {"owner_kind": "well", "owner_id": other, "filename": "a.pdf",
            "content_type": "application/pdf", "size": 10}  # fmt: skip
    assert mod_acme.client.post(BASE, json=body, headers=pumper["headers"]).status_code == 404
