"""What the simulated field publishes, and the tag list a gateway needs to read it.

Node ids are predictable: `ns=2;s=Well{NN}.{tag}` (NN zero-padded to 2 digits),
and each well has a writable `ns=2;s=Well{NN}.fault` string to inject a fault.
Server `k` of `K` serves wells `k+1, k+1+K, …` on port `base_port + k`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import SecretStr

from shared.core.scada.model.gateway_config import BatchSettings, ConnectionConfig, GatewayConfig

NAMESPACE_URI = "urn:wellos:field-simulator"
NAMESPACE_INDEX = 2
_WELL_NAMESPACE = uuid.UUID("8d6b2f5e-4a0c-4f43-9d0e-2b7c3f6a1e10")


@dataclass(frozen=True)
class TagSpec:
    name: str
    unit: str
    base: float
    daily: float
    """Amplitude of the daily cycle, as a fraction of base."""
    noise: float
    """Standard deviation of the noise, as a fraction of base."""
    drift: float
    """Fractional change per day."""


TAGS: tuple[TagSpec, ...] = (
    # The first eight: the seven rod-pump signals the models read, and the flow rate.
    TagSpec("tubing_pressure", "psi", 450.0, 0.03, 0.004, -0.002),
    TagSpec("casing_pressure", "psi", 650.0, 0.02, 0.003, 0.0),
    TagSpec("flow_rate", "bbl/d", 180.0, 0.05, 0.01, -0.003),
    TagSpec("motor_current", "A", 42.0, 0.04, 0.008, 0.0),
    TagSpec("vibration", "in/s", 0.25, 0.05, 0.03, 0.001),
    TagSpec("flowline_temperature", "degF", 95.0, 0.08, 0.004, 0.0),
    TagSpec("strokes_per_minute", "spm", 8.5, 0.01, 0.004, 0.0),
    TagSpec("pump_fillage", "%", 92.0, 0.01, 0.005, 0.0),
    TagSpec("gas_rate", "Mcf/d", 350.0, 0.05, 0.01, -0.002),
    TagSpec("water_rate", "bbl/d", 220.0, 0.04, 0.01, 0.001),
    TagSpec("motor_temperature", "degF", 160.0, 0.05, 0.004, 0.0),
    TagSpec("line_pressure", "psi", 120.0, 0.03, 0.005, 0.0),
    TagSpec("choke_position", "%", 45.0, 0.0, 0.002, 0.0),
    TagSpec("separator_pressure", "psi", 140.0, 0.02, 0.005, 0.0),
    TagSpec("separator_level", "in", 30.0, 0.05, 0.01, 0.0),
    TagSpec("tank_level", "ft", 8.0, 0.02, 0.002, 0.05),
    TagSpec("pump_intake_pressure", "psi", 300.0, 0.02, 0.005, -0.001),
    TagSpec("rod_load_max", "lb", 18000.0, 0.02, 0.004, 0.0),
    TagSpec("rod_load_min", "lb", 6000.0, 0.02, 0.004, 0.0),
    TagSpec("wellhead_temperature", "degF", 85.0, 0.07, 0.004, 0.0),
)


def tag_specs(count: int) -> list[TagSpec]:
    """The first `count` tags; beyond the catalog, generic `aux_NN` tags."""
    specs = list(TAGS[:count])
    for extra in range(len(specs), count):
        specs.append(TagSpec(f"aux_{extra + 1:02d}", "", 100.0, 0.05, 0.01, 0.0))
    return specs


def well_name(number: int) -> str:
    return f"Well{number:02d}"


def node_id(number: int, tag: str) -> str:
    return f"ns={NAMESPACE_INDEX};s={well_name(number)}.{tag}"


def parse_node_id(text: str) -> tuple[int, str] | None:
    """(well number, tag name) of a simulator node id; None for any other node."""
    prefix = f"ns={NAMESPACE_INDEX};s=Well"
    if not text.startswith(prefix):
        return None
    number, dot, tag = text[len(prefix) :].partition(".")
    if not dot or not number.isdigit() or not tag:
        return None
    return int(number), tag


def fault_node_id(number: int) -> str:
    return node_id(number, "fault")


def well_uuid(number: int) -> uuid.UUID:
    """A stable id for simulated well `number` (override with real well ids)."""
    return uuid.uuid5(_WELL_NAMESPACE, well_name(number))


@dataclass(frozen=True)
class FieldLayout:
    wells: int
    tags: int
    servers: int = 1
    host: str = "127.0.0.1"
    base_port: int = 4840

    def wells_of(self, server: int) -> list[int]:
        return list(range(server + 1, self.wells + 1, self.servers))

    def endpoint(self, server: int) -> str:
        return f"opc.tcp://{self.host}:{self.base_port + server}/wellos/rtu{server}"

    def server_of(self, well: int) -> int:
        return (well - 1) % self.servers


@dataclass(frozen=True)
class SimTag:
    tag_id: int
    well: int
    name: str
    unit: str
    node_id: str
    server: int
    endpoint: str


def field_tags(layout: FieldLayout) -> list[SimTag]:
    """Every tag of the field, with the node id and endpoint that serve it."""
    specs = tag_specs(layout.tags)
    found = []
    for well in range(1, layout.wells + 1):
        server = layout.server_of(well)
        for index, spec in enumerate(specs):
            tag_id = (well - 1) * len(specs) + index + 1
            found.append(
                SimTag(tag_id, well, spec.name, spec.unit, node_id(well, spec.name), server,
                       layout.endpoint(server))
            )  # fmt: skip
    return found


def gateway_config(
    layout: FieldLayout,
    tenant_id: uuid.UUID,
    gateway_id: uuid.UUID,
    *,
    well_ids: Mapping[int, uuid.UUID] | None = None,
    publishing_interval_ms: int = 1000,
    sampling_interval_ms: int = 1000,
    connection: Mapping[str, object] | None = None,
    batch: BatchSettings | None = None,
    revision: int = 1,
) -> GatewayConfig:
    """A GatewayConfig reading the whole field: one connection per RTU server.

    `connection` adds fields to every connection (security, acquisition, …).
    """
    tags = field_tags(layout)
    connections = []
    for server in range(layout.servers):
        mine = [tag for tag in tags if tag.server == server]
        connections.append(
            ConnectionConfig.model_validate(
                {
                    "connection_id": uuid.uuid5(gateway_id, f"rtu{server}"),
                    "name": f"rtu{server}",
                    "endpoint_url": layout.endpoint(server),
                    "publishing_interval_ms": publishing_interval_ms,
                    "tags": [_tag_config(t, well_ids, sampling_interval_ms) for t in mine],
                    **(connection or {}),
                }
            )
        )
    return GatewayConfig(
        tenant_id=tenant_id,
        gateway_id=gateway_id,
        revision=revision,
        connections=connections,
        batch=batch or BatchSettings(),
    )


def _tag_config(
    tag: SimTag, well_ids: Mapping[int, uuid.UUID] | None, sampling_ms: int
) -> dict[str, object]:
    well_id = (well_ids or {}).get(tag.well) or well_uuid(tag.well)
    return {
        "tag_id": tag.tag_id,
        "node_id": tag.node_id,
        "well_id": well_id,
        "tag_name": tag.name,
        "unit": tag.unit or None,
        "sampling_interval_ms": sampling_ms,
    }


def config_json(config: GatewayConfig) -> str:
    """The config as JSON with its secrets in clear (pydantic masks them on dump)."""

    def plain(value: object) -> object:
        if isinstance(value, SecretStr):
            return value.get_secret_value()
        if isinstance(value, uuid.UUID):
            return str(value)
        raise TypeError(f"cannot encode {type(value).__name__}")

    return json.dumps(config.model_dump(mode="python"), default=plain, indent=2)
