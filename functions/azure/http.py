"""The HTTP API as an Azure Functions app: one catch-all ASGI function.

The function is anonymous at the Functions level: the API authenticates every
request itself (bearer tokens per tenant), so a Functions key would only get in
the way of browsers and field apps. The Functions host gives the app no client
address: `PlatformPeer` takes it from the header the App Service front end writes
(`X-Client-IP`), so per-address throttling keys on an address nobody can choose.
"""

from __future__ import annotations

import azure.functions as func
from starlette.types import ASGIApp

from functions.api.addresses import PlatformPeer, azure_front_end_peer


def build_function_app(asgi_app: ASGIApp) -> func.AsgiFunctionApp:
    """A function app whose one HTTP function serves `asgi_app` on every route and method."""
    return func.AsgiFunctionApp(
        app=PlatformPeer(asgi_app, azure_front_end_peer), http_auth_level=func.AuthLevel.ANONYMOUS
    )
