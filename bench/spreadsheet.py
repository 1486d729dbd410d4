"""Spreadsheet parsing: header de-duplication, and rows/s of the bounded CSV and XLSX readers.

    .venv/bin/python bench/spreadsheet.py [--rows 100000] [--columns 20000]

Prints, with no database:
- `headers`: `unique_headers` over `--columns` columns of only 7 distinct names
  (every column a duplicate: the case that took 30 s at 2,400 columns when the
  de-duplication was quadratic), and over 2,400 columns; with a linear rule the
  per-column time stays flat as the count grows.
- `csv` / `xlsx`: rows/s of `open_sheet` over a sheet of `--rows` rows of 6
  columns; `openpyxl` is the read-only openpyxl reader the import used before
  (the baseline).
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from datetime import date, timedelta

from openpyxl import Workbook, load_workbook

from shared.core.etl.model.spreadsheets.limits import SheetLimits
from shared.core.etl.model.spreadsheets.reader import open_sheet, unique_headers


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def rows(count: int) -> list[list[object]]:
    start = date(2015, 1, 1)
    return [
        [f"42-501-{n % 500:05d}", start + timedelta(days=n // 500), 10.5 + n % 7, 200 + n % 50,
         1.25, f"ticket {n}"]
        for n in range(count)
    ]  # fmt: skip


def as_csv(data: list[list[object]]) -> bytes:
    lines = ["API,Date,Oil (bbl),Gas (mcf),Water (bbl),Notes\n"]
    lines += [",".join(str(value) for value in row) + "\n" for row in data]
    return "".join(lines).encode()


def as_xlsx(data: list[list[object]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["API", "Date", "Oil (bbl)", "Gas (mcf)", "Water (bbl)", "Notes"])
    for row in data:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(data: bytes, name: str) -> int:
    with open_sheet(io.BytesIO(data), name, SheetLimits()) as sheet:
        return sum(1 for _ in sheet.rows)


def read_openpyxl(data: bytes) -> int:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)) - 1
    finally:
        book.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--columns", type=int, default=20_000)
    args = parser.parse_args()
    figures: dict[str, float] = {}
    for columns in (2_400, args.columns):
        names = [f"c{n % 7}" for n in range(columns)]
        seconds = timed(lambda names=names: unique_headers(names))
        figures[f"headers_{columns}_ms"] = seconds * 1000
        print(f"headers  {columns:>7,} columns  {seconds * 1000:9.1f} ms")
    data = rows(args.rows)
    csv_bytes, xlsx_bytes = as_csv(data), as_xlsx(data)
    for label, action in (
        ("csv", lambda: read(csv_bytes, "x.csv")),
        ("xlsx", lambda: read(xlsx_bytes, "x.xlsx")),
        ("openpyxl", lambda: read_openpyxl(xlsx_bytes)),
    ):
        seconds = timed(action)
        figures[f"{label}_rows_per_s"] = args.rows / seconds
        print(f"{label:<8} {args.rows:>7,} rows     {args.rows / seconds:12,.0f} rows/s")
    figures["xlsx_vs_openpyxl"] = figures["xlsx_rows_per_s"] / figures["openpyxl_rows_per_s"]
    print(" ".join(f"{key}={value:.3g}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
