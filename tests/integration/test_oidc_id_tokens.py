"""The id-token checks of the OIDC adapter against a JWKS served over local HTTP.

The provider here is a few lines of `http.server` whose key set the test
rotates; tokens are signed with keys the test holds, so each claim can be wrong
on purpose: audience, issuer, expiry, signature, and a rotated key id.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from shared.adapters.security.oidc import HttpOidcProvider
from shared.core.registry.errors import SsoTokenInvalidError
from shared.core.registry.model.sso import OidcDiscovery

AUDIENCE = "wellos-acme"


class KeySet:
    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.fetches = 0

    def add(self, kid: str) -> rsa.RSAPrivateKey:
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return self.keys[kid]

    def document(self) -> bytes:
        self.fetches += 1
        keys = []
        for kid, key in self.keys.items():
            jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return json.dumps({"keys": keys}).encode()


@pytest.fixture()
def keyset() -> Iterator[tuple[KeySet, OidcDiscovery]]:
    keys = KeySet()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = keys.document()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    discovery = OidcDiscovery(base, f"{base}/authorize", f"{base}/token", f"{base}/jwks")
    try:
        yield keys, discovery
    finally:
        server.shutdown()
        server.server_close()


def token(key: rsa.RSAPrivateKey, kid: str | None, **claims: Any) -> str:
    now = int(time.time())
    payload = {"sub": "u1", "iat": now, "exp": now + 300, "nonce": "n", **claims}
    headers = {"kid": kid} if kid else {}
    return jwt.encode(payload, key, algorithm="RS256", headers=headers)


def test_a_good_token_verifies(keyset):
    keys, discovery = keyset
    key = keys.add("k1")
    claims = HttpOidcProvider().verify_id_token(
        discovery, token(key, "k1", iss=discovery.issuer, aud=AUDIENCE), AUDIENCE
    )
    assert claims["sub"] == "u1"


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"aud": "someone-else"}, "another audience"),
        ({"iss": "https://evil.example.com"}, "another issuer"),
        ({"exp": int(time.time()) - 3600}, "expired"),
    ],
)
def test_a_wrong_claim_is_refused(keyset, claims, reason):
    keys, discovery = keyset
    key = keys.add("k1")
    values = {"iss": discovery.issuer, "aud": AUDIENCE, **claims}
    with pytest.raises(SsoTokenInvalidError, match=reason):
        HttpOidcProvider().verify_id_token(discovery, token(key, "k1", **values), AUDIENCE)


def test_a_token_signed_by_another_key_under_a_known_kid_is_refused(keyset):
    keys, discovery = keyset
    keys.add("k1")
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = token(forger, "k1", iss=discovery.issuer, aud=AUDIENCE)
    with pytest.raises(SsoTokenInvalidError, match="signature"):
        HttpOidcProvider().verify_id_token(discovery, forged, AUDIENCE)


def test_a_rotated_key_id_fetches_the_key_set_again(keyset):
    keys, discovery = keyset
    verifier = HttpOidcProvider(refresh_cooldown_s=0)
    old = keys.add("k1")
    verifier.verify_id_token(
        discovery, token(old, "k1", iss=discovery.issuer, aud=AUDIENCE), AUDIENCE
    )
    fetched = keys.fetches
    # the provider rotates: a new key id signs from now on
    new = keys.add("k2")
    del keys.keys["k1"]
    claims = verifier.verify_id_token(
        discovery, token(new, "k2", iss=discovery.issuer, aud=AUDIENCE), AUDIENCE
    )
    assert claims["sub"] == "u1"
    assert keys.fetches == fetched + 1
    # an unknown key id that is still unknown after a fetch is refused
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(SsoTokenInvalidError, match="no signing key"):
        verifier.verify_id_token(
            discovery, token(stranger, "k9", iss=discovery.issuer, aud=AUDIENCE), AUDIENCE
        )


def test_a_malformed_token_is_refused(keyset):
    _keys, discovery = keyset
    with pytest.raises(SsoTokenInvalidError, match="malformed"):
        HttpOidcProvider().verify_id_token(discovery, "not.a.jwt", AUDIENCE)
