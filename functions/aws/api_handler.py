"""AWS Lambda entry point of the HTTP API: `functions.aws.api_handler.handler`.

Importing this module does no I/O: `create_app` only reads settings, and the
platform (engines, secrets) is built on the first request of a warm instance.
"""

from __future__ import annotations

from functions.api.app import create_app
from functions.aws.http import build_handler, lambda_settings

settings = lambda_settings()
handler = build_handler(create_app(settings=settings), settings.base_domain)
