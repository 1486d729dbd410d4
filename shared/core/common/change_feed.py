"""The per-well change feed that field devices pull: writing it, reading it, cursors.

Every change to a well-scoped entity goes through `record_changes` (the audit
hook calls it, so office edits made through the regular API land here too) in
the same transaction as the change itself. Devices read the feed after an
opaque cursor; the adapter decides which rows are settled (see ChangeLog).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from shared.core.common.errors import InputError

if TYPE_CHECKING:
    from shared.core.common.units_of_work import UnitOfWork
from shared.core.common.actor import Actor

CURSOR_TAG = "c1"


@dataclass(frozen=True)
class ChangeEntry:
    at: datetime
    well_id: str
    entity: str
    entity_id: str
    action: str
    actor_id: str
    data: dict[str, Any] | None = None


@dataclass(frozen=True, order=True)
class ChangePosition:
    """A place in the change log: writing transaction, then sequence number."""

    txid: int
    seq: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeRecord:
    """A change as the log returns it: its entry, at its place in the log."""

    txid: int
    seq: int
    at: datetime
    well_id: str
    entity: str
    entity_id: str
    action: str
    actor_id: str
    data: dict[str, Any] | None

    @property
    def position(self) -> ChangePosition:
        return ChangePosition(self.txid, self.seq)


@dataclass(frozen=True)
class ChangeRead:
    items: list[ChangeRecord] = field(default_factory=list)
    last: ChangePosition | None = None
    has_more: bool = False


class ChangeLog(Protocol):
    """What changed, per well, in an order that concurrent commits cannot reshuffle."""

    def append(self, entry: ChangeEntry) -> None: ...

    def append_many(self, entries: Sequence[ChangeEntry]) -> None: ...

    def read(
        self,
        after: ChangePosition | None,
        well_ids: Collection[str] | None,
        skip_readings_of: str | None,
        limit: int,
        now: datetime,
    ) -> ChangeRead:
        """Settled changes after `after`, oldest first; `well_ids` None means every well."""
        ...

    def head(self, now: datetime) -> ChangePosition | None:
        """The last settled position: no change can ever appear before it."""
        ...


@dataclass(frozen=True)
class ChangesPage:
    items: list[ChangeRecord]
    cursor: str
    has_more: bool


def encode_cursor(position: ChangePosition | None) -> str:
    txid, seq = (position.txid, position.seq) if position else (0, 0)
    raw = f"{CURSOR_TAG}:{txid}:{seq}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, field: str = "since") -> ChangePosition | None:
    """The position of a cursor this server issued; None for no cursor (the beginning)."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        tag, txid, seq = raw.split(":")
        position = ChangePosition(int(txid), int(seq))
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InputError(field, "is not a cursor this server issued") from exc
    if tag != CURSOR_TAG or position.txid < 0 or position.seq < 0:
        raise InputError(field, "is not a cursor this server issued")
    return position


def well_ids_of(
    entity: str,
    entity_id: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> list[str]:
    """The wells a change concerns: the well itself, or the `well_id` before and after."""
    if entity == "well":
        return [entity_id]
    found = {str(row["well_id"]) for row in (before, after) if row and row.get("well_id")}
    return sorted(found)


def record_changes(
    uow: UnitOfWork,
    at: datetime,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    """Append one feed entry per well the change concerns (none if it concerns no well)."""
    for entry in change_entries(at, actor, action, entity, entity_id, before, after):
        uow.changes.append(entry)


def change_entries(
    at: datetime,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> list[ChangeEntry]:
    """The feed entries of one change: one per well it concerns."""
    state = after if after is not None else before
    data = dict(state) if state is not None else None
    return [
        ChangeEntry(at, well_id, entity, entity_id, action, actor.user_id, data)
        for well_id in well_ids_of(entity, entity_id, before, after)
    ]


def record_batch_changes(
    uow: UnitOfWork,
    at: datetime,
    actor: Actor,
    action: str,
    well_days: Iterable[tuple[str, date]],
) -> None:
    """One entry per well for a bulk production write (devices re-read the range)."""
    days: dict[str, list[Any]] = {}
    for well_id, day in well_days:
        days.setdefault(str(well_id), []).append(day)
    for well_id, dates in sorted(days.items()):
        data = {"well_id": well_id, "from": min(dates), "to": max(dates), "days": len(dates)}
        entity_id = f"{well_id}/{data['from']}..{data['to']}"
        uow.changes.append(
            ChangeEntry(at, well_id, "production", entity_id, action, actor.user_id, data)
        )
