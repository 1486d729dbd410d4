"""OpenID Connect over HTTP with the standard library and PyJWT.

Discovery and the token endpoint are plain HTTPS calls (urllib: every host has
it, the API Lambda included); id tokens are verified with PyJWT's `PyJWKClient`,
one per JWKS URL and kept, which fetches the key set again when a token names a
key id it has not seen (the provider rotated its signing key). The client
secret goes in the token request only, never in an error or a log line.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import jwt

from shared.core.registry.errors import SsoDiscoveryError, SsoTokenInvalidError
from shared.core.registry.model.sso import OidcDiscovery

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
MAX_BODY = 1_000_000


class HttpOidcProvider:
    def __init__(
        self,
        timeout_s: float = 10.0,
        leeway_s: int = 60,
        refresh_cooldown_s: float = 30.0,
        ca_bundle: str | None = None,
    ) -> None:
        """`refresh_cooldown_s`: at most one extra JWKS fetch per key set in that time, so
        tokens naming made-up key ids cannot make WellOS hammer the provider.
        `ca_bundle`: the CA certificates trusted for providers instead of the system's."""
        self._ssl = ssl.create_default_context(cafile=ca_bundle) if ca_bundle else None
        self._timeout_s = timeout_s
        self._leeway_s = leeway_s
        self._cooldown_s = refresh_cooldown_s
        self._jwks: dict[str, jwt.PyJWKClient] = {}
        self._refreshed: dict[str, float] = {}
        self._lock = threading.Lock()

    def discover(self, discovery_url: str) -> OidcDiscovery:
        try:
            with urllib.request.urlopen(
                urllib.request.Request(discovery_url, headers={"Accept": "application/json"}),
                timeout=self._timeout_s,
                context=self._ssl,
            ) as response:
                body = response.read(MAX_BODY + 1)
        except urllib.error.HTTPError as exc:
            raise SsoDiscoveryError(f"the discovery document answered HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SsoDiscoveryError(f"the discovery document did not answer ({reason})") from None
        if len(body) > MAX_BODY:
            raise SsoDiscoveryError("the discovery document is too large")
        try:
            document = json.loads(body)
        except ValueError:
            raise SsoDiscoveryError("the discovery document is not JSON") from None
        if not isinstance(document, dict):
            raise SsoDiscoveryError("the discovery document is not a JSON object")
        values: dict[str, str] = {}
        for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
            value = document.get(name)
            if not isinstance(value, str) or not value:
                raise SsoDiscoveryError(f"the discovery document has no {name}")
            values[name] = value
        methods = document.get("code_challenge_methods_supported")
        if isinstance(methods, list) and "S256" not in methods:
            raise SsoDiscoveryError("the provider does not support PKCE with S256")
        return OidcDiscovery(**values)

    def exchange_code(
        self,
        discovery: OidcDiscovery,
        client_id: str,
        client_secret: str,
        code: str,
        redirect_uri: str,
        code_verifier: str,
    ) -> str:
        form = urllib.parse.urlencode(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": client_id,
                "client_secret": client_secret,
                "code_verifier": code_verifier,
            }
        ).encode()
        request = urllib.request.Request(
            discovery.token_endpoint,
            data=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(
                request, timeout=self._timeout_s, context=self._ssl
            ) as response:
                body = response.read(MAX_BODY)
        except urllib.error.HTTPError as exc:
            error = _error_code(exc)
            raise SsoTokenInvalidError(
                f"the token endpoint refused the code (HTTP {exc.code}{error})"
            ) from None
        except (urllib.error.URLError, OSError, ValueError):
            raise SsoTokenInvalidError("the token endpoint did not answer") from None
        try:
            answer = json.loads(body)
        except ValueError:
            raise SsoTokenInvalidError("the token endpoint answered no JSON") from None
        id_token = answer.get("id_token") if isinstance(answer, dict) else None
        if not isinstance(id_token, str) or not id_token:
            raise SsoTokenInvalidError("the token endpoint answered no id token")
        return id_token

    def verify_id_token(
        self, discovery: OidcDiscovery, id_token: str, audience: str
    ) -> dict[str, object]:
        client = self._jwks_client(discovery.jwks_uri)
        try:
            kid = jwt.get_unverified_header(id_token).get("kid")
        except jwt.DecodeError:
            raise SsoTokenInvalidError("the id token is malformed") from None
        try:
            return self._decode(
                id_token, self._signing_key(client, kid, False), discovery, audience
            )
        except jwt.InvalidSignatureError:
            if kid is not None:  # a known key id whose key does not verify: no second chance
                raise SsoTokenInvalidError("the id token's signature does not verify") from None
        # no key id and the one cached key fails: the provider may have rotated it
        if not self._may_refresh(discovery.jwks_uri):
            raise SsoTokenInvalidError("the id token's signature does not verify")
        try:
            return self._decode(
                id_token, self._signing_key(client, None, True), discovery, audience
            )
        except jwt.InvalidSignatureError:
            raise SsoTokenInvalidError("the id token's signature does not verify") from None

    @staticmethod
    def _signing_key(client: jwt.PyJWKClient, kid: object, refresh: bool) -> Any:
        """The key a token names (fetched again when unknown), or the provider's only one."""
        try:
            if isinstance(kid, str):
                return client.get_signing_key(kid).key  # refetches the JWKS on an unknown kid
            keys = client.get_signing_keys(refresh=refresh)
        except jwt.PyJWKClientError as exc:
            raise SsoTokenInvalidError(f"no signing key of the provider matches ({exc})") from None
        if len(keys) != 1:
            raise SsoTokenInvalidError("the id token names no key id and the provider has several")
        return keys[0].key

    def _decode(
        self, id_token: str, key: Any, discovery: OidcDiscovery, audience: str
    ) -> dict[str, object]:
        try:
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key,
                algorithms=ALGORITHMS,
                audience=audience,
                issuer=discovery.issuer,
                leeway=self._leeway_s,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise SsoTokenInvalidError("the id token has expired") from None
        except jwt.InvalidAudienceError:
            raise SsoTokenInvalidError("the id token is for another audience") from None
        except jwt.InvalidIssuerError:
            raise SsoTokenInvalidError("the id token names another issuer") from None
        except jwt.InvalidSignatureError:
            raise
        except jwt.InvalidTokenError as exc:
            raise SsoTokenInvalidError(f"the id token is not valid ({exc})") from None
        return dict(claims)

    def _jwks_client(self, jwks_uri: str) -> jwt.PyJWKClient:
        with self._lock:
            client = self._jwks.get(jwks_uri)
            if client is None:
                client = jwt.PyJWKClient(
                    jwks_uri, cache_keys=True, timeout=self._timeout_s, ssl_context=self._ssl
                )
                client.cooldown_duration = self._cooldown_s  # refetch on an unknown kid
                self._jwks[jwks_uri] = client
            return client

    def _may_refresh(self, jwks_uri: str) -> bool:
        now = time.monotonic()
        with self._lock:
            last = self._refreshed.get(jwks_uri)
            if last is not None and now - last < self._cooldown_s:
                return False
            self._refreshed[jwks_uri] = now
            return True


def _error_code(exc: urllib.error.HTTPError) -> str:
    try:
        answer = json.loads(exc.read(10_000))
    except ValueError:
        return ""
    error = answer.get("error") if isinstance(answer, dict) else None
    return f": {error[:80]}" if isinstance(error, str) else ""
