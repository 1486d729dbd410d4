"""Where the gateway's GatewayConfig comes from: the API (cached on disk) or a local file.

The API answer is cached verbatim (it holds secrets the model masks on output) with
mode 0600; when the API cannot be reached or refuses, the cache keeps the gateway
running. Local files (YAML or JSON, for air-gapped sites) go through the same model;
a bad file fails with the file and the field named.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
import yaml  # type: ignore[import-untyped]
from pydantic import ValidationError

from edge_gateway.errors import ConfigFileError, ConfigUnavailableError
from shared.core.scada.model.gateway_config import GatewayConfig

log = logging.getLogger(__name__)


def gateway_auth_headers(gateway_id: uuid.UUID, secret: str, tenant: str | None) -> dict[str, str]:
    """The gateway credential on a request; the one place to change the scheme."""
    headers = {"Authorization": f"Gateway {gateway_id}:{secret}", "Accept": "application/json"}
    if tenant:
        headers["X-WellOS-Tenant"] = tenant
    return headers


def config_url(api_base: str, gateway_id: uuid.UUID) -> str:
    return f"{api_base.rstrip('/')}/api/v1/gateways/{gateway_id}/config"


@dataclass(frozen=True)
class LoadedConfig:
    config: GatewayConfig
    from_cache: bool = False


class ConfigSource(Protocol):
    async def load(self) -> LoadedConfig: ...


def _first_error(exc: ValidationError) -> tuple[str, str]:
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first.get("loc", ())) or "(document)"
    return field, str(first.get("msg", "invalid"))


def parse_config(data: Any, source: str) -> GatewayConfig:
    """Validate a decoded document; ConfigFileError names the first bad field."""
    try:
        return GatewayConfig.model_validate(data)
    except ValidationError as exc:
        field, reason = _first_error(exc)
        raise ConfigFileError(source, field, reason) from None


def read_config_file(path: Path) -> GatewayConfig:
    """A YAML (.yaml/.yml) or JSON file, validated by the GatewayConfig model."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigFileError(str(path), "(file)", exc.strerror or str(exc)) from None
    try:
        data = yaml.safe_load(text) if path.suffix in {".yaml", ".yml"} else json.loads(text)
    except (yaml.YAMLError, ValueError) as exc:
        raise ConfigFileError(str(path), "(syntax)", str(exc).splitlines()[0]) from None
    return parse_config(data, str(path))


class FileConfigSource:
    def __init__(self, path: Path) -> None:
        self.path = path

    async def load(self) -> LoadedConfig:
        return LoadedConfig(read_config_file(self.path))


class ApiConfigSource:
    def __init__(
        self,
        url: str,
        gateway_id: uuid.UUID,
        secret: str,
        tenant: str | None,
        cache_path: Path,
        timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self._headers = gateway_auth_headers(gateway_id, secret, tenant)
        self.cache_path = cache_path
        self._timeout = timeout_s
        self._transport = transport

    async def load(self) -> LoadedConfig:
        try:
            raw = await self._fetch()
            config = parse_config(json.loads(raw), self.url)
        except (httpx.HTTPError, ConfigUnavailableError, ConfigFileError) as exc:
            return self._from_cache(exc)
        _write_private(self.cache_path, raw)
        return LoadedConfig(config)

    async def _fetch(self) -> bytes:
        async with httpx.AsyncClient(timeout=self._timeout, transport=self._transport) as http:
            response = await http.get(self.url, headers=self._headers)
        if response.status_code != 200:
            raise ConfigUnavailableError(f"config API answered {response.status_code}")
        try:
            json.loads(response.content)
        except ValueError:
            raise ConfigUnavailableError("config API answered with something not JSON") from None
        return response.content

    def _from_cache(self, exc: Exception) -> LoadedConfig:
        if not self.cache_path.exists():
            raise ConfigUnavailableError(
                f"cannot fetch the config ({type(exc).__name__}: {exc}) and no cache at "
                f"{self.cache_path}"
            ) from exc
        log.warning(
            "config API unavailable (%s: %s); running from the cached config",
            type(exc).__name__,
            exc,
        )
        return LoadedConfig(read_config_file(self.cache_path), from_cache=True)


def _write_private(path: Path, data: bytes) -> None:
    """Atomic write, readable by the gateway's user only (the config holds secrets)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
