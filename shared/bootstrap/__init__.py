"""The only place that chooses adapters and wires the application services, for every host.

Hosts (functions/azure, functions/aws, functions/local, functions/cli) call
`build_platform(settings)` and take every adapter from the Platform: one queue,
one blob router, one notifier, one secret store per process. `infrastructure`
builds the adapters from Settings, `startup` checks the server keys, `wiring`
builds the services.

Importing this package is cheap: the wiring (every service, every SQL adapter and
what they import) loads on the first use of one of its names, which for a
Functions/Lambda host is the first request or message (`serverless_platform`),
not the cold start's import of the handler module.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from shared.bootstrap.holder import PlatformHolder
from shared.bootstrap.startup import StartupError
from shared.settings import Settings

if TYPE_CHECKING:
    from shared.bootstrap.infrastructure import (
        Infrastructure as Infrastructure,
    )
    from shared.bootstrap.infrastructure import (
        build_infrastructure as build_infrastructure,
    )
    from shared.bootstrap.infrastructure import (
        build_local_transport as build_local_transport,
    )
    from shared.bootstrap.infrastructure import (
        build_queue as build_queue,
    )
    from shared.bootstrap.infrastructure import (
        build_secrets as build_secrets,
    )
    from shared.bootstrap.infrastructure import (
        build_transport as build_transport,
    )
    from shared.bootstrap.startup import (
        BLOB_TOKEN_SECRET_NAME as BLOB_TOKEN_SECRET_NAME,
    )
    from shared.bootstrap.startup import (
        JWT_SECRET_NAME as JWT_SECRET_NAME,
    )
    from shared.bootstrap.startup import (
        TOTP_SECRET_NAME as TOTP_SECRET_NAME,
    )
    from shared.bootstrap.startup import (
        jwt_signing_key as jwt_signing_key,
    )
    from shared.bootstrap.startup import (
        stored_key as stored_key,
    )
    from shared.bootstrap.wiring import (
        LOOPBACK_HOSTS as LOOPBACK_HOSTS,
    )
    from shared.bootstrap.wiring import (
        Platform as Platform,
    )
    from shared.bootstrap.wiring import (
        alarm_hook as alarm_hook,
    )
    from shared.bootstrap.wiring import (
        api_url as api_url,
    )
    from shared.bootstrap.wiring import (
        app_url as app_url,
    )
    from shared.bootstrap.wiring import (
        build_analytics as build_analytics,
    )
    from shared.bootstrap.wiring import (
        build_compliance as build_compliance,
    )
    from shared.bootstrap.wiring import (
        build_databases as build_databases,
    )
    from shared.bootstrap.wiring import (
        build_operations as build_operations,
    )
    from shared.bootstrap.wiring import (
        build_platform as build_platform,
    )
    from shared.bootstrap.wiring import (
        build_scada as build_scada,
    )
    from shared.bootstrap.wiring import (
        build_server_keys as build_server_keys,
    )
    from shared.bootstrap.wiring import (
        build_source_policy as build_source_policy,
    )
    from shared.bootstrap.wiring import (
        build_token_codec as build_token_codec,
    )
    from shared.bootstrap.wiring import (
        instance_connection_budget as instance_connection_budget,
    )
    from shared.bootstrap.wiring import (
        onnx_scorer as onnx_scorer,
    )
    from shared.bootstrap.wiring import (
        pool_settings as pool_settings,
    )
    from shared.bootstrap.wiring import (
        sheet_limits as sheet_limits,
    )
    from shared.bootstrap.wiring import (
        tenant_host_url as tenant_host_url,
    )
    from shared.bootstrap.wiring import (
        wire_services as wire_services,
    )

__all__ = [
    "BLOB_TOKEN_SECRET_NAME",
    "JWT_SECRET_NAME",
    "TOTP_SECRET_NAME",
    "Infrastructure",
    "Platform",
    "PlatformHolder",
    "StartupError",
    "build_infrastructure",
    "build_local_transport",
    "build_platform",
    "build_queue",
    "build_secrets",
    "build_server_keys",
    "build_source_policy",
    "build_token_codec",
    "build_transport",
    "jwt_signing_key",
    "onnx_scorer",
    "serverless_platform",
    "serverless_settings",
    "stored_key",
]  # fmt: skip


_ELSEWHERE = {
    "shared.bootstrap.startup": (
        "BLOB_TOKEN_SECRET_NAME", "JWT_SECRET_NAME", "TOTP_SECRET_NAME", "jwt_signing_key",
        "stored_key",
    ),
    "shared.bootstrap.infrastructure": (
        "Infrastructure", "build_infrastructure", "build_local_transport", "build_queue",
        "build_secrets", "build_transport",
    ),
}  # fmt: skip
_MODULE_OF = {name: module for module, names in _ELSEWHERE.items() for name in names}


def __getattr__(name: str) -> Any:
    """The wiring's names (`build_platform`, `Platform`, …), imported on first use."""
    if name.startswith("__") or name == "wiring":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(_MODULE_OF.get(name, "shared.bootstrap.wiring"))
    try:
        return getattr(module, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def serverless_settings() -> Settings:
    """A Functions/Lambda host's settings: NullPool unless WELLOS_SERVERLESS says otherwise."""
    settings = Settings()
    return settings if settings.serverless_set else settings.model_copy(update={"serverless": True})


def _build_serverless_platform() -> Platform:
    from shared.bootstrap.wiring import build_platform

    return build_platform(serverless_settings())


# One platform per Functions/Lambda process: the API and every trigger of the process share
# it, so they share one queue, one notifier and one set of engines (built on first use).
process_platform: PlatformHolder[Platform] = PlatformHolder(_build_serverless_platform)


def serverless_platform() -> Platform:
    """This process's platform from `serverless_settings()`, built once on first use."""
    return process_platform.get()
