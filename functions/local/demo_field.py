"""The demo's simulated field: per tenant one RTU and one real edge gateway.

Each demo tenant gets (once) a registered gateway, an OPC-UA connection and tag
mappings for its first wells, named as the simulator names its nodes. On every
start the RTU (`python -m functions.local.simulator`) listens on a free port,
the connection's endpoint is pointed at it, and the gateway
(`python -m edge_gateway`) pulls its config from the demo's own API with its
credential and publishes to the platform's SQLite queue, which the drain
thread empties into the tenant's database.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from functions.local.demo_tenants import DemoTenant
from functions.local.simulator.catalog import node_id, tag_specs
from shared.bootstrap import Platform
from shared.core.ports.tenant_data import WellQuery

WELLS_PER_SITE = 5
TAGS_PER_WELL = 6
RATE_HZ = 1.0


@dataclass
class FieldSite:
    slug: str
    gateway_id: str
    secret: str
    connection_id: str
    wells: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def endpoint_for(port: int) -> str:
    return f"opc.tcp://127.0.0.1:{port}/wellos/rtu0"


def provision_site(platform: Platform, demo: DemoTenant, state: Path, port: int) -> FieldSite:
    """The tenant's gateway, connection and tags (created once), pointed at `port`."""
    saved = _load_sites(state).get(demo.tenant.slug)
    if saved is None:
        saved = _create_site(platform, demo, port)
        _save_site(state, saved)
    platform.scada.connections.update(
        demo.tenant, demo.actor, saved.connection_id, {"endpoint_url": endpoint_for(port)}
    )
    return saved


def _create_site(platform: Platform, demo: DemoTenant, port: int) -> FieldSite:
    tenant, actor = demo.tenant, demo.actor
    registered = platform.scada.gateways.register(tenant, actor, f"{tenant.slug} field gateway")
    gateway_id = registered.gateway.id
    connection = platform.scada.connections.create(
        tenant,
        actor,
        {"gateway_id": gateway_id, "name": "demo-rtu", "endpoint_url": endpoint_for(port)},
    )
    wells = platform.wells.list(tenant, actor, WellQuery(limit=WELLS_PER_SITE)).items
    for number, well in enumerate(wells, start=1):
        for spec in tag_specs(TAGS_PER_WELL):
            values = {
                "node_id": node_id(number, spec.name),
                "well_id": well["id"],
                "tag_name": spec.name,
                "unit": spec.unit or None,
            }
            platform.scada.tags.create(tenant, actor, connection["id"], values)
    secret = registered.credential.secret
    return FieldSite(tenant.slug, gateway_id, secret, connection["id"], len(wells))


def _load_sites(state: Path) -> dict[str, FieldSite]:
    if not state.exists():
        return {}
    return {slug: FieldSite(**site) for slug, site in json.loads(state.read_text()).items()}


def _save_site(state: Path, site: FieldSite) -> None:
    sites = {slug: asdict(saved) for slug, saved in _load_sites(state).items()}
    sites[site.slug] = asdict(site)
    state.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(state, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(sites, handle, indent=2)


def start_rtu(site: FieldSite, port: int, log_dir: Path, stack: contextlib.ExitStack) -> None:
    command = [
        sys.executable, "-m", "functions.local.simulator", "--wells", str(site.wells),
        "--tags", str(TAGS_PER_WELL), "--servers", "1", "--index", "0", "--host", "127.0.0.1",
        "--port", str(port), "--rate", str(RATE_HZ),
    ]  # fmt: skip
    _spawn(command, log_dir / f"rtu-{site.slug}.log", dict(os.environ), stack)


def start_gateway(
    site: FieldSite, api_base: str, queue_file: Path, state_dir: Path, stack: contextlib.ExitStack
) -> None:
    environment = {
        **os.environ,
        "WELLOS_GATEWAY_SECRET": site.secret,
        "WELLOS_GATEWAY_TENANT": site.slug,
        "WELLOS_GATEWAY_QUEUE_BACKEND": "sqlite",
        "WELLOS_GATEWAY_SQLITE_QUEUE_PATH": str(queue_file),
        "WELLOS_GATEWAY_CONFIG_POLL_S": "10",
    }
    command = [
        sys.executable, "-m", "edge_gateway",
        "--config-url", f"{api_base}/api/v1/gateways/{site.gateway_id}/config",
        "--state-dir", str(state_dir / f"gateway-{site.slug}"), "--http-port", "0",
    ]  # fmt: skip
    _spawn(command, state_dir / f"gateway-{site.slug}.log", environment, stack)


def _spawn(
    command: list[str], log_path: Path, environment: dict[str, str], stack: contextlib.ExitStack
) -> None:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = stack.enter_context(log_path.open("ab"))
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment)
    stack.callback(_stop, process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
