"""COPY's text format as the bulk writer encodes it, a column at a time."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from shared.adapters.sql.bulk import _encode


def test_columns_of_one_type_mixed_types_and_missing_keys_encode_as_copy_text() -> None:
    when = datetime(2024, 1, 1, 6, 30, tzinfo=UTC)
    rows = [
        {"f": 1.5, "i": 3, "b": True, "d": date(2024, 1, 2), "t": when, "s": "a\tb\\c\nd"},
        {"f": -0.0, "i": None, "b": False, "d": None, "t": when, "s": None},
        {"f": float("nan"), "i": True, "b": None, "d": date(2024, 1, 2), "t": None},
    ]
    assert _encode(rows, ["f", "i", "b", "d", "t", "s", "u"]).decode().splitlines() == [
        "1.5\t3\tt\t2024-01-02\t2024-01-01T06:30:00+00:00\ta\\tb\\\\c\\nd\t\\N",
        "-0.0\t\\N\tf\t\\N\t2024-01-01T06:30:00+00:00\t\\N\t\\N",
        "nan\tt\t\\N\t2024-01-02\t\\N\t\\N\t\\N",
    ]


def test_plain_text_and_uuids_pass_as_they_are() -> None:
    ids = [uuid.UUID(int=n) for n in range(3)]
    rows = [{"id": ids[n], "name": f"well {n}"} for n in range(3)]
    assert _encode(rows, ["id", "name"]) == b"".join(
        f"{ids[n]}\twell {n}\n".encode() for n in range(3)
    )
