"""The local blob route and its links: an upload link works once and never overwrites a
blob (a linked photo stays as it was), blobs are served as data, never as a page, and
links come from the configured public URL, never from the request's Host header."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image

from shared.bootstrap import build_local_transport
from shared.settings import Settings
from tests.integration import api_support
from tests.integration.sync_support import Site, build_site, device, event, sync

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme
T = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def site(mod_acme, mod_platform) -> Site:
    return build_site(mod_acme, mod_platform)


def jpeg(shade: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (180, 90, shade)).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _target(site: Site, size: int, headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = site.client.post(
        f"/api/v1/wells/{site.wells[0]}/photos",
        json={"content_type": "image/jpeg", "size": size},
        headers={**site.operator.headers, **(headers or {})},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def _put(site: Site, upload: dict[str, Any], data: bytes) -> Any:
    return site.client.put(upload["url"], headers=upload["headers"], content=data)


def _link(site: Site, key: str) -> str:
    payload = {"blob_key": key, "content_type": "image/jpeg", "caption": "wellhead"}
    at = T + timedelta(minutes=uuid.uuid4().int % 10_000)
    attached = event("PHOTO_ATTACHED", site.wells[0], payload, at)
    return str(sync(site, site.operator, device("tab-links"), [attached])["results"][0]["status"])


def _read_url(site: Site, key: str) -> str:
    listed = site.client.get(
        f"/api/v1/wells/{site.wells[0]}/photos", headers=site.manager.headers
    ).json()["items"]
    return str(next(p["url"] for p in listed if p["blob_key"] == key))


def test_an_upload_link_works_once_and_a_linked_photo_cannot_be_replaced(site):
    # GIVEN a photo uploaded through its link and linked to the well
    photo, other = jpeg(30), jpeg(200)
    made = _target(site, max(len(photo), len(other)))
    first = _put(site, made["upload"], photo)
    assert first.status_code == 201, first.text
    assert _link(site, made["blob_key"]) == "applied"
    # WHEN the same link is used again with other bytes
    again = _put(site, made["upload"], other)
    # THEN it is refused as used, and the linked photo still reads back as it was
    assert again.status_code == 409
    assert again.json()["code"] == "upload_link_used"
    assert site.client.get(_read_url(site, made["blob_key"])).content == photo
    # AND a retry of the very same bytes (an answer lost on the way) is accepted, unchanged
    assert _put(site, made["upload"], photo).status_code == 201


def test_a_used_link_stays_used_after_its_blob_is_deleted(site):
    # GIVEN an upload the server later deleted (a refused link deletes it)
    made = _target(site, 5000)
    assert _put(site, made["upload"], jpeg()).status_code == 201
    site.platform.blobs.delete(made["blob_key"])
    # WHEN the link is used once more
    again = _put(site, made["upload"], jpeg(99))
    # THEN it is refused and nothing is stored
    assert again.status_code == 409
    assert site.platform.blobs.head(made["blob_key"]) is None


def test_blobs_are_served_as_data_never_as_a_page(site):
    # GIVEN a linked photo, and an HTML file stored under a blob key
    made = _target(site, 5000)
    assert _put(site, made["upload"], jpeg()).status_code == 201
    assert _link(site, made["blob_key"]) == "applied"
    page_key = f"tenants/acme/notes/{uuid.uuid4()}.html"
    site.platform.blobs.put(page_key, b"<script>alert(document.domain)</script>", "text/html")
    # WHEN both are read through the API's blob route
    photo = site.client.get(_read_url(site, made["blob_key"]))
    page = site.client.get(site.platform.blobs.download_url(page_key))
    # THEN neither may be sniffed or run anything; the photo shows inline, the page downloads
    for response in (photo, page):
        assert response.status_code == 200
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert "content-disposition" not in photo.headers
    assert photo.headers["content-type"] == "image/jpeg"
    assert page.headers["content-disposition"] == "attachment"


def test_links_never_come_from_the_host_header(site):
    # WHEN an upload target is asked for with a Host header of the caller's choosing
    made = _target(site, 1000, headers={"Host": "attacker.example"})
    # THEN the link does not point there (no public URL configured: relative to the API)
    assert "attacker.example" not in made["upload"]["url"]
    assert made["upload"]["url"].startswith("/api/v1/blobs/")


def test_links_use_the_configured_public_url(site, tmp_path):
    # GIVEN WELLOS_PUBLIC_API_URL set (a trailing slash is dropped)
    settings = Settings(public_api_url="https://api.wellos.example/", state_dir=tmp_path)
    _, blobs = build_local_transport(settings, site.platform.secrets)
    # THEN upload and read links start with it
    target = blobs.upload_url("tenants/acme/a.jpg", "image/jpeg", 100)
    assert target.url.startswith("https://api.wellos.example/api/v1/blobs/tenants/acme/a.jpg?")
    assert blobs.download_url("tenants/acme/a.jpg").startswith("https://api.wellos.example/api/")
