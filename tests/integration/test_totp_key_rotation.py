"""`wellos keys rotate totp`: enrolled users keep signing in with their authenticator
app, and every stored secret ends up sealed with the new key alone."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from functions.cli.main import app
from shared.adapters.security.secret_box import SealedSecretUnreadableError, SecretBox
from shared.adapters.sql.registry.tables import user_totp
from shared.bootstrap import TOTP_SECRET_NAME, Platform
from shared.core.keys.model import KeyRing
from tests.integration.api_support import api_client, invite, started_platform
from tests.integration.conftest import TenantSession, open_tenant
from tests.integration.test_api_mfa import _code, _enrol, _login, _steady

runner = CliRunner()


@pytest.fixture(scope="module")
def rot_platform(
    pg_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    # key_reload_s=0: this instance reads the ring on every use (a real one: within a minute)
    with started_platform(
        pg_server_url, tmp_path_factory.mktemp("state"), key_reload_s=0
    ) as platform:
        yield platform


@pytest.fixture(scope="module")
def acme(rot_platform: Platform) -> Iterator[TenantSession]:
    with api_client(rot_platform) as client:
        yield open_tenant(rot_platform, client, "acme")


def stored(platform: Platform, user_id: str) -> str:
    query = sa.select(user_totp.c.secret).where(user_totp.c.user_id == user_id)
    with platform.master.engine.connect() as connection:
        return str(connection.execute(query).scalar_one())


def cli_env(platform: Platform) -> dict[str, str]:
    settings = platform.settings
    assert settings.database_url is not None
    return {
        "WELLOS_DATABASE_URL": settings.database_url.get_secret_value(),
        "WELLOS_STATE_DIR": str(settings.state_dir),
        "WELLOS_TENANT_DB_PREFIX": settings.tenant_db_prefix,
    }


def test_rotating_the_totp_key_reseals_every_secret_and_sign_ins_go_on(rot_platform, acme):
    # GIVEN two users with authenticator apps, their secrets sealed with the first key
    first, second = invite(acme, "MANAGER"), invite(acme, "VIEWER")
    secret_1, _ = _enrol(acme, first["headers"])
    secret_2, _ = _enrol(acme, second["headers"])
    before = {u["id"]: stored(rot_platform, u["id"]) for u in (first, second)}
    ring_before = KeyRing.parse(rot_platform.secrets.get(TOTP_SECRET_NAME))
    assert len(ring_before.keys) == 1
    # WHEN the operator rotates the TOTP key
    result = runner.invoke(
        app,
        ["keys", "rotate", "totp", "--activate-in-seconds", "0", "--json"],
        env=cli_env(rot_platform),
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["key"] == "totp" and report["keys_in_ring"] == 2
    assert report["resealed"] >= 2
    # THEN every stored secret is sealed anew, with the new key alone
    ring = KeyRing.parse(rot_platform.secrets.get(TOTP_SECRET_NAME))
    new_only, old_only = SecretBox(ring.keys[-1].value), SecretBox(ring.keys[0].value)
    for user_id, old_value in before.items():
        now_value = stored(rot_platform, user_id)
        assert now_value != old_value and now_value.startswith("v1:")
        new_only.open(now_value)
        with pytest.raises(SealedSecretUnreadableError):
            old_only.open(now_value)
    # AND both users sign in with their unchanged authenticator apps
    _steady()
    assert _login(acme, first, mfa_code=_code(secret_1, 30)).status_code == 200
    assert _login(acme, second, mfa_code=_code(secret_2, 30)).status_code == 200
    # AND the status lists the TOTP ring without showing a key
    status = runner.invoke(app, ["keys", "status", "--json"], env=cli_env(rot_platform))
    assert status.exit_code == 0, status.output
    rows = [k for k in json.loads(status.output)["keys"] if k["key"] == "totp"]
    assert len(rows) == 2 and [r["signing"] for r in rows] == [False, True]
    assert ring.keys[-1].value not in status.output


def test_a_secret_sealed_with_the_previous_key_is_resealed_when_read(rot_platform, acme):
    # GIVEN a user whose secret an instance sealed with the previous key (not yet re-sealed)
    user = invite(acme, "VIEWER")
    secret, _ = _enrol(acme, user["headers"])
    ring = KeyRing.parse(rot_platform.secrets.get(TOTP_SECRET_NAME))
    if len(ring.keys) < 2:
        done = runner.invoke(
            app, ["keys", "rotate", "totp", "--activate-in-seconds", "0"],
            env=cli_env(rot_platform),
        )  # fmt: skip
        assert done.exit_code == 0, done.output
        ring = KeyRing.parse(rot_platform.secrets.get(TOTP_SECRET_NAME))
    old_box = SecretBox(ring.keys[-2].value)
    with rot_platform.master.engine.begin() as connection:
        connection.execute(
            user_totp.update()
            .where(user_totp.c.user_id == user["id"])
            .values(secret=old_box.seal(secret))
        )
    # WHEN the user signs in with a code THEN they are in
    _steady()
    assert _login(acme, user, mfa_code=_code(secret, 30)).status_code == 200
    # AND the row now opens with the current key alone
    assert SecretBox(ring.keys[-1].value).open(stored(rot_platform, user["id"])) == secret
