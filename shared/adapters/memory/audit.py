"""The in-memory tenant audit log and change feed (one `AuditData` store per tenant).

Entries are kept as the SQL log returns them: `AuditRecord`s with an increasing
`id`, the `before`/`after` values made JSON-like (dates as ISO strings); changes
as `ChangeRecord`s. The change feed
numbers entries by (txid, seq) with txid 0, as on a dialect without xid8, and
every committed entry is settled at once (a test has no concurrent writers).
"""

from __future__ import annotations

import builtins
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from shared.core.common.change_feed import ChangeEntry, ChangePosition, ChangeRead, ChangeRecord
from shared.core.common.units_of_work import AuditEntry, AuditQuery, AuditRecord


@dataclass
class AuditData:
    entries: list[AuditRecord] = field(default_factory=list)
    changes: list[ChangeRecord] = field(default_factory=list)


def _json(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {k: v.isoformat() if isinstance(v, datetime | date) else v for k, v in values.items()}


def matches(row: Mapping[str, Any], query: AuditQuery, actor_key: str) -> bool:
    """Whether an audit row passes the filters of the audit view (actor case-insensitive)."""
    return (
        query.entity in (None, row["entity"])
        and query.entity_id in (None, row["entity_id"])
        and (query.actor is None or str(row[actor_key]).lower() == query.actor.lower())
        and query.action in (None, row["action"])
        and (query.since is None or row["at"] >= query.since)
        and (query.until is None or row["at"] < query.until)
    )


class MemoryAuditLog:
    def __init__(self, data: AuditData) -> None:
        self._d = data

    def record(self, entry: AuditEntry) -> None:
        self._d.entries.append(
            AuditRecord(
                id=len(self._d.entries) + 1,
                at=entry.at,
                actor_id=entry.actor_id,
                actor_email=entry.actor_email,
                action=entry.action,
                entity=entry.entity,
                entity_id=entry.entity_id,
                before=_json(entry.before),
                after=_json(entry.after),
                request_id=entry.request_id,
            )
        )

    def search(self, query: AuditQuery, limit: int) -> builtins.list[AuditRecord]:
        rows = [r for r in self._d.entries if matches(asdict(r), query, "actor_email")]
        rows.sort(key=lambda r: (r.at, r.id), reverse=True)
        return rows[:limit]

    def count(self, query: AuditQuery) -> int:
        return sum(1 for r in self._d.entries if matches(asdict(r), query, "actor_email"))

    def list(
        self, entity: str | None, entity_id: str | None, limit: int
    ) -> builtins.list[AuditRecord]:
        query = AuditQuery(entity=entity or None, entity_id=entity_id or None)
        rows = [r for r in reversed(self._d.entries) if matches(asdict(r), query, "actor_email")]
        return rows[:limit]


class MemoryChangeLog:
    def __init__(self, data: AuditData) -> None:
        self._d = data

    def append(self, entry: ChangeEntry) -> None:
        self._d.changes.append(
            ChangeRecord(
                txid=0,
                seq=len(self._d.changes) + 1,
                at=entry.at,
                well_id=entry.well_id,
                entity=entry.entity,
                entity_id=entry.entity_id,
                action=entry.action,
                actor_id=entry.actor_id,
                data=_json(entry.data),
            )
        )

    def append_many(self, entries: Sequence[ChangeEntry]) -> None:
        for entry in entries:
            self.append(entry)

    def read(
        self,
        after: ChangePosition | None,
        well_ids: Collection[str] | None,
        skip_readings_of: str | None,
        limit: int,
        now: datetime,
    ) -> ChangeRead:
        rows = [
            r
            for r in self._d.changes
            if (after is None or r.position > after)
            and (well_ids is None or r.well_id in well_ids)
            and not (r.entity == "reading" and r.actor_id == skip_readings_of)
        ]
        items = rows[:limit]
        last = items[-1].position if items else None
        return ChangeRead(items=items, last=last, has_more=len(rows) > limit)

    def head(self, now: datetime) -> ChangePosition | None:
        if not self._d.changes:
            return None
        return self._d.changes[-1].position
