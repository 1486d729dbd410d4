"""The backfill task of a session: reads each open gap back from the server's history.

Runs beside acquisition in the session's task group. It waits for the first live
values after a gap (so each tag's gap has its end), reads the history of the
historized tags, and hands the values to the sink as backfilled readings (they travel
in batches flagged `historical`). A backfill cut short by a lost session leaves its
gaps, trimmed to what was already sent, for the next session.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from asyncua.client.client import Client
from asyncua.ua.uaerrors import UaError

from edge_gateway.ingest import ReadingSink
from edge_gateway.metrics import ConnectionMetrics
from edge_gateway.opc.gaps import Gap, GapTracker
from edge_gateway.opc.history import NodeFacts, groups, read_group, server_time_us, windows
from shared.core.scada.model.gateway_config import ConnectionConfig

log = logging.getLogger(__name__)

IDLE_POLL_S = 0.2
SETTLE_STEP_S = 0.05


@dataclass(frozen=True)
class BackfillOptions:
    enabled: bool = True
    max_lookback_s: float = 3600.0


class Backfiller:
    def __init__(
        self,
        connection: ConnectionConfig,
        sink: ReadingSink,
        metrics: ConnectionMetrics,
        tracker: GapTracker,
        options: BackfillOptions,
    ) -> None:
        self._connection = connection
        self._sink = sink
        self._metrics = metrics
        self._tracker = tracker
        self._options = options
        self._tags = {tag.tag_id: tag for tag in connection.tags}
        self._emitted: dict[int, int] = {}

    async def run(self, client: Client, facts: NodeFacts) -> None:
        """Backfill gaps as they open, for the life of the session."""
        if not self._options.enabled or not facts.historized:
            disabled = not self._options.enabled
            self._metrics.backfill_state = "disabled" if disabled else "unsupported"
            self._tracker.clear()
            return
        try:
            while True:
                if self._tracker.gaps:
                    await self._settle()
                    await self._backfill(client, facts, list(self._tracker.gaps))
                await asyncio.sleep(IDLE_POLL_S)
        except (UaError, TimeoutError) as exc:
            # the session may be fine (a server whose history store fails): keep acquiring
            self._metrics.backfill_state = "failed"
            log.warning(
                "connection %s: backfill failed (%s: %s); the gaps wait for the next session",
                self._connection.name, type(exc).__name__, exc,
            )  # fmt: skip
        finally:
            self._tracker.trim(self._emitted)
            if self._tracker.gaps and self._metrics.backfill_state != "failed":
                self._metrics.backfill_state = "waiting"

    async def _settle(self) -> None:
        """Give the tags of the newest gap time to deliver their first live value."""
        self._metrics.backfill_state = "waiting"
        limit_s = 2 * self._connection.publishing_interval_ms / 1000 + 2.0
        for _ in range(int(limit_s / SETTLE_STEP_S)):
            if not self._tracker.tracking:
                break
            await asyncio.sleep(SETTLE_STEP_S)

    async def _backfill(self, client: Client, facts: NodeFacts, gaps: list[Gap]) -> None:
        self._metrics.backfill_state = "running"
        started, count = time.monotonic(), 0
        now_us = await server_time_us(client)
        max_us = int(self._options.max_lookback_s * 1_000_000)
        for gap in gaps:
            for group in groups(windows(gap, self._tags, facts.historized, now_us, max_us)):
                async for window, rows in read_group(client, group):
                    limit = gap.first_live.get(window.tag.tag_id)
                    kept = [r for r in rows if limit is None or r[1] < limit]
                    if kept:
                        self._sink.add_history(kept)
                        self._emitted[window.tag.tag_id] = max(r[1] for r in kept)
                        count += len(kept)
                        self._metrics.backfilled += len(kept)
                    if self._sink.full:
                        await self._sink.wait_for_room()
            self._tracker.done(gap)
            self._metrics.backfill_gaps += 1
        self._emitted.clear()
        self._metrics.backfill_state = "idle"
        log.info(
            "connection %s: backfilled %s readings from history (%s gaps: %s) in %.1f s",
            self._connection.name, count, len(gaps),
            ", ".join(sorted({gap.reason for gap in gaps})), time.monotonic() - started,
        )  # fmt: skip
