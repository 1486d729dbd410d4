"""Report rows as downloads: CSV (UTF-8, header row) and XLSX (openpyxl, one sheet);
report documents as PDF (fpdf2).

The routes decide what the rows are; this only renders them. Values are written as
text exactly as the reports hold them (decimals stay exact).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Response

from shared.core.compliance.model.documents import ReportDocument

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
_FORMULA_START = ("=", "+", "-", "@")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # a spreadsheet would run text starting like a formula (CSV injection)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    return columns


def csv_bytes(rows: Sequence[Mapping[str, Any]]) -> bytes:
    buffer = io.StringIO()
    columns = _columns(rows)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: Sequence[Mapping[str, Any]], title: str) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]  # only on export

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    columns = _columns(rows)
    sheet.append(columns)
    for row in rows:
        sheet.append([_cell(row.get(column)) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(rows: Sequence[Mapping[str, Any]], stem: str, format_: str) -> Response:
    if format_ == "xlsx":
        body, media, suffix = xlsx_bytes(rows, stem), XLSX_TYPE, "xlsx"
    else:
        body, media, suffix = csv_bytes(rows), CSV_TYPE, "csv"
    disposition = f'attachment; filename="{stem}.{suffix}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


def pdf_download(document: ReportDocument, stem: str) -> Response:
    """The document as a PDF attachment (fpdf2 through ``shared/adapters/pdf``)."""
    from shared.adapters.pdf.render import render_pdf  # fpdf2 loads on first PDF only

    disposition = f'attachment; filename="{stem}.pdf"'
    return Response(
        render_pdf(document), media_type=PDF_TYPE, headers={"Content-Disposition": disposition}
    )
