"""The one FastAPI app that every host (Azure, AWS, local) serves.

Creating the app does no I/O: the platform (engines, secrets) is built on the
first request and reused by the warm instance.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from fastapi import FastAPI

from functions.api.json_depth import install_json_depth
from functions.api.logging import configure_logging
from functions.api.middleware import RequestContextMiddleware
from functions.api.problems import install_problem_handlers
from functions.api.routes import (
    alerts,
    analytics,
    auth,
    blobs,
    catalog,
    compliance_records,
    compliance_reports,
    conflicts,
    etl,
    forecast,
    gateways,
    health,
    imports,
    photos,
    production,
    readings,
    scada,
    sync,
    sync_jobs,
    users,
    well_activity,
    wells,
)
from shared.bootstrap import Platform, build_platform
from shared.settings import Settings

DESCRIPTION = """
Tenant-routed API of WellOS. Pick the tenant with the subdomain
(`https://{tenant}.<base domain>`) or the `X-WellOS-Tenant` header, log in at
`/api/v1/auth/login`, and send `Authorization: Bearer <access_token>`.
Errors are RFC 9457 problem details (`application/problem+json`).
"""


class PlatformHolder:
    """Builds the platform once, on first use, from a factory."""

    def __init__(self, factory: Callable[[], Platform]) -> None:
        self._factory = factory
        self._platform: Platform | None = None
        self._lock = threading.Lock()

    def get(self) -> Platform:
        if self._platform is None:
            with self._lock:
                if self._platform is None:
                    self._platform = self._factory()
        return self._platform

    def close(self) -> None:
        if self._platform is not None:
            self._platform.close()
            self._platform = None


def create_app(platform: Platform | None = None, settings: Settings | None = None) -> FastAPI:
    settings = platform.settings if platform else settings or Settings()
    configure_logging(settings.log_level, settings.log_json)
    app = FastAPI(title="WellOS API", version="0.1.0", description=DESCRIPTION)
    chosen = settings
    app.state.platform_holder = PlatformHolder(lambda: platform or build_platform(chosen))
    install_problem_handlers(app)
    install_json_depth(app, skip=(imports.BASE, blobs.PREFIX))  # inside the size limit
    app.add_middleware(
        RequestContextMiddleware,
        max_body_bytes=settings.max_body_bytes,
        upload_limits={
            imports.BASE: settings.import_max_bytes,
            blobs.PREFIX: blobs.MAX_UPLOAD_BYTES,
        },
    )
    for module in (health, auth, users, wells, catalog, production, forecast, sync, conflicts):
        app.include_router(module.router)
    for module in (gateways, scada, readings):
        app.include_router(module.router)
    for module in (alerts, analytics):
        app.include_router(module.router)
    for module in (etl, imports):
        app.include_router(module.router)
    for module in (sync_jobs, photos, blobs, well_activity):
        app.include_router(module.router)
    for module in (compliance_records, compliance_reports):
        app.include_router(module.router)
    return app
