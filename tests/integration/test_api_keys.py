"""API keys: created by admins and shown once, stored hashed, acting with their role,
read-only when asked, revocable, with a last-used time, and never valid for another tenant."""

from __future__ import annotations

import sqlalchemy as sa

from shared.adapters.sql.registry.tables import api_keys
from tests.integration import api_support
from tests.integration.api_support import create_well, invite, master_audit, problem_field, unique

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme
mod_permian = api_support.mod_permian


def _create(session, headers=None, **body):
    body = {"name": unique("BI tool"), "role": "VIEWER", **body}
    return session.client.post("/api/v1/api-keys", json=body, headers=headers or session.headers)


def _with_key(session, key: str) -> dict[str, str]:
    return {"X-WellOS-Tenant": session.slug, "Authorization": f"Bearer {key}"}


def test_a_key_is_shown_once_stored_hashed_and_reads_with_its_role(mod_platform, mod_acme):
    well = create_well(mod_acme)
    created = _create(mod_acme, role="MANAGER")
    assert created.status_code == 201, created.text
    body = created.json()
    key = body["key"]
    assert key.startswith("wk_") and len(key) > 40
    assert body["prefix"] == key[:10]
    # THEN it reads the tenant's wells
    wells = mod_acme.client.get("/api/v1/wells?limit=500", headers=_with_key(mod_acme, key))
    assert wells.status_code == 200
    assert well["id"] in {w["id"] for w in wells.json()["items"]}
    # AND the listing never shows the key again, but tells when it was last used
    listed = mod_acme.client.get("/api/v1/api-keys", headers=mod_acme.headers).json()
    mine = next(k for k in listed if k["id"] == body["id"])
    assert "key" not in mine
    assert mine["last_used_at"] is not None
    with mod_platform.master.engine.connect() as connection:
        stored = connection.execute(sa.select(api_keys.c.key_hash)).scalars().all()
    assert key not in stored
    assert key not in str(master_audit(mod_platform, body["id"]))


def test_a_key_can_do_what_its_role_may_and_no_more(mod_acme):
    viewer_key = _create(mod_acme, role="VIEWER").json()["key"]
    write = mod_acme.client.post(
        "/api/v1/wells",
        json={"name": unique("Well"), "well_type": "OIL"},
        headers=_with_key(mod_acme, viewer_key),
    )
    assert write.status_code == 403
    manager_key = _create(mod_acme, role="MANAGER").json()["key"]
    created = mod_acme.client.post(
        "/api/v1/wells",
        json={"name": unique("Well"), "well_type": "OIL"},
        headers=_with_key(mod_acme, manager_key),
    )
    assert created.status_code == 201
    assert (
        mod_acme.client.get("/api/v1/users", headers=_with_key(mod_acme, viewer_key)).status_code
        == 403
    )


def test_a_read_only_key_only_reads(mod_acme):
    key = _create(mod_acme, role="MANAGER", read_only=True).json()["key"]
    headers = _with_key(mod_acme, key)
    assert mod_acme.client.get("/api/v1/wells", headers=headers).status_code == 200
    write = mod_acme.client.post(
        "/api/v1/wells", json={"name": unique("Well"), "well_type": "OIL"}, headers=headers
    )
    assert write.status_code == 403
    assert "read-only" in write.json()["detail"]


def test_a_revoked_key_stops_working(mod_platform, mod_acme):
    created = _create(mod_acme).json()
    headers = _with_key(mod_acme, created["key"])
    assert mod_acme.client.get("/api/v1/wells", headers=headers).status_code == 200
    revoked = mod_acme.client.delete(f"/api/v1/api-keys/{created['id']}", headers=mod_acme.headers)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert mod_acme.client.get("/api/v1/wells", headers=headers).status_code == 401
    actions = [e["action"] for e in master_audit(mod_platform, created["id"])]
    assert actions == ["api_key.created", "api_key.revoked"]


def test_a_key_is_never_valid_for_another_tenant(mod_acme, mod_permian):
    key = _create(mod_acme, role="MANAGER").json()["key"]
    response = mod_permian.client.get("/api/v1/wells", headers=_with_key(mod_permian, key))
    assert response.status_code == 403
    assert response.json()["code"] == "tenant_mismatch"
    other = mod_permian.client.get("/api/v1/api-keys", headers=mod_permian.headers).json()
    assert all(k["prefix"] != key[:10] for k in other)
    foreign = _create(mod_permian).json()
    gone = mod_acme.client.delete(f"/api/v1/api-keys/{foreign['id']}", headers=mod_acme.headers)
    assert gone.status_code == 404


def test_only_admins_manage_keys_and_bad_input_is_422(mod_acme):
    manager = invite(mod_acme, "MANAGER")
    assert _create(mod_acme, headers=manager["headers"]).status_code == 403
    assert mod_acme.client.get("/api/v1/api-keys", headers=manager["headers"]).status_code == 403
    for body, field in (
        ({"role": "ROOT"}, "role"),
        ({"name": ""}, "name"),
        ({"name": "a\nb"}, "name"),
    ):
        response = _create(mod_acme, **body)
        assert response.status_code == 422
        assert problem_field(response) == field


def test_an_unknown_or_garbled_key_is_401(mod_acme):
    for key in ("wk_" + "x" * 43, "wk_", "wk_not a key"):
        response = mod_acme.client.get("/api/v1/wells", headers=_with_key(mod_acme, key))
        assert response.status_code == 401
