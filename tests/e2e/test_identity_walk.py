"""Identity flows end to end through a real `wellos serve` process.

The admin (made by `wellos tenant create`) invites a user; the invitation e-mail
shows up whole on the server's console (the local notifier, the stand-in for an
inbox) with a link that opens the office app this server serves; the user
accepts with a password, signs in, changes it, forgets it and resets it by the
e-mailed link, signs in with a magic link, and signs out. Every call goes over
HTTP on a real port with the tenant's subdomain as the Host header, and no link
token shows in any log line of the server, only in the printed mails. An admin
turns on two-factor sign-in, ends their other sessions and gives a script a
read-only API key.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

import httpx
import pyotp
import pytest
from oidc_provider_mock import run_server_in_thread

from tests.conftest import drop_tenant_databases
from tests.e2e.test_demo import ROOT, free_port

START_TIMEOUT_S = 120
MAIL_TIMEOUT_S = 60
MAIL_BLOCK = re.compile(
    r"-{20} email to (?P<to>\S+) -{20}\n(?P<body>.*?)\n-{20} end of email -{20}", re.DOTALL
)
SLUG = "acme"
NEW_USER = "casey@acme-oil.test"


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    stderr_path: Path
    port: int
    admin: dict[str, str]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def console(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def headers(self, token: str | None = None) -> dict[str, str]:
        headers = {"Host": f"{SLUG}.localhost:{self.port}"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def post(self, path: str, body: dict[str, str], token: str | None = None) -> httpx.Response:
        return httpx.post(
            f"{self.base_url}{path}", json=body, headers=self.headers(token), timeout=30
        )

    def get(self, path: str, token: str) -> httpx.Response:
        return httpx.get(f"{self.base_url}{path}", headers=self.headers(token), timeout=30)

    def mails_to(self, email: str) -> list[str]:
        return [m["body"] for m in MAIL_BLOCK.finditer(self.console) if m["to"] == email]

    def next_mail(self, email: str, seen: int) -> str:
        """The body of the (seen+1)-th mail to `email` once the server printed it."""
        deadline = time.monotonic() + MAIL_TIMEOUT_S
        while time.monotonic() < deadline:
            mails = self.mails_to(email)
            if len(mails) > seen:
                return mails[seen]
            time.sleep(0.2)
        pytest.fail(f"no mail #{seen + 1} to {email} on the console:\n{self.console[-3000:]}")


@pytest.fixture
def server(fresh_pg_database: str, tmp_path: Path, pg_server_url: str) -> Iterator[Server]:
    prefix = f"wt_{uuid.uuid4().hex[:8]}_idw_"
    env = {
        **os.environ,
        "WELLOS_DATABASE_URL": fresh_pg_database,
        "WELLOS_STATE_DIR": str(tmp_path / "state"),
        "WELLOS_TENANT_DB_PREFIX": prefix,
        "WELLOS_LOG_JSON": "false",
        "WELLOS_LOCAL_MAIL_INTERVAL_S": "0.3",
        "WELLOS_SSO_ALLOW_LOOPBACK_HTTP": "true",  # the test's OIDC provider is plain http
        "PYTHONUNBUFFERED": "1",
        "COLUMNS": "200",
    }
    created = subprocess.run(
        [sys.executable, "-m", "functions.cli.main", "tenant", "create", "--slug", SLUG,
         "--name", "Acme Oil", "--admin-email", "ops@acme-oil.test", "--json"],
        cwd=ROOT, env=env, capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr.decode()
    admin = json.loads(created.stdout)
    port = free_port()
    stderr_path = tmp_path / "serve.err"
    with stderr_path.open("wb") as stderr, (tmp_path / "serve.out").open("wb") as stdout:
        process = subprocess.Popen(
            [sys.executable, "-m", "functions.cli.main", "serve", "--port", str(port)],
            cwd=ROOT, env=env, stdout=stdout, stderr=stderr,
        )  # fmt: skip
    running = Server(process, stderr_path, port, admin)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                if httpx.get(f"{running.base_url}/api/v1/health", timeout=2).status_code < 600:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"wellos serve did not start:\n{running.console[-3000:]}")
            time.sleep(0.3)
        yield running
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        drop_tenant_databases(pg_server_url, prefix)


def link_of(server: Server, body: str, page: str) -> str:
    """The token of the mail's link, after checking the link opens this server's app."""
    link = re.search(r"https?://\S+", body)
    assert link, body
    parts = urlsplit(link.group(0))
    # clickable locally: the office app this server serves, on the tenant's own host
    assert f"{parts.scheme}://{parts.netloc}" == f"http://{SLUG}.localhost:{server.port}"
    route, query = parts.fragment.split("?", 1)
    assert route == f"/{page}"
    params = parse_qs(query)
    assert params["tenant"] == [SLUG]
    return params["token"][0]


def test_a_new_colleague_walks_every_identity_flow_through_the_local_server(server):
    admin = server.admin
    # GIVEN the tenant's admin, signed in with the password `wellos tenant create` printed
    signed_in = server.post(
        "/api/v1/auth/login",
        {"email": admin["admin_email"], "password": admin["admin_password"]},
    )
    assert signed_in.status_code == 200, signed_in.text
    admin_token = signed_in.json()["access_token"]

    # WHEN the admin invites a colleague by e-mail
    invited = server.post(
        "/api/v1/invitations",
        {"email": NEW_USER, "full_name": "Casey Pumper", "role": "FIELD_OPERATOR"},
        admin_token,
    )
    assert invited.status_code == 201, invited.text
    assert invited.json()["status"] == "INVITED"
    # THEN the invitation e-mail is printed on the console with a link to this server's app
    invitation = server.next_mail(NEW_USER, 0)
    assert "Acme Oil" in invitation
    tokens: list[str] = [link_of(server, invitation, "accept-invitation")]

    # WHEN the colleague accepts with a password of their own, THEN they are signed in
    accepted = server.post(
        "/api/v1/auth/invitation/accept", {"token": tokens[0], "password": "Casey-First-Pass-7"}
    )
    assert accepted.status_code == 200, accepted.text
    profile = server.get("/api/v1/me", accepted.json()["access_token"]).json()
    assert profile["status"] == "ACTIVE" and profile["role"] == "FIELD_OPERATOR"
    # AND the link works once
    again = server.post(
        "/api/v1/auth/invitation/accept", {"token": tokens[0], "password": "Another-Pass-77"}
    )
    assert again.status_code in (401, 404, 410, 422), again.text

    # WHEN they sign in with the password
    login = server.post("/api/v1/auth/login", {"email": NEW_USER, "password": "Casey-First-Pass-7"})
    assert login.status_code == 200, login.text
    # AND change it
    changed = server.post(
        "/api/v1/auth/password",
        {"current_password": "Casey-First-Pass-7", "new_password": "Casey-Second-Pass-8"},
        login.json()["access_token"],
    )
    assert changed.status_code == 200, changed.text
    # THEN their other sessions ended, and only the new password signs in
    stale = server.post("/api/v1/auth/refresh", {"refresh_token": login.json()["refresh_token"]})
    assert stale.status_code == 401
    old = server.post("/api/v1/auth/login", {"email": NEW_USER, "password": "Casey-First-Pass-7"})
    assert old.status_code == 401
    assert (
        server.post(
            "/api/v1/auth/login", {"email": NEW_USER, "password": "Casey-Second-Pass-8"}
        ).status_code
        == 200
    )

    # WHEN they forget it: the same answer as for an unknown address
    forgot = server.post("/api/v1/auth/password/forgot", {"email": NEW_USER})
    unknown = server.post("/api/v1/auth/password/forgot", {"email": "nobody@acme-oil.test"})
    assert forgot.status_code == unknown.status_code == 202
    assert forgot.json() == unknown.json()
    # THEN the reset e-mail arrives, and its link sets a new password
    tokens.append(link_of(server, server.next_mail(NEW_USER, 1), "reset-password"))
    reset = server.post(
        "/api/v1/auth/password/reset", {"token": tokens[1], "new_password": "Casey-Third-Pass-9"}
    )
    assert reset.status_code == 204, reset.text
    assert (
        server.post(
            "/api/v1/auth/login", {"email": NEW_USER, "password": "Casey-Second-Pass-8"}
        ).status_code
        == 401
    )
    assert (
        server.post(
            "/api/v1/auth/login", {"email": NEW_USER, "password": "Casey-Third-Pass-9"}
        ).status_code
        == 200
    )

    # WHEN they ask for a magic link, THEN its e-mail signs them in, once
    asked = server.post("/api/v1/auth/magic-link", {"email": NEW_USER})
    assert asked.status_code == 202
    tokens.append(link_of(server, server.next_mail(NEW_USER, 2), "magic-link"))
    magic = server.post("/api/v1/auth/magic-link/sign-in", {"token": tokens[2]})
    assert magic.status_code == 200, magic.text
    session = magic.json()
    assert server.get("/api/v1/me", session["access_token"]).json()["email"] == NEW_USER
    spent = server.post("/api/v1/auth/magic-link/sign-in", {"token": tokens[2]})
    assert spent.status_code in (401, 404, 410, 422), spent.text

    # WHEN they sign out, THEN that session's refresh token no longer works
    out = server.post("/api/v1/auth/logout", {"refresh_token": session["refresh_token"]})
    assert out.status_code == 204
    ended = server.post("/api/v1/auth/refresh", {"refresh_token": session["refresh_token"]})
    assert ended.status_code == 401

    # AND no link token, password or session token shows outside the printed mails
    logs = MAIL_BLOCK.sub("", server.console)
    assert "POST /api/v1/auth/magic-link/sign-in" in logs  # the access log was captured
    secrets = [*tokens, session["refresh_token"], session["access_token"], admin_token,
               "Casey-Third-Pass-9", admin["admin_password"]]  # fmt: skip
    for secret in secrets:
        assert secret not in logs


def test_an_admin_secures_the_account_and_connects_a_script_through_the_local_server(server):
    admin = server.admin
    password = {"email": admin["admin_email"], "password": admin["admin_password"]}
    first = server.post("/api/v1/auth/login", password)
    assert first.status_code == 200, first.text
    # GIVEN the admin turns on two-factor sign-in with an authenticator app
    setup = server.post("/api/v1/auth/mfa/totp", {}, first.json()["access_token"])
    assert setup.status_code == 200, setup.text
    totp = pyotp.TOTP(setup.json()["secret"])
    if 30 - time.time() % 30 < 4:  # keep clear of a step boundary
        time.sleep(4.1)
    confirmed = server.post(
        "/api/v1/auth/mfa/totp/confirm", {"code": totp.now()}, first.json()["access_token"]
    )
    assert confirmed.status_code == 200, confirmed.text
    assert len(confirmed.json()["recovery_codes"]) == 10
    # WHEN they sign in again THEN the password alone is not enough, a fresh code is
    alone = server.post("/api/v1/auth/login", password)
    assert alone.status_code == 403 and alone.json()["code"] == "mfa_required"
    next_step = totp.at(time.time() + 30)  # this step's code was spent on the confirmation
    with_code = server.post("/api/v1/auth/login", {**password, "mfa_code": next_step})
    assert with_code.status_code == 200, with_code.text
    token = with_code.json()["access_token"]
    # AND they see their sessions, and end the others
    sessions = server.get("/api/v1/auth/sessions", token)
    assert sessions.status_code == 200 and any(s["current"] for s in sessions.json())
    ended = httpx.delete(
        f"{server.base_url}/api/v1/auth/sessions", headers=server.headers(token), timeout=30
    )
    assert ended.status_code == 200, ended.text
    refresh = confirmed.json()["tokens"]["refresh_token"]
    assert server.post("/api/v1/auth/refresh", {"refresh_token": refresh}).status_code == 401
    # WHEN they create a read-only API key for a script THEN it reads, but does not write
    created = server.post(
        "/api/v1/api-keys", {"name": "Nightly export", "role": "MANAGER", "read_only": True}, token
    )
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    assert server.get("/api/v1/wells", key).status_code == 200
    write = server.post("/api/v1/wells", {"name": "Scripted 1", "well_type": "OIL"}, key)
    assert write.status_code == 403
    assert key not in server.console  # shown once, to the admin only


def test_a_colleague_signs_in_with_the_tenants_provider_through_the_local_server(server):
    admin = server.admin
    login = {"email": admin["admin_email"], "password": admin["admin_password"]}
    token = server.post("/api/v1/auth/login", login).json()["access_token"]
    with run_server_in_thread() as provider:
        idp = f"http://localhost:{provider.server_port}"
        # GIVEN the admin points the tenant at its OpenID Connect provider
        saved = httpx.put(
            f"{server.base_url}/api/v1/auth/sso/config",
            json={"kind": "oidc", "discovery_url": idp, "client_id": "wellos-acme",
                  "client_secret": "provider-secret-e2e", "allowed_domains": ["acme-oil.test"],
                  "default_role": "VIEWER"},
            headers=server.headers(token), timeout=30,
        )  # fmt: skip
        assert saved.status_code == 200, saved.text
        page = httpx.get(
            f"{server.base_url}/api/v1/auth/options", headers=server.headers(), timeout=30
        )
        assert page.json()["sso"]["start_path"] == "/api/v1/auth/sso/start"
        # WHEN a colleague opens the start path on the tenant's host (as the browser would)
        start = httpx.get(
            f"{server.base_url}/api/v1/auth/sso/start", headers=server.headers(), timeout=30
        )
        assert start.status_code == 302, start.text
        cookie = start.cookies["wellos_sso_pkce"]
        callback_url = f"http://{SLUG}.localhost:{server.port}/api/v1/auth/sso/callback"
        assert parse_qs(urlsplit(start.headers["location"]).query)["redirect_uri"] == [callback_url]
        # AND signs in at the provider, which sends the browser back to the tenant's host
        created = httpx.put(
            f"{idp}/users/kim@acme-oil.test",
            json={"email": "kim@acme-oil.test", "name": "Kim Office"},
            timeout=30,
        )
        assert created.status_code == 204
        signed = httpx.post(start.headers["location"], data={"sub": "kim@acme-oil.test"})
        assert signed.status_code == 302, signed.text
        back = urlsplit(signed.headers["location"])
        assert f"{back.scheme}://{back.netloc}{back.path}" == callback_url
        answer = httpx.get(
            urlunsplit(back._replace(netloc=f"127.0.0.1:{server.port}")),
            headers={**server.headers(), "Cookie": f"wellos_sso_pkce={cookie}"},
            timeout=30,
        )
    # THEN the office app on the tenant's host gets a WellOS session in the fragment
    assert answer.status_code == 302, answer.text
    target = urlsplit(answer.headers["location"])
    assert f"{target.scheme}://{target.netloc}" == f"http://{SLUG}.localhost:{server.port}"
    tokens = parse_qs(target.fragment.split("?", 1)[1])
    me = server.get("/api/v1/me", tokens["access_token"][0]).json()
    assert me["email"] == "kim@acme-oil.test" and me["role"] == "VIEWER"
    assert "provider-secret-e2e" not in server.console
