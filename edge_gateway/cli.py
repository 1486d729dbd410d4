"""`python -m edge_gateway`: parse arguments, build the queue and config source, run.

Exit codes: 0 after a graceful stop, 2 for bad settings or configuration (the
message names the field), 1 for anything unexpected.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import signal
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from edge_gateway.config_source import ApiConfigSource, ConfigSource, FileConfigSource
from edge_gateway.errors import ConfigError, SettingsError
from edge_gateway.logs import setup_logging
from edge_gateway.publishers import build_queue
from edge_gateway.service import GatewayService
from edge_gateway.settings import GatewaySettings

log = logging.getLogger("edge_gateway")
_GATEWAY_IN_URL = re.compile(r"/gateways/([0-9a-fA-F-]{36})/config")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m edge_gateway",
        description="WellOS edge gateway: OPC-UA to the ingest queue, store-and-forward. "
        "Other settings come from WELLOS_GATEWAY_* variables (see README).",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--config-url", help="GET {api}/api/v1/gateways/{id}/config")
    source.add_argument("--config-file", type=Path, help="local YAML/JSON config (air-gapped)")
    parser.add_argument("--state-dir", type=Path, help="buffer, config cache (and local queue)")
    parser.add_argument("--http-port", type=int, help="/metrics and /healthz port (0: any)")
    parser.add_argument("--log-level", help="DEBUG, INFO, WARNING, ERROR")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> GatewaySettings:
    given = {
        "config_url": args.config_url,
        "config_file": args.config_file,
        "state_dir": args.state_dir,
        "http_port": args.http_port,
        "log_level": args.log_level,
    }
    return GatewaySettings(**{key: value for key, value in given.items() if value is not None})


def build_source(settings: GatewaySettings) -> ConfigSource:
    if settings.config_file is not None:
        return FileConfigSource(settings.config_file)
    url = settings.config_url or ""
    gateway_id = settings.gateway_id
    if gateway_id is None:
        found = _GATEWAY_IN_URL.search(url)
        if found is None:
            raise SettingsError("WELLOS_GATEWAY_GATEWAY_ID", "required (not found in the URL)")
        gateway_id = uuid.UUID(found.group(1))
    secret = settings.secret_bytes().decode()
    return ApiConfigSource(url, gateway_id, secret, settings.tenant, settings.config_cache_path)


async def serve(settings: GatewaySettings) -> None:
    service = GatewayService(settings, build_queue(settings), build_source(settings))
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, service.stop)
    await service.run()
    log.info("gateway stopped")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = settings_from(args)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ())) or "settings"
        print(f"edge gateway: invalid setting {field}: {first.get('msg')}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level)
    try:
        asyncio.run(serve(settings))
    except (ConfigError, SettingsError) as exc:
        log.error("cannot start: %s", exc)
        return 2
    return 0
