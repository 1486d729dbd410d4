"""What an upload answers: columns, the suggested mapping, the first rows mapped, problems."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.core.etl.errors import RowRejectedError
from shared.core.etl.model.config import ImportMapping
from shared.core.etl.model.mapping import RowMapper
from shared.core.etl.model.spreadsheets.reader import SheetRow
from shared.core.etl.model.suggest import Suggestion
from shared.core.etl.ports.imports import ImportRecord
from shared.core.etl.services.import_job import json_row

PREVIEW_ROWS = 20


@dataclass(frozen=True)
class PreviewRow:
    line: int
    values: dict[str, Any]


@dataclass(frozen=True)
class PreviewProblem:
    line: int
    field: str
    reason: str


@dataclass(frozen=True)
class ImportPreview:
    record: ImportRecord
    suggestion: Suggestion
    samples: list[SheetRow]
    rows: list[PreviewRow]
    problems: list[PreviewProblem]
    earlier: list[ImportRecord]


def preview_rows(
    record: ImportRecord, sample: Sequence[SheetRow], wells: dict[str, str], today: date
) -> tuple[list[PreviewRow], list[PreviewProblem]]:
    """The first rows under the suggested mapping, and every problem among the sample."""
    mapping = ImportMapping.model_validate(record.suggested)
    if not mapping.column_mapping:
        return [], []
    mapper = RowMapper(
        record.kind, record.columns, mapping.column_mapping, mapping.transforms,
        lambda row: (), wells, today,
    )  # fmt: skip
    rows: list[PreviewRow] = []
    problems: list[PreviewProblem] = []
    for line in sample:
        try:
            mapped = mapper.map_row(line.values)
        except RowRejectedError as exc:
            problems.append(PreviewProblem(line.line, exc.field, exc.reason))
            continue
        if len(rows) < PREVIEW_ROWS:
            rows.append(PreviewRow(line.line, json_row(mapped)))
    return rows, problems
