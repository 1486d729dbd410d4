"""AWS Lambda entry point of the HTTP API: `functions.aws.api_handler.handler`.

Importing this module does no I/O: `create_app` only reads settings, and the
platform (engines, secrets) is built on the first request of a warm instance.
"""

from __future__ import annotations

from functions.api.app import create_app
from functions.aws.http import build_handler
from shared.bootstrap import serverless_platform, serverless_settings

settings = serverless_settings()
app = create_app(settings=settings, platform_factory=serverless_platform)
handler = build_handler(app, settings.base_domain)
