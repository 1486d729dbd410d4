"""Render a ``ReportDocument`` as a PDF with fpdf2's core Helvetica font.

Landscape A4 so nine columns of money fit; the text stays real text (a filer can
search and copy it, and the tests read it back). The core fonts hold Latin-1
only: other characters become ``?`` rather than failing the download. Columns
share the page width in proportion to their longest cell.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from shared.core.compliance.model.documents import ReportDocument, Table

if TYPE_CHECKING:
    from fpdf import FPDF

LINE_MM = 6.0
FONT = "Helvetica"


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def _widths(table: Table, usable: float) -> list[float]:
    cells = [table.columns, *table.rows, *([table.totals] if table.totals else [])]
    longest = [max(len(row[i]) for row in cells) + 2 for i in range(len(table.columns))]
    total = sum(longest)
    return [usable * n / total for n in longest]


def render_pdf(document: ReportDocument, produced_at: datetime | None = None) -> bytes:
    from fpdf import FPDF  # only on PDF export

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(_latin1(document.title))
    pdf.set_creator("WellOS")
    if produced_at is not None:
        pdf.set_creation_date(produced_at)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 9, _latin1(document.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    for label, value in document.facts:
        pdf.cell(0, LINE_MM, _latin1(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    for table in document.tables:
        pdf.ln(3)
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(0, LINE_MM, _latin1(table.heading), new_x="LMARGIN", new_y="NEXT")
        widths = _widths(table, usable)
        pdf.set_font(FONT, "B", 8)
        _row(pdf, table.columns, widths, table, fill=True)
        pdf.set_font(FONT, "", 8)
        for row in table.rows:
            _row(pdf, row, widths, table)
        if table.totals is not None:
            pdf.set_font(FONT, "B", 8)
            _row(pdf, table.totals, widths, table)
        if not table.rows:
            pdf.set_font(FONT, "I", 8)
            pdf.cell(0, LINE_MM, "(none)", new_x="LMARGIN", new_y="NEXT")
    if document.notes:
        pdf.ln(3)
        pdf.set_font(FONT, "", 8)
        for note in document.notes:
            pdf.multi_cell(0, 5, _latin1(note), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _row(
    pdf: FPDF, cells: tuple[str, ...], widths: list[float], table: Table, fill: bool = False
) -> None:
    for i, (text, width) in enumerate(zip(cells, widths, strict=True)):
        align = "R" if i in table.numeric else "L"
        pdf.cell(width, LINE_MM, _latin1(text), border=1, align=align, fill=fill)
    pdf.ln(LINE_MM)
