"""Azure Functions entry point (Python v2 programming model).

Builds the HTTP API's function app and registers the blueprints of
`functions/azure`. Importing this module does no I/O: `create_app` only reads
settings, and the platform (engines, secrets) is built on the first request.
"""

from __future__ import annotations

from functions.api.app import create_app
from functions.azure.compliance import compliance_bp
from functions.azure.etl import etl_bp
from functions.azure.http import build_function_app
from functions.azure.ingest import ingest_bp
from functions.azure.scoring import scoring_bp
from functions.azure.sync_jobs import sync_jobs_bp
from shared.bootstrap import serverless_platform, serverless_settings

# The API and every blueprint share the process platform: one queue, one notifier.
api = create_app(settings=serverless_settings(), platform_factory=serverless_platform)
app = build_function_app(api)

# Queue and timer triggers live in blueprints under functions/azure; register each:
app.register_functions(ingest_bp)
app.register_functions(etl_bp)
app.register_functions(scoring_bp)
app.register_functions(sync_jobs_bp)
app.register_functions(compliance_bp)
