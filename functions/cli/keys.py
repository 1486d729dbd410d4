"""`wellos keys rotate jwt|blob-token|totp` and `wellos keys status`: the server keys' rings.

Rotation writes a new key to the secret store (`WELLOS_SECRETS_*`); instances
re-read it within `WELLOS_KEY_RELOAD_S`, the new key signs from then on, and
tokens signed with the previous key stay valid for the grace period.

`totp` is the key that seals the authenticator (TOTP) secrets in the master
database: once every instance has the new key (after the activation delay) the
command re-seals every stored secret with it; the previous key keeps opening
rows for the grace period (rows an instance still sealed with it are re-sealed
when next read).
"""

from __future__ import annotations

import time
from datetime import timedelta
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from functions.cli.output import emit_json, handle_errors, short_time, stdout
from functions.cli.runtime import load_settings, open_platform
from shared.bootstrap import (
    BLOB_TOKEN_SECRET_NAME,
    JWT_SECRET_NAME,
    TOTP_SECRET_NAME,
    build_secrets,
    build_server_keys,
)
from shared.core.common.clock import utc_now
from shared.core.keys.errors import KeyPinnedError
from shared.core.keys.model import ServerKey
from shared.core.keys.services import ServerKeys
from shared.settings import Settings

BLOB_LINK_MAX_S = 3600
"""The longest blob link WellOS hands out (photos: 15 min upload, 5 min read), with margin."""
TOTP_GRACE_S = 7 * 86_400
"""The previous TOTP key opens secrets this long: the re-sealing is done long before."""

EXAMPLES = """[bold]Examples:[/bold]

  wellos keys rotate jwt

  wellos keys rotate blob-token --grace-seconds 7200 --json

  wellos keys rotate totp          # then re-seals every authenticator secret

  wellos keys status
"""

keys_app = typer.Typer(
    help="Server keys: rotate the JWT and blob-token signing keys and the TOTP sealing key "
    "with a grace period.",
    no_args_is_help=True,
    epilog=EXAMPLES,
    rich_markup_mode="rich",
)


class KeyName(StrEnum):
    jwt = "jwt"
    blob_token = "blob-token"
    totp = "totp"


SECRET_NAMES = {
    KeyName.jwt: JWT_SECRET_NAME,
    KeyName.blob_token: BLOB_TOKEN_SECRET_NAME,
    KeyName.totp: TOTP_SECRET_NAME,
}


def _default_grace(key: KeyName, settings: Settings) -> int:
    """Long enough for every token the previous key signed to expire by itself (for totp:
    for every secret it sealed to be re-sealed)."""
    if key is KeyName.totp:
        return TOTP_GRACE_S
    return settings.access_token_ttl_s if key is KeyName.jwt else BLOB_LINK_MAX_S


def _keys(settings: Settings) -> ServerKeys:
    return build_server_keys(settings, build_secrets(settings))


@keys_app.command("rotate", epilog=EXAMPLES)
@handle_errors
def rotate(
    key: Annotated[KeyName, typer.Argument(help="jwt, blob-token or totp.")],
    grace_seconds: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="How long the previous key still verifies after the new one signs "
            "(default: the tokens' lifetime: access-token TTL for jwt, 1 h for blob-token; "
            "7 days for totp).",
        ),
    ] = None,
    activate_in_seconds: Annotated[
        float | None,
        typer.Option(
            min=0,
            help="Delay before the new key signs (default WELLOS_KEY_RELOAD_S, so every "
            "instance accepts it first).",
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Write a new signing key; the previous one keeps verifying for the grace period.

    For totp, then wait until the new key is active (every instance has read it) and
    re-seal every stored authenticator secret with it (needs the master database)."""
    settings = load_settings(require_database=False)
    if key is KeyName.jwt and settings.jwt_secret is not None:
        raise KeyPinnedError(
            "WELLOS_JWT_SECRET pins the JWT key: unset it to use the secret store's ring"
        )
    grace = _default_grace(key, settings) if grace_seconds is None else grace_seconds
    activate = settings.key_reload_s if activate_in_seconds is None else activate_in_seconds
    if key is KeyName.totp:
        load_settings()  # the re-sealing needs the master database: fail before rotating
    done = _keys(settings).rotate(
        SECRET_NAMES[key], timedelta(seconds=grace), timedelta(seconds=activate)
    )
    resealed = _reseal_totp(activate, json_output) if key is KeyName.totp else None
    if json_output:
        report: dict[str, object] = {
            "key": key.value,
            "secret": done.name,
            "signs_from": done.signs_from,
            "previous_valid_until": done.previous_valid_until,
            "keys_in_ring": done.keys_in_ring,
        }
        if resealed is not None:
            report["resealed"] = resealed
        emit_json(report)
        return
    stdout.print(f"Rotated [bold]{key.value}[/bold] (secret {done.name}).")
    stdout.print(f"The new key signs from {short_time(done.signs_from)} UTC;")
    stdout.print(f"the previous key verifies until {short_time(done.previous_valid_until)} UTC.")
    if resealed is not None:
        stdout.print(f"Re-sealed {resealed} authenticator secret(s) with the new key.")


def _reseal_totp(activate_s: float, quiet: bool) -> int:
    """After the activation delay (every instance seals with the new key by then), seal
    every stored authenticator secret with it."""
    if activate_s > 0:
        if not quiet:
            stdout.print(f"Waiting {activate_s:g} s until every instance has the new key…")
        time.sleep(activate_s)
    with open_platform() as platform:
        return platform.mfa.reseal_secrets()


@keys_app.command("status", epilog=EXAMPLES)
@handle_errors
def status(
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Each ring's keys: when they sign from and verify until (never the key values)."""
    settings = load_settings(require_database=False)
    keys = _keys(settings)
    now = utc_now()
    rows: list[tuple[KeyName, int, bool, ServerKey]] = []
    for name in KeyName:
        ring = keys.ring(SECRET_NAMES[name])
        signing = ring.at(now).sign
        rows += [(name, n, k.value == signing, k) for n, k in enumerate(ring.keys, 1)]
    if json_output:
        emit_json(
            {
                "keys": [
                    {
                        "key": name.value,
                        "position": n,
                        "signing": signs,
                        "sign_from": key.sign_from,
                        "verify_until": key.verify_until,
                    }
                    for name, n, signs, key in rows
                ]
            }
        )
        return
    table = Table(title="Server keys")
    for column in ("key", "#", "signing", "signs from", "verifies until"):
        table.add_column(column)
    for name, n, signs, key in rows:
        until = short_time(key.verify_until) if key.verify_until else "no end"
        table.add_row(name.value, str(n), "yes" if signs else "", short_time(key.sign_from), until)
    stdout.print(table)
