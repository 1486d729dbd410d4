"""One simulated RTU: an asyncua Server publishing the tags of a slice of the wells.

Every tick (1/rate s, on a fixed grid) all of its tags get a new value whose source
timestamp is the grid time, so a reader can count exactly what it missed. Faults
are switched at runtime by writing a fault name to `WellNN.fault` (OPC-UA write) or
through `set_fault`.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

from asyncua import ua
from asyncua.server.server import Server

from functions.local.simulator.catalog import (
    NAMESPACE_INDEX,
    NAMESPACE_URI,
    FieldLayout,
    fault_node_id,
    node_id,
    tag_specs,
    well_name,
)
from functions.local.simulator.certificates import SERVER_URI, ensure_pair
from functions.local.simulator.history import PlannedFault, SensorHistory, hour_floor
from functions.local.simulator.signals import SHORT_HORIZON_HOURS, FieldSignals, LiveFault

log = logging.getLogger(__name__)
YIELD_EVERY = 400


@dataclass(frozen=True)
class RtuOptions:
    layout: FieldLayout
    index: int = 0
    rate_hz: float = 1.0
    seed: int = 7
    bad_rate: float = 0.001
    fault_ramp_s: float = 600.0
    certificates: Path | None = None
    """Directory of the server certificate pair: enables Basic256Sha256 Sign/SignAndEncrypt."""
    secure_only: bool = False
    anchor: datetime | None = None
    """Hour 0 of the wells' generated sensor history (default: the day before the start)."""
    planned_faults: tuple[PlannedFault, ...] = ()
    """Failures whose precursors the generated history ramps in before their onset."""
    live_faults: tuple[LiveFault, ...] = ()
    """Faults switched on (and off) at set times after the RTU starts ticking."""

    def history(self, now: float) -> SensorHistory:
        if self.anchor is not None:
            return SensorHistory(self.seed, self.anchor, self.planned_faults)
        anchor = hour_floor(datetime.fromtimestamp(now, UTC)) - timedelta(days=1)
        return SensorHistory(self.seed, anchor, self.planned_faults, SHORT_HORIZON_HOURS)


class RtuServer:
    def __init__(self, options: RtuOptions) -> None:
        self.options = options
        self.wells = options.layout.wells_of(options.index)
        self.specs = tag_specs(options.layout.tags)
        now = time.time()
        self.signals = FieldSignals(
            self.wells, self.specs, options.seed + options.index, now,
            options.fault_ramp_s, options.bad_rate, options.history(now),
        )  # fmt: skip
        self.server = Server()
        self.produced = 0
        self.ticks = 0
        self._nodes: list[ua.NodeId] = []
        self._fault_nodes: dict[int, ua.NodeId] = {}
        self._live_started: set[tuple[int, str]] = set()
        self._live_ended: set[tuple[int, str]] = set()

    @property
    def endpoint(self) -> str:
        return self.options.layout.endpoint(self.options.index)

    async def start(self) -> None:
        await self.server.init()
        self.server.set_endpoint(self.endpoint)
        self.server.set_server_name(f"WellOS simulated RTU {self.options.index}")
        await self._security()
        index = await self.server.register_namespace(NAMESPACE_URI)
        if index != NAMESPACE_INDEX:
            raise RuntimeError(f"namespace index {index}, expected {NAMESPACE_INDEX}")
        await self._add_nodes()
        await self.server.start()
        log.info("RTU %s on %s: %s wells", self.options.index, self.endpoint, len(self.wells))

    async def _security(self) -> None:
        policies = [] if self.options.secure_only else [ua.SecurityPolicyType.NoSecurity]
        if self.options.certificates is not None:
            uri = f"{SERVER_URI}{self.options.index}"
            pair = ensure_pair(self.options.certificates, f"rtu{self.options.index}", uri)
            await self.server.load_certificate(str(pair.certificate))
            await self.server.load_private_key(str(pair.private_key))
            await self.server.set_application_uri(uri)
            policies += [
                ua.SecurityPolicyType.Basic256Sha256_Sign,
                ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt,
            ]
        self.server.set_security_policy(policies)

    async def _add_nodes(self) -> None:
        objects = self.server.nodes.objects
        for well in self.wells:
            name = well_name(well)
            folder = await objects.add_object(
                ua.NodeId.from_string(f"ns={NAMESPACE_INDEX};s={name}"), name
            )
            for spec in self.specs:
                nid = ua.NodeId.from_string(node_id(well, spec.name))
                await folder.add_variable(nid, spec.name, ua.Variant(0.0, ua.VariantType.Double))
                self._nodes.append(nid)
            fault = ua.NodeId.from_string(fault_node_id(well))
            variable = await folder.add_variable(
                fault, "fault", ua.Variant("", ua.VariantType.String)
            )
            await variable.set_writable()
            self._fault_nodes[well] = fault

    async def stop(self) -> None:
        await self.server.stop()

    async def set_fault(self, well: int, fault: str | None) -> None:
        value = ua.DataValue(ua.Variant(fault or "", ua.VariantType.String))
        await self.server.write_attribute_value(self._fault_nodes[well], value)

    async def run(self) -> None:
        """Tick forever on the grid start + k/rate (late ticks are caught up, not skipped)."""
        period = 1.0 / self.options.rate_hz
        first = math.ceil(time.time() / period) * period
        while True:
            moment = first + self.ticks * period
            delay = moment - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            await self._switch_live_faults(moment - first)
            await self.tick(moment)
            self.ticks += 1

    async def tick(self, moment: float) -> None:
        self._read_faults(moment)
        values, status = self.signals.sample(moment)
        source = cast(ua.DateTime, datetime.fromtimestamp(moment, UTC))
        server_time = cast(ua.DateTime, datetime.now(UTC))
        good = ua.StatusCode(ua.UInt32(0))
        write = self.server.write_attribute_value
        for count, (nid, value, code) in enumerate(
            zip(self._nodes, values.ravel().tolist(), status.ravel().tolist(), strict=True), 1
        ):
            quality = good if code == 0 else ua.StatusCode(ua.UInt32(code))
            variant = ua.Variant(value, ua.VariantType.Double)
            await write(nid, ua.DataValue(variant, quality, source, server_time))
            if count % YIELD_EVERY == 0:
                await asyncio.sleep(0)
        self.produced += len(self._nodes)

    async def _switch_live_faults(self, elapsed_s: float) -> None:
        """Write each live fault's node when its time comes (the next tick reads it)."""
        for fault in self.options.live_faults:
            if fault.well not in self._fault_nodes:
                continue
            ends = None if fault.for_s is None else fault.after_s + fault.for_s
            key = (fault.well, fault.name)
            done = key in self._live_started or key in self._live_ended
            if not done and elapsed_s >= fault.after_s:
                self._live_started.add(key)
                log.warning("%s: live fault %s starts", well_name(fault.well), fault.name)
                await self.set_fault(fault.well, fault.name)
            elif key in self._live_started and ends is not None and elapsed_s >= ends:
                self._live_started.discard(key)
                self._live_ended.add(key)
                log.warning("%s: live fault %s ends", well_name(fault.well), fault.name)
                await self.set_fault(fault.well, None)

    def _read_faults(self, moment: float) -> None:
        for well, nid in self._fault_nodes.items():
            fault = self.server.read_attribute_value(nid).Value
            name = str(fault.Value) if fault is not None and fault.Value else ""
            try:
                self.signals.set_fault(well, name, moment)
            except ValueError as exc:
                log.warning("%s: %s", well_name(well), exc)
