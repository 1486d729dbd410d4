"""`wellos keys rotate|status` on the local secret store (state_dir/secrets.json)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from functions.cli.main import app
from shared.adapters.security.tokens import JwtAccessTokenCodec
from shared.bootstrap import build_secrets, build_server_keys, build_token_codec
from shared.core.common.roles import Role
from shared.core.keys.model import KeyRing
from shared.core.ports.security import AccessClaims
from shared.settings import Settings

runner = CliRunner()


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WELLOS_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("WELLOS_JWT_SECRET", raising=False)
    monkeypatch.delenv("WELLOS_DATABASE_URL", raising=False)
    return tmp_path


def token_codec(state: Path) -> JwtAccessTokenCodec:
    """A fresh process's codec, as the API builds it."""
    settings = Settings(state_dir=state)
    return build_token_codec(settings, build_server_keys(settings, build_secrets(settings)))


def test_rotate_jwt_keeps_tokens_of_the_previous_key_valid(state: Path) -> None:
    far = datetime.now(UTC) + timedelta(days=1)
    claims = AccessClaims("u-1", "t-1", "acme", Role.ADMIN, "a@acme.test", far)
    before = token_codec(state).encode(claims)
    # WHEN the JWT key is rotated at once, with a grace of an hour
    result = runner.invoke(
        app,
        [
            "keys",
            "rotate",
            "jwt",
            "--activate-in-seconds",
            "0",
            "--grace-seconds",
            "3600",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["key"] == "jwt" and report["keys_in_ring"] == 2
    # THEN the secret store holds a ring of two, and a new process signs with the new key
    secrets = json.loads((state / "secrets.json").read_text())
    ring = KeyRing.parse(secrets["jwt-signing-key"])
    assert len(ring.keys) == 2 and ring.keys[0].verify_until is not None
    codec = token_codec(state)
    after = codec.encode(claims)
    assert after != before
    assert codec.decode(before).subject == "u-1"  # the previous key, within its grace
    assert codec.decode(after).subject == "u-1"
    # AND the key values never reach the output
    assert all(key.value not in result.output for key in ring.keys)


def test_rotate_blob_token_and_status(state: Path) -> None:
    result = runner.invoke(app, ["keys", "rotate", "blob-token"])
    assert result.exit_code == 0, result.output
    assert "previous key verifies until" in result.output
    status = runner.invoke(app, ["keys", "status", "--json"])
    rows = [r for r in json.loads(status.output)["keys"] if r["key"] == "blob-token"]
    assert len(rows) == 2
    assert rows[0]["verify_until"] is not None and rows[1]["verify_until"] is None


def test_a_pinned_jwt_secret_cannot_be_rotated(
    state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WELLOS_JWT_SECRET", "p" * 40)
    result = runner.invoke(app, ["keys", "rotate", "jwt"])
    assert result.exit_code == 2
    assert "WELLOS_JWT_SECRET" in result.output
