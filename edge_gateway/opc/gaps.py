"""Gaps in a connection's data: where each tag's readings stopped and where they resumed.

A gap opens when a session is lost (the next session opens it), when the notification
sequence jumps, or at start with the marks restored from the buffer (the gateway's own
downtime). For each tag it keeps the newest source timestamp accepted before the gap
(`start`) and the first one received after it (`first_live`); the backfill reads the
open interval between the two from the server's history. A tag that has not spoken
again when the next gap opens carries its old start into the new gap, so two gaps
never overlap and no value is read twice.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from edge_gateway.buffer import Row


@dataclass
class Gap:
    reason: str
    start: dict[int, int]
    first_live: dict[int, int] = field(default_factory=dict)
    opened_at: float = field(default_factory=time.time)

    def complete(self) -> bool:
        """Every tag of the gap has a live value again."""
        return all(tag in self.first_live for tag in self.start)


class GapTracker:
    """Gaps waiting to be read, oldest first; the backfill removes each when done."""

    def __init__(self, tags: Iterable[int]) -> None:
        self.tags = frozenset(tags)
        self.gaps: list[Gap] = []
        self.tracking = False
        """True while the newest gap waits for first live values (checked per message)."""

    def open(self, marks: Mapping[int, int], reason: str) -> Gap:
        """A new gap starting at `marks` (tags never seen are not backfilled).

        Tags of older gaps that have not spoken since leave them: their mark (the newest
        value received or backfilled) is where the new gap starts for them."""
        for gap in self.gaps:
            for tag in [t for t in gap.start if t not in gap.first_live]:
                del gap.start[tag]
        self.gaps = [gap for gap in self.gaps if gap.start]
        gap = Gap(reason, {tag: marks[tag] for tag in self.tags if tag in marks})
        if gap.start:
            self.gaps.append(gap)
            self.tracking = True
        return gap

    def saw(self, rows: Sequence[Row]) -> None:
        """Live rows arrived (in order): the first per tag ends that tag's gap."""
        if not self.gaps:
            self.tracking = False
            return
        gap = self.gaps[-1]
        first = gap.first_live
        for row in rows:
            if row[0] not in first:
                first[row[0]] = row[1]
        if len(first) >= len(gap.start) and gap.complete():
            self.tracking = False

    def done(self, gap: Gap) -> None:
        if gap in self.gaps:
            self.gaps.remove(gap)
        if not self.gaps:
            self.tracking = False

    def trim(self, emitted: Mapping[int, int]) -> None:
        """After an interrupted backfill: start each tag after what was already sent."""
        for gap in self.gaps:
            for tag, moment in emitted.items():
                if tag in gap.start and moment > gap.start[tag]:
                    gap.start[tag] = moment

    def clear(self) -> None:
        self.gaps.clear()
        self.tracking = False
