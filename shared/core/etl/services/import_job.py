"""Applying a chunk of spreadsheet rows, and undoing an import, over an ImportUnitOfWork.

Rows compare to what is stored before anything is written: a row equal to the
stored one is `unchanged` and not written, so importing the same file twice
changes nothing the second time. Undo walks the changes from the last line
back and reverts a row only while it still holds what the import wrote.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shared.core.etl.errors import RowRejectedError
from shared.core.etl.model.fields import BUSINESS_KEYS, Entity
from shared.core.etl.model.mapping import RowMapper, jsonable
from shared.core.etl.model.spreadsheets.reader import SheetRow
from shared.core.etl.ports.imports import ImportCounts, ImportUnitOfWork, RowResult, RowStatus

CHUNK_ROWS = 5000


def key_label(entity: Entity, row: Mapping[str, Any]) -> str:
    """A business key as text: `api`, `tag`, or `well_id/YYYY-MM-DD`."""
    return "/".join(str(jsonable(row[name])) for name in BUSINESS_KEYS[entity])


def json_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: jsonable(value) for key, value in row.items()}


def holds(stored: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """Whether the stored row has these values (compared as JSON data)."""
    return all(jsonable(stored.get(key)) == jsonable(value) for key, value in values.items())


def apply_chunk(
    uow: ImportUnitOfWork,
    entity: Entity,
    mapper: RowMapper,
    lines: Sequence[SheetRow],
    actor: str,
    counts: ImportCounts,
) -> list[RowResult]:
    results: list[RowResult] = []
    latest = _latest_by_key(entity, mapper, lines, results)
    stored = uow.current(entity, [row for _, row in latest.values()])
    changed = []
    for label, (line_no, row) in latest.items():
        result = _compare(line_no, label, row, stored.get(label))
        if result.status is not RowStatus.UNCHANGED:
            changed.append(row)
        results.append(result)
    uow.write(entity, changed, actor)
    results.sort(key=lambda result: result.line)
    for result in results:
        counts.count(result.status)
    return results


def _latest_by_key(
    entity: Entity, mapper: RowMapper, lines: Sequence[SheetRow], results: list[RowResult]
) -> dict[str, tuple[int, dict[str, Any]]]:
    """The last row of each business key; rejected and superseded rows go to `results`."""
    latest: dict[str, tuple[int, dict[str, Any]]] = {}
    for line in lines:
        try:
            row = mapper.map_row(line.values)
        except RowRejectedError as exc:
            results.append(RowResult(line.line, RowStatus.REJECTED, None, exc.field, exc.reason))
            continue
        label = key_label(entity, row)
        if label in latest:
            earlier = latest[label][0]
            reason = f"line {line.line} has the same key and wins"
            results.append(RowResult(earlier, RowStatus.DUPLICATE, label, None, reason))
        latest[label] = (line.line, row)
    return latest


def _compare(
    line: int, label: str, row: Mapping[str, Any], stored: Mapping[str, Any] | None
) -> RowResult:
    after = json_row(row)
    if stored is None:
        return RowResult(line, RowStatus.INSERTED, label, after=after)
    if holds(stored, row) and stored.get("deleted_at") is None:
        return RowResult(line, RowStatus.UNCHANGED, label)
    return RowResult(line, RowStatus.UPDATED, label, before=json_row(stored), after=after)


@dataclass
class UndoCounts:
    reverted: int = 0
    skipped: int = 0


def undo_changes(
    uow: ImportUnitOfWork, entity: Entity, changes: Sequence[RowResult], counts: UndoCounts
) -> None:
    """Revert `changes` (last line first); rows changed since the import are left alone."""
    stored = uow.current(entity, [change.after for change in changes if change.after])
    for change in changes:
        if change.key is None or change.after is None:
            continue
        now = stored.get(change.key)
        if now is None or not holds(now, change.after):
            counts.skipped += 1
            continue
        if change.status is RowStatus.INSERTED or change.before is None:
            uow.remove(entity, now)
            stored.pop(change.key)
        else:
            uow.restore(entity, change.before)
            stored[change.key] = change.before
        counts.reverted += 1
