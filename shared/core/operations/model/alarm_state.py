"""What the alarm evaluator remembers between batches, and the events it emits.

- `episodes`: the bindings not at rest: PENDING (the condition holds, not yet
  for the minimum duration) or ACTIVE (raised, not cleared). A binding absent
  from it is NORMAL.
- `seen`: per tag, the newest usable reading evaluated (time and value): the
  previous point of a rate, the "late" cut-off, the age of stale data.
- `watching`: tags a stale rule watches that never reported, since when.

The state is a value: evaluation returns a new one. `to_data`/`from_data` give
its JSON-able form, so the later persistence step stores one document per
tenant in the drain's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from shared.core.operations.model.alarm_index import BindingKey
from shared.core.operations.model.alarm_rules import AlarmKind, Severity

NEVER = int(np.iinfo(np.int64).min)
"""The time of a tag never seen."""
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Phase(IntEnum):
    NORMAL = 0
    PENDING = 1
    ACTIVE = 2


@dataclass(frozen=True, slots=True)
class Episode:
    phase: Phase
    since_us: int
    """When the condition began (the episode's identity with the binding)."""
    raised_us: int | None = None


@dataclass(frozen=True)
class TagMemory:
    """Newest evaluated reading per tag, as sorted parallel arrays."""

    tag_ids: npt.NDArray[np.int64]
    ts_us: npt.NDArray[np.int64]
    value: npt.NDArray[np.float64]

    @staticmethod
    def empty() -> TagMemory:
        return TagMemory(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))

    def __len__(self) -> int:
        return int(self.tag_ids.shape[0])

    def get(self, tag_id: int) -> tuple[int, float] | None:
        at = int(np.searchsorted(self.tag_ids, tag_id))
        if at < len(self) and int(self.tag_ids[at]) == tag_id:
            return int(self.ts_us[at]), float(self.value[at])
        return None

    def lookup(
        self, tag_ids: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """(times, values) for `tag_ids`; NEVER and NaN for tags not seen."""
        if not len(self):
            return np.full(tag_ids.shape, NEVER, np.int64), np.full(tag_ids.shape, np.nan)
        at = np.minimum(np.searchsorted(self.tag_ids, tag_ids), len(self) - 1)
        found = self.tag_ids[at] == tag_ids
        return (
            np.where(found, self.ts_us[at], NEVER),
            np.where(found, self.value[at], np.nan),
        )

    def merged(
        self,
        tag_ids: npt.NDArray[np.int64],
        ts_us: npt.NDArray[np.int64],
        value: npt.NDArray[np.float64],
    ) -> TagMemory:
        """This memory with (unique) `tag_ids` set to the given readings."""
        if not len(tag_ids):
            return self
        if len(self):
            at = np.searchsorted(self.tag_ids, tag_ids)
            known = self.tag_ids[np.minimum(at, len(self) - 1)] == tag_ids
            if known.all():  # the steady state: every tag already remembered
                ts, values = self.ts_us.copy(), self.value.copy()
                ts[at], values[at] = ts_us, value
                return TagMemory(self.tag_ids, ts, values)
        tags = np.union1d(self.tag_ids, tag_ids)
        ts = np.empty(tags.shape, np.int64)
        values = np.empty(tags.shape, np.float64)
        old = np.searchsorted(tags, self.tag_ids)
        ts[old], values[old] = self.ts_us, self.value
        new = np.searchsorted(tags, tag_ids)
        ts[new], values[new] = ts_us, value
        return TagMemory(tags, ts, values)


@dataclass(frozen=True)
class AlarmState:
    episodes: Mapping[BindingKey, Episode] = field(default_factory=dict)
    seen: TagMemory = field(default_factory=TagMemory.empty)
    watching: Mapping[int, int] = field(default_factory=dict)

    def phase(self, key: BindingKey) -> Phase:
        episode = self.episodes.get(key)
        return Phase.NORMAL if episode is None else episode.phase

    def to_data(self) -> dict[str, Any]:
        return StateData(
            episodes=[
                EpisodeData(
                    rule_id=rule_id,
                    tag_id=tag_id,
                    phase="active" if ep.phase is Phase.ACTIVE else "pending",
                    since_us=ep.since_us,
                    raised_us=ep.raised_us,
                )
                for (rule_id, tag_id), ep in sorted(self.episodes.items())
            ],
            seen=list(
                zip(
                    self.seen.tag_ids.tolist(),
                    self.seen.ts_us.tolist(),
                    self.seen.value.tolist(),
                    strict=True,
                )
            ),
            watching=sorted(self.watching.items()),
        ).model_dump(mode="json")

    @staticmethod
    def from_data(data: Mapping[str, Any]) -> AlarmState:
        parsed = StateData.model_validate(data)
        seen = sorted(parsed.seen)
        return AlarmState(
            episodes={
                (ep.rule_id, ep.tag_id): Episode(
                    Phase.ACTIVE if ep.phase == "active" else Phase.PENDING,
                    ep.since_us,
                    ep.raised_us,
                )
                for ep in parsed.episodes
            },
            seen=TagMemory(
                np.array([row[0] for row in seen], np.int64),
                np.array([row[1] for row in seen], np.int64),
                np.array([row[2] for row in seen], np.float64),
            ),
            watching=dict(parsed.watching),
        )


class EpisodeData(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rule_id: str
    tag_id: int
    phase: Literal["pending", "active"]
    since_us: int
    raised_us: int | None = None


class StateData(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    episodes: list[EpisodeData]
    seen: list[tuple[int, int, float]]
    watching: list[tuple[int, int]]


class EventKind(StrEnum):
    RAISED = "raised"
    CLEARED = "cleared"


@dataclass(frozen=True, slots=True)
class AlarmEvent:
    """An alarm raised or cleared: once per episode each.

    `value` is what the rule watched at `at_us`: the reading (limit), the change
    per minute (rate) or the seconds since the last reading (stale). An episode
    cleared because its rule or tag is gone (`retire`) has no alarm kind,
    severity or value.
    """

    kind: EventKind
    rule_id: str
    tag_id: int
    alarm: AlarmKind | None
    severity: Severity | None
    episode_start_us: int
    at_us: int
    value: float | None

    @property
    def episode_id(self) -> str:
        """Stable across redeliveries: the same readings give the same id."""
        return f"{self.rule_id}/{self.tag_id}/{self.episode_start_us}"

    @property
    def at(self) -> datetime:
        return EPOCH + timedelta(microseconds=self.at_us)


@dataclass(frozen=True)
class Evaluation:
    events: tuple[AlarmEvent, ...]
    state: AlarmState


def event_order(event: AlarmEvent) -> tuple[int, int, str, int]:
    """Events of one evaluation: by time, tag, rule; a clear before a raise at one instant."""
    return (event.at_us, event.tag_id, event.rule_id, 0 if event.kind is EventKind.CLEARED else 1)
