"""The one FastAPI app that every host (Azure, AWS, local) serves.

Creating the app does no I/O: the platform (engines, secrets) is built on the
first request and reused by the warm instance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.types import ASGIApp

from functions.api.json_depth import install_json_depth
from functions.api.logging import configure_logging
from functions.api.middleware import RequestContextMiddleware
from functions.api.problems import install_database_handlers, install_problem_handlers
from functions.api.routes import (
    afes,
    alarm_rules,
    alerts,
    analytics,
    api_keys,
    audit,
    auth,
    blobs,
    catalog,
    compliance_records,
    compliance_reports,
    conflicts,
    documents,
    etl,
    forecast,
    gateways,
    health,
    imports,
    incidents,
    mfa,
    notification_prefs,
    passwords,
    permits,
    photos,
    production,
    readings,
    scada,
    sessions,
    sso,
    sync,
    sync_jobs,
    users,
    well_activity,
    well_tests,
    wells,
    work_orders,
)
from shared.bootstrap.holder import PlatformHolder
from shared.settings import Settings

if TYPE_CHECKING:  # the wiring (every service and adapter) loads with the first request
    from shared.bootstrap import Platform

DESCRIPTION = """
Tenant-routed API of WellOS. Pick the tenant with the subdomain
(`https://{tenant}.<base domain>`) or the `X-WellOS-Tenant` header, log in at
`/api/v1/auth/login`, and send `Authorization: Bearer <access_token>`.
Errors are RFC 9457 problem details (`application/problem+json`).
"""


class WellOSApi(FastAPI):
    """The API's FastAPI app: its database error handlers are added as it starts serving.

    Starlette reads the handlers once, when it builds the middleware stack for the first
    request (or lifespan event); adding them then spares the cold start's import of
    SQLAlchemy, which every request that can raise its errors imports anyway.
    """

    def build_middleware_stack(self) -> ASGIApp:
        install_database_handlers(self)
        return super().build_middleware_stack()


def create_app(
    platform: Platform | None = None,
    settings: Settings | None = None,
    platform_factory: Callable[[], Platform] | None = None,
) -> FastAPI:
    """The API on `platform`, else on the one `platform_factory` builds (a cloud process's own),
    else on one built from `settings` on first use."""
    settings = platform.settings if platform else settings or Settings()
    configure_logging(settings.log_level, settings.log_json)
    app = WellOSApi(title="WellOS API", version="0.1.0", description=DESCRIPTION)
    chosen = settings

    def build() -> Platform:
        from shared.bootstrap import build_platform

        return platform or build_platform(chosen)

    factory = platform_factory or build
    holder: PlatformHolder[Platform] = PlatformHolder(factory)
    app.state.platform_holder = holder
    app.state.settings = settings
    install_problem_handlers(app)
    install_json_depth(app, skip=(imports.BASE, blobs.PREFIX))  # inside the size limit
    app.add_middleware(
        RequestContextMiddleware,
        max_body_bytes=settings.max_body_bytes,
        upload_limits={
            imports.BASE: settings.import_max_bytes,
            blobs.PREFIX: blobs.MAX_UPLOAD_BYTES,
        },
        metrics=lambda: holder.built.telemetry.metrics if holder.built else None,
    )
    for module in (health, auth, users, wells, catalog, production, forecast, sync, conflicts):
        app.include_router(module.router)
    for module in (gateways, scada, readings):
        app.include_router(module.router)
    for module in (alerts, analytics, notification_prefs):
        app.include_router(module.router)
    for module in (etl, imports):
        app.include_router(module.router)
    for module in (sync_jobs, photos, blobs, well_activity):
        app.include_router(module.router)
    app.include_router(passwords.router)
    app.include_router(sessions.router)
    app.include_router(audit.router)
    app.include_router(mfa.router)
    app.include_router(sso.router)
    app.include_router(api_keys.router)
    operations = (alarm_rules, work_orders, afes, permits, well_tests, incidents, documents)
    for module in (*operations, compliance_records, compliance_reports):
        app.include_router(module.router)
    return app
