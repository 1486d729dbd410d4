"""The notification → buffer → batch → queue path of the gateway, fed with real publish
responses at a fixed rate (no RTU processes): CPU per change. Used by
`bench/gateway.py --pipeline`; see there.
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats
import resource
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asyncua import ua
from asyncua.common.utils import Buffer
from asyncua.ua.ua_binary import struct_to_binary

from edge_gateway.config_source import FileConfigSource
from edge_gateway.opc.fastpublish import decode_publish
from edge_gateway.opc.gaps import GapTracker
from edge_gateway.opc.subscription import Notifications
from edge_gateway.service import GatewayService
from edge_gateway.settings import GatewaySettings
from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.core.scada.model.gateway_config import GatewayConfig

SECRET = "bench-secret"
ITEMS_PER_MESSAGE = 500


def now_us() -> int:
    return time.time_ns() // 1000


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def messages(tags: int, rate_hz: float, seconds: float) -> list[bytes]:
    """Publish responses (binary) carrying every tag's change for `seconds` at `rate_hz`."""
    start = datetime.now(UTC).replace(microsecond=0)
    period = timedelta(seconds=1 / rate_hz)
    found, sequence = [], 0
    changes = [(tick, tag) for tick in range(int(seconds * rate_hz)) for tag in range(1, tags + 1)]
    for offset in range(0, len(changes), ITEMS_PER_MESSAGE):
        items = []
        for tick, tag in changes[offset : offset + ITEMS_PER_MESSAGE]:
            moment = start + tick * period
            value = ua.DataValue(ua.Variant(tag * 0.5 + tick, ua.VariantType.Double),
                                 ua.StatusCode(0), moment, moment)  # fmt: skip
            items.append(ua.MonitoredItemNotification(ClientHandle=tag, Value=value))
        sequence += 1
        response = ua.PublishResponse()
        response.Parameters.SubscriptionId = 1
        response.Parameters.NotificationMessage.SequenceNumber = sequence
        response.Parameters.NotificationMessage.PublishTime = start
        response.Parameters.NotificationMessage.NotificationData = [
            ua.DataChangeNotification(MonitoredItems=items)
        ]
        found.append(struct_to_binary(response))
    return found


async def replay(work: Path, tags: int, rate_hz: float, seconds: float, profile: bool) -> dict:
    config = GatewayConfig(tenant_id=uuid.uuid4(), gateway_id=uuid.uuid4(), revision=1)
    (work / "gateway.json").write_text(config.model_dump_json())
    settings = GatewaySettings(config_file=work / "gateway.json", state_dir=work / "state",
                               secret=SECRET, http_enabled=False)  # fmt: skip
    service = GatewayService(settings, SqliteQueue(settings.queue_path),
                             FileConfigSource(settings.config_file))  # fmt: skip
    task = asyncio.create_task(service.run())
    await service.ready.wait()
    handler = Notifications(service.sink, GapTracker(range(1, tags + 1)), lambda n: None,
                            lambda reason: None)  # fmt: skip
    bodies = messages(tags, rate_hz, seconds)
    per_message = ITEMS_PER_MESSAGE / (tags * rate_hz)
    profiler = cProfile.Profile() if profile else None
    loop = asyncio.get_running_loop()
    started_cpu, started = cpu_s(), loop.time()
    if profiler:
        profiler.enable()
    for index, body in enumerate(bodies):
        delay = started + index * per_message - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        response = decode_publish(Buffer(body), now_us)
        await handler(response.Parameters)
    for _ in range(6000):  # every change published (at most 5 minutes)
        if service.metrics.readings_published >= service.metrics.readings_received:
            break
        await asyncio.sleep(0.05)
    if profiler:
        profiler.disable()
    cpu, wall = cpu_s() - started_cpu, loop.time() - started
    service.stop()
    await task
    changes = len(bodies) * ITEMS_PER_MESSAGE
    result = {"changes": changes, "cpu_s": cpu, "wall_s": wall,
              "published": service.metrics.readings_published}  # fmt: skip
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(18)
        result["profile"] = text.getvalue()
    return result


def run(work: Path, tags: int, rate_hz: float, seconds: float, profile: bool) -> dict:
    started = time.monotonic()
    result = asyncio.run(replay(work, tags, rate_hz, seconds, profile))
    result["total_s"] = time.monotonic() - started
    return result
