"""Mapped rows held as columns: what a chunk mapped a column at a time hands the load.

It is a sequence of dicts like any mapped chunk (the dicts are built on first use
of a row, all at once), and the SQL load reads `columns` instead, so a chunk goes
from the source's tuples to the COPY text without a dict per row.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import repeat
from typing import Any, overload


class ColumnRows(Sequence[dict[str, Any]]):
    def __init__(self, columns: Mapping[str, list[Any]], size: int) -> None:
        self.columns = dict(columns)
        """Field name -> its values, one per row, in the order of the rows."""
        self._size = size
        self._rows: list[dict[str, Any]] | None = None

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | Sequence[dict[str, Any]]:
        return self.as_dicts()[index]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.as_dicts())

    def as_dicts(self) -> list[dict[str, Any]]:
        """One dict per row (keys in the order of `columns`), built once."""
        if self._rows is None:
            names = list(self.columns)
            values = zip(*self.columns.values(), strict=True)
            self._rows = list(map(dict, map(zip, repeat(names), values)))
        return self._rows
