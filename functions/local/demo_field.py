"""The demo's simulated field: per tenant one RTU and one real edge gateway.

Each demo tenant gets (once) a registered gateway, an OPC-UA connection, tag
mappings for its first wells, named as the simulator names its nodes, and a
field plan: the seed and anchor of its generated sensor history and one
planned pump failure (acme: bearing wear on well 2; permian: pump-off on well
4), two days after the site was created, whose precursors are already showing.
On every start the last 15 days of that history are written where readings are
missing (:mod:`functions.local.demo_history`), so the night's scoring has its
14-day windows; then the RTU (`python -m functions.local.simulator`) listens on
a free port serving the same history live, the connection's endpoint is pointed
at it, and the gateway (`python -m edge_gateway`) pulls its config from the
demo's own API with its credential and publishes to the platform's SQLite
queue, which the drain thread empties into the tenant's database.

Live, the RTU starts a flowline blockage on well 3 five seconds after it
starts ticking (tubing pressure doubles over 15 s, for ten minutes); the site's
alarm rule (tubing pressure 30 % over the well's recent high for 5 s, made once) raises a real-time
alarm from the drain within a minute of start-up, and clears it when the fault ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import zlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from functions.local.demo_history import backfill, history_tags
from functions.local.demo_tenants import DemoTenant
from functions.local.simulator.catalog import node_id, parse_node_id, tag_specs
from functions.local.simulator.history import PlannedFault, SensorHistory
from functions.local.simulator.signals import LiveFault
from models.synthetic import FailureMode
from shared.bootstrap import Platform
from shared.core.common.errors import DuplicateError
from shared.core.scada.services.common import shown_tag
from shared.core.wells.ports import WellQuery
from shared.settings import child_environment

WELLS_PER_SITE = 5
TAGS_PER_WELL = 8
"""The seven rod-pump signals the models read, and the flow rate."""
RATE_HZ = 1.0
HISTORY_DAYS_BEFORE = 16
FAULT_ONSET_DAYS_AFTER = 2
DEMO_FAULTS: dict[str, tuple[int, FailureMode]] = {
    "acme": (2, FailureMode.BEARING_WEAR),
    "permian": (4, FailureMode.PUMP_OFF),
}
DEFAULT_FAULT = (1, FailureMode.BEARING_WEAR)
PLACEHOLDER_PORT = 4840
LIVE_FAULT_WELL = 3
LIVE_FAULT = "flowline_blockage"
LIVE_FAULT_AFTER_S = 5.0
LIVE_FAULT_FOR_S = 600.0
LIVE_FAULT_RAMP_S = 15.0
"""The live fault: tubing pressure doubles over 15 s, starting 5 s after the RTU ticks,
for 10 minutes (the alarm clears when it ends)."""
ALARM_RULE_ID = "demo-tubing-pressure-high"
ALARM_MARGIN = 1.3
"""The alarm's high limit: 30 % over the well's highest generated tubing pressure of two days
back and three ahead (the generated history varies by under 25 % over that span, so the
doubled pressure of a blockage is always over it and normal hours never are)."""


@dataclass
class FieldSite:
    slug: str
    gateway_id: str
    secret: str
    connection_id: str
    wells: int
    seed: int = 0
    anchor: str = ""
    """Hour 0 of the generated sensor history (ISO)."""
    planned_faults: list[str] = field(default_factory=list)
    """PlannedFault texts: WELL:MODE:ONSET/PRECURSOR_HOURS."""

    def plan(self, now: datetime) -> None:
        """Seed, anchor and planned failure of a new site (or one saved before plans)."""
        today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        well, mode = DEMO_FAULTS.get(self.slug, DEFAULT_FAULT)
        onset = today + timedelta(days=FAULT_ONSET_DAYS_AFTER)
        self.seed = zlib.crc32(self.slug.encode()) % 100_000
        self.anchor = (today - timedelta(days=HISTORY_DAYS_BEFORE)).isoformat()
        planned = PlannedFault(min(well, self.wells), mode, onset) if self.wells else None
        self.planned_faults = [str(planned)] if planned else []

    def faults(self) -> tuple[PlannedFault, ...]:
        return tuple(PlannedFault.parse(text) for text in self.planned_faults)

    def history(self) -> SensorHistory:
        return SensorHistory(self.seed, datetime.fromisoformat(self.anchor), self.faults())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def endpoint_for(port: int) -> str:
    return f"opc.tcp://127.0.0.1:{port}/wellos/rtu0"


def provision_site(platform: Platform, demo: DemoTenant, state: Path, now: datetime) -> FieldSite:
    """The tenant's gateway, connection, tags and field plan (created once, completed later)."""
    site = _load_sites(state).get(demo.tenant.slug)
    if site is None:
        site = _create_site(platform, demo)
    if not site.anchor:
        site.plan(now)
    _ensure_tags(platform, demo, site)
    ensure_alarm_rule(platform, demo, site, now)
    _save_site(state, site)
    return site


def live_fault_well(site: FieldSite) -> int:
    return min(LIVE_FAULT_WELL, site.wells)


def alarm_limit(history: SensorHistory, well: int, now: datetime) -> float:
    """``ALARM_MARGIN`` times the well's highest tubing pressure around ``now`` (psi, whole)."""
    _, values = history.hourly(well, now - timedelta(days=2), now + timedelta(days=3))
    return float(round(ALARM_MARGIN * float(np.nanmax(values["tubing_pressure"]))))


def ensure_alarm_rule(
    platform: Platform, demo: DemoTenant, site: FieldSite, now: datetime
) -> str | None:
    """A high-limit alarm on the tubing pressure of the live-fault well (made once); its id."""
    if not site.wells:
        return None
    wanted = node_id(live_fault_well(site), "tubing_pressure")
    tag = next((t for t in _site_tags(platform, demo, site) if t["node_id"] == wanted), None)
    if tag is None:
        return None
    rule = {
        "rule_id": ALARM_RULE_ID,
        "name": "Tubing pressure high (flowline blockage)",
        "kind": "limit",
        "tag_id": int(tag["tag_id"]),
        "high": alarm_limit(site.history(), live_fault_well(site), now),
        "deadband": 20.0,
        "min_duration_s": 5,
        "severity": "high",
    }
    with contextlib.suppress(DuplicateError):  # made on an earlier start
        platform.operations.alarm_rules.create(demo.tenant, demo.actor, rule)
    return ALARM_RULE_ID


def backfill_site(platform: Platform, demo: DemoTenant, site: FieldSite, now: datetime) -> int:
    """Write the site's generated sensor history into the hours that have no readings."""
    tags = history_tags(_site_tags(platform, demo, site))
    engine = platform.tenant_databases.engines.engine_for(demo.tenant)
    with engine.begin() as connection:
        return backfill(connection, site.history(), tags, now)


def point_site(platform: Platform, demo: DemoTenant, site: FieldSite, port: int) -> None:
    """Point the site's connection at the RTU listening on ``port``."""
    platform.scada.connections.update(
        demo.tenant, demo.actor, site.connection_id, {"endpoint_url": endpoint_for(port)}
    )


def _create_site(platform: Platform, demo: DemoTenant) -> FieldSite:
    tenant, actor = demo.tenant, demo.actor
    registered = platform.scada.gateways.register(tenant, actor, f"{tenant.slug} field gateway")
    gateway_id = registered.gateway.id
    endpoint = endpoint_for(PLACEHOLDER_PORT)
    connection = platform.scada.connections.create(
        tenant, actor, {"gateway_id": gateway_id, "name": "demo-rtu", "endpoint_url": endpoint}
    )
    wells = platform.wells.list(tenant, actor, WellQuery(limit=WELLS_PER_SITE)).items
    secret = registered.credential.secret
    return FieldSite(tenant.slug, gateway_id, secret, connection.id, len(wells))


def _ensure_tags(platform: Platform, demo: DemoTenant, site: FieldSite) -> None:
    """Map every simulated well's first TAGS_PER_WELL tags (sites from older demos lack some)."""
    existing = _site_tags(platform, demo, site)
    nodes = {str(tag["node_id"]) for tag in existing}
    well_ids = {
        parsed[0]: str(tag["well_id"])
        for tag in existing
        if (parsed := parse_node_id(str(tag["node_id"]))) is not None
    }
    listed = platform.wells.list(demo.tenant, demo.actor, WellQuery(limit=site.wells)).items
    for number, well in enumerate(listed, start=1):
        for spec in tag_specs(TAGS_PER_WELL):
            if node_id(number, spec.name) in nodes:
                continue
            values = {
                "node_id": node_id(number, spec.name),
                "well_id": well_ids.get(number, well.id),
                "tag_name": spec.name,
                "unit": spec.unit or None,
            }
            platform.scada.tags.create(demo.tenant, demo.actor, site.connection_id, values)


def _site_tags(platform: Platform, demo: DemoTenant, site: FieldSite) -> list[dict[str, Any]]:
    limit = site.wells * len(tag_specs(TAGS_PER_WELL)) + 100
    page = platform.scada.tags.list(demo.tenant, demo.actor, site.connection_id, limit, 0)
    return [shown_tag(tag) for tag in page.items]


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
        "--port", str(port), "--rate", str(RATE_HZ), "--seed", str(site.seed),
        "--anchor", site.anchor, "--fault-ramp-s", str(LIVE_FAULT_RAMP_S),
    ]  # fmt: skip
    for planned in site.planned_faults:
        command += ["--planned-fault", planned]
    if site.wells:
        live = LiveFault(live_fault_well(site), LIVE_FAULT, LIVE_FAULT_AFTER_S, LIVE_FAULT_FOR_S)
        command += ["--live-fault", str(live)]
    _spawn(command, log_dir / f"rtu-{site.slug}.log", child_environment(), stack)


def start_gateway(
    site: FieldSite, api_base: str, queue_file: Path, state_dir: Path, stack: contextlib.ExitStack
) -> None:
    environment = child_environment({
        "WELLOS_GATEWAY_SECRET": site.secret,
        "WELLOS_GATEWAY_TENANT": site.slug,
        "WELLOS_GATEWAY_QUEUE_BACKEND": "sqlite",
        "WELLOS_GATEWAY_SQLITE_QUEUE_PATH": str(queue_file),
        "WELLOS_GATEWAY_CONFIG_POLL_S": "10",
    })  # fmt: skip
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
