"""Entra ID sign-in through MSAL: the authorization-code flow with PKCE.

`msal.ConfidentialClientApplication` builds the authorize URL (state, a nonce
whose SHA-256 goes to the provider, a PKCE S256 challenge) and redeems the code
(`acquire_token_by_auth_code_flow` compares the returned state with the flow's
and the id token's nonce with the flow's). One application object per call
(it reads the authority's discovery document, as the generic OIDC path does on
every start and callback), each with a fresh token cache, so no user's tokens
stay in this process. The authority host comes from the settings, never from a tenant,
so MSAL's instance discovery (a call to Microsoft about unknown hosts) is off.
The client secret goes to the token endpoint only, never into an error.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from shared.core.registry.errors import (
    SsoDiscoveryError,
    SsoStateInvalidError,
    SsoTokenInvalidError,
)
from shared.core.registry.model.sso import EntraFlow

if TYPE_CHECKING:  # msal and requests load with the first Entra sign-in, not with every host
    import msal
    import requests

SCOPES = ["email"]
"""Asked besides the `openid profile offline_access` MSAL always adds."""


class MsalEntraSignIn:
    def __init__(self, ca_bundle: str | None = None, timeout_s: float = 10.0) -> None:
        """`ca_bundle`: the CA certificates trusted for the authority instead of the default."""
        self._ca_bundle = ca_bundle
        self._timeout_s = timeout_s

    def _session(self) -> requests.Session:
        """A session whose every request carries the timeout and, when set, the CA bundle:
        passed per request, as a session's `verify` loses to REQUESTS_CA_BUNDLE."""
        import requests

        session = requests.Session()
        options: dict[str, Any] = {"timeout": self._timeout_s}
        if self._ca_bundle:
            options["verify"] = self._ca_bundle
        session.request = functools.partial(session.request, **options)  # type: ignore[method-assign]
        return session

    def begin(
        self, authority: str, client_id: str, client_secret: str, redirect_uri: str, state: str
    ) -> EntraFlow:
        app = self._app(authority, client_id, client_secret)
        flow = app.initiate_auth_code_flow(SCOPES, redirect_uri=redirect_uri, state=state)
        return EntraFlow(
            state=str(flow["state"]),
            nonce=str(flow["nonce"]),
            verifier=str(flow["code_verifier"]),
            authorize_url=str(flow["auth_uri"]),
        )

    def complete(
        self,
        authority: str,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        flow: EntraFlow,
        code: str,
        returned_state: str,
    ) -> str:
        import requests

        app = self._app(authority, client_id, client_secret)
        auth_code_flow = {
            "state": flow.state,
            "nonce": flow.nonce,
            "code_verifier": flow.verifier,
            "redirect_uri": redirect_uri,
            "scope": [*SCOPES, "openid", "profile", "offline_access"],
        }
        try:
            result = app.acquire_token_by_auth_code_flow(
                auth_code_flow, {"code": code, "state": returned_state}
            )
        except ValueError as exc:
            if "state" in str(exc):
                raise SsoStateInvalidError() from None
            raise SsoTokenInvalidError("the provider's answer is not valid") from None
        except RuntimeError:  # MSAL's nonce (or max_age) check
            raise SsoTokenInvalidError("the id token's nonce does not match this sign-in") from None
        except requests.RequestException:
            raise SsoTokenInvalidError("the token endpoint did not answer") from None
        if not isinstance(result, dict):
            raise SsoTokenInvalidError("the token endpoint answered no JSON")
        error = result.get("error")
        if error is not None:
            raise SsoTokenInvalidError(f"the token endpoint refused the code ({str(error)[:80]})")
        id_token = result.get("id_token")
        if not isinstance(id_token, str) or not id_token:
            raise SsoTokenInvalidError("the token endpoint answered no id token")
        return id_token

    def _app(
        self, authority: str, client_id: str, client_secret: str
    ) -> msal.ConfidentialClientApplication:
        import msal
        import requests

        try:
            return msal.ConfidentialClientApplication(
                client_id,
                client_credential=client_secret,
                authority=authority,
                instance_discovery=False,
                http_client=self._session(),
                token_cache=msal.TokenCache(),
            )
        except (ValueError, requests.RequestException) as exc:
            reason = type(exc).__name__ if isinstance(exc, requests.RequestException) else exc
            reason = str(reason)[:200]
            raise SsoDiscoveryError(f"the Entra authority did not answer ({reason})") from None
