"""Well photos: upload targets on the local store (the API's blob route), Azurite and
moto's S3, limits enforced, a PHOTO_ATTACHED event links one, read URLs read it back."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from PIL import Image
from pydantic import SecretStr

from shared.adapters.aws.s3_blob_store import create_bucket
from shared.adapters.sql.sync import tables as st
from shared.bootstrap import build_transport
from shared.core.ports.blobs import BlobStore
from shared.core.sync.services.field_sync import SyncService
from shared.core.wells.model.photos import MAX_PHOTO_BYTES
from shared.core.wells.services.photos import PhotoService
from tests.integration import api_support
from tests.integration.sync_support import Site, build_site, device, event, rows, sync

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme
T = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def site(mod_acme, mod_platform) -> Site:
    return build_site(mod_acme, mod_platform)


def jpeg(width: int = 64, height: int = 48) -> bytes:
    """A real, small JPEG."""
    image = Image.new("RGB", (width, height), (180, 90, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _target(site: Site, well: str, content_type: str, size: int) -> Any:
    return site.client.post(
        f"/api/v1/wells/{well}/photos",
        json={"content_type": content_type, "size": size},
        headers=site.operator.headers,
    )


def _attach(site: Site, well: str, key: str, content_type: str = "image/jpeg") -> dict:
    payload = {"blob_key": key, "content_type": content_type, "caption": "wellhead"}
    at = T + timedelta(minutes=uuid.uuid4().int % 10_000)
    attached = event("PHOTO_ATTACHED", well, payload, at)
    return dict(sync(site, site.operator, device("tab-photo"), [attached])["results"][0])


def _photos(site: Site, well: str) -> list[dict]:
    response = site.client.get(f"/api/v1/wells/{well}/photos", headers=site.manager.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_a_photo_uploads_through_the_api_links_and_reads_back(site):
    # GIVEN a photo the operator took, and an upload target for it on the local store
    photo = jpeg()
    well = site.wells[0]
    made = _target(site, well, "image/jpeg", len(photo))
    assert made.status_code == 201, made.text
    body = made.json()
    upload = body["upload"]
    # (no WELLOS_PUBLIC_API_URL here: a link relative to the API, never to the Host header)
    assert upload["url"].startswith("/api/v1/blobs/tenants/acme/wells/")
    assert body["blob_key"].startswith(f"tenants/acme/wells/{well}/photos/")
    # WHEN the device uploads it as told and links it with a PHOTO_ATTACHED event
    put = site.client.request(
        upload["method"], upload["url"], headers=upload["headers"], content=photo
    )
    linked = _attach(site, well, body["blob_key"])
    # THEN the photo is stored, linked, and its read URL serves the same bytes
    assert put.status_code == 201, put.text
    assert linked["status"] == "applied"
    [listed] = [p for p in _photos(site, well) if p["blob_key"] == body["blob_key"]]
    read = site.client.get(listed["url"])
    assert (read.status_code, read.content) == (200, photo)
    assert read.headers["content-type"] == "image/jpeg"
    assert listed["caption"] == "wellhead"


def test_upload_requests_outside_the_limits_are_422_naming_the_field(site):
    # GIVEN a GIF and a photo over 15 MiB
    well = site.wells[0]
    # WHEN upload targets are asked for
    gif = _target(site, well, "image/gif", 1000)
    huge = _target(site, well, "image/jpeg", MAX_PHOTO_BYTES + 1)
    unassigned = _target(site, site.unassigned_well, "image/jpeg", 1000)
    # THEN each is refused naming its field; a well not assigned is not found
    assert (gif.status_code, gif.json()["field"]) == (422, "content_type")
    assert (huge.status_code, huge.json()["field"]) == (422, "size")
    assert unassigned.status_code == 404


def test_the_blob_route_holds_the_token_to_its_type_size_and_signature(site):
    # GIVEN an upload target for 1,000 bytes of JPEG
    well = site.wells[0]
    upload = _target(site, well, "image/jpeg", 1000).json()["upload"]
    url, headers = upload["url"], upload["headers"]
    # WHEN a client sends too much, another type, or a changed token
    too_big = site.client.put(url, headers=headers, content=b"x" * 1001)
    other_type = site.client.put(url, headers={"Content-Type": "image/png"}, content=b"x")
    forged = site.client.put(url[:-3] + ("AAA" if url[-3:] != "AAA" else "BBB"), content=b"x")
    # THEN 413, 415 and 403, and nothing is stored
    assert (too_big.status_code, other_type.status_code, forged.status_code) == (413, 415, 403)
    assert too_big.json()["code"] == "body_too_large"


def test_linking_checks_the_blob_is_there_and_within_the_limit(site):
    # GIVEN a key nothing was uploaded to, and a 16 MiB blob that a presigned PUT let in
    well = site.wells[1]
    missing = f"tenants/acme/wells/{well}/photos/{uuid.uuid4()}.jpg"
    oversize = f"tenants/acme/wells/{well}/photos/{uuid.uuid4()}.jpg"
    site.platform.blobs.put(oversize, b"\xff" * (MAX_PHOTO_BYTES + 1), "image/jpeg")
    # WHEN PHOTO_ATTACHED events link them
    results = [_attach(site, well, missing), _attach(site, well, oversize)]
    # THEN both are rejected, saying why, and nothing is linked
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert "no photo was uploaded" in results[0]["reason"]
    assert results[1]["reason"].startswith("payload.blob_key: the photo has 15728641 bytes")
    linked = {r["blob_key"] for r in rows(site, st.well_photos, st.well_photos.c.well_id == well)}
    assert not linked & {missing, oversize}


@pytest.fixture
def cloud_store(request, site, monkeypatch, moto_endpoint) -> Iterator[BlobStore]:
    """The platform's photo and sync services on Azure Blob (Azurite) or S3 (moto server),
    built from settings the way bootstrap builds them."""
    container = "c" + uuid.uuid4().hex[:12]
    settings = site.platform.settings
    if request.param == "azurite":
        connection = request.getfixturevalue("azurite_connection_string")
        changes = {"blob_backend": "azure", "azure_storage": SecretStr(connection)}
    else:
        for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                            ("AWS_DEFAULT_REGION", "us-east-1")):  # fmt: skip
            monkeypatch.setenv(name, value)
        changes = {"blob_backend": "s3", "aws_endpoint_url": moto_endpoint}
    cloud = settings.model_copy(update={**changes, "blob_container": container})
    _, store = build_transport(cloud, site.platform.secrets)
    if request.param == "s3-moto":
        create_bucket(store._client, container)  # infra creates real buckets
    platform = site.platform
    monkeypatch.setattr(platform, "photos", PhotoService(platform.tenant_databases, store))
    monkeypatch.setattr(platform, "sync", SyncService(platform.tenant_databases, blobs=store))
    yield store


@pytest.mark.parametrize("cloud_store", ["azurite", "s3-moto"], indirect=True)
def test_a_photo_goes_straight_to_the_cloud_store_and_reads_back(site, cloud_store):
    # GIVEN an upload target on the cloud store (SAS URL or presigned PUT)
    photo = jpeg(320, 240)
    well = site.wells[0]
    body = _target(site, well, "image/jpeg", len(photo)).json()
    upload = body["upload"]
    assert not upload["url"].startswith("/api/v1/blobs/")  # not through the API
    # WHEN the device uploads with plain HTTP as told, then links it
    with httpx.Client() as http:
        put = http.request(
            upload["method"], upload["url"], headers=upload["headers"], content=photo
        )
        linked = _attach(site, well, body["blob_key"])
        [listed] = [p for p in _photos(site, well) if p["blob_key"] == body["blob_key"]]
        read = http.get(listed["url"])
    # THEN the store has it, the link applied, and the read URL serves the bytes
    assert put.status_code in (200, 201), put.text
    assert linked["status"] == "applied", linked
    assert (read.status_code, read.content) == (200, photo)
    head = cloud_store.head(body["blob_key"])
    assert head is not None and head.size == len(photo)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_refused_upload_is_deleted_and_accepted_photos_stay(site):
    # GIVEN uploads on the operator's well: a photo, a 16 MiB blob, a PNG where the app
    # will say JPEG; and an oversize blob under another tenant's prefix
    blobs, well = site.platform.blobs, site.wells[1]
    photo, oversize, mistyped = (f"tenants/acme/wells/{well}/photos/{uuid.uuid4()}.jpg"
                                 for _ in range(3))  # fmt: skip
    foreign = f"tenants/permian/wells/{well}/photos/{uuid.uuid4()}.jpg"
    blobs.put(photo, jpeg(), "image/jpeg")
    blobs.put(oversize, b"\xff" * (MAX_PHOTO_BYTES + 1), "image/jpeg")
    blobs.put(mistyped, png(), "image/png")
    blobs.put(foreign, b"\xff" * (MAX_PHOTO_BYTES + 1), "image/jpeg")
    # WHEN the app links each; and links the photo once more, claiming it is a PNG
    results = [_attach(site, well, key) for key in (photo, oversize, mistyped, foreign)]
    results.append(_attach(site, well, photo, "image/png"))
    # THEN only the photo is linked; the refused uploads of this tenant are gone
    assert [r["status"] for r in results] == ["applied"] + ["rejected"] * 4
    assert results[2]["reason"] == "payload.content_type: the uploaded photo is image/png"
    assert (blobs.head(oversize), blobs.head(mistyped)) == (None, None)
    # AND the linked photo and the other tenant's blob stay
    assert blobs.head(photo) is not None and blobs.head(foreign) is not None
    [listed] = [p for p in _photos(site, well) if p["blob_key"] == photo]
    assert site.client.get(listed["url"]).content == jpeg()
