"""Decoding reading batches into checked columns (the drain's fast path)."""

from __future__ import annotations

import base64
import gzip
import json
import tracemalloc
import uuid
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.core.scada.model import columns as columns_module
from shared.core.scada.model.columns import (
    ReadingColumns,
    decode_columns,
    verify_and_decode_columns,
)
from shared.core.scada.model.contract import (
    MAX_READINGS_PER_BATCH,
    BatchRejectedError,
    Reading,
    build_batch,
    inflate_payload,
    parse_envelope,
    payload_cap,
    sign,
    verify_and_decode,
)
from tests.bombs import gzip_bomb

SECRET = b"k" * 64
AT = 1_780_000_000_000_000


def envelope_of(readings: list[Reading], secret: bytes = SECRET):
    body = build_batch(
        tenant_id=uuid.uuid4(),
        gateway_id=uuid.uuid4(),
        batch_id=uuid.uuid4(),
        sequence=7,
        readings=readings,
        secret=secret,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return parse_envelope(body)


def payload(columns: dict) -> str:
    raw = json.dumps(columns).encode()
    return base64.b64encode(gzip.compress(raw)).decode()


def test_columns_hold_what_the_reading_objects_hold():
    # GIVEN a batch with nulls and a Bad status code
    readings = [
        Reading(3, AT, AT + 5, 12.5, 0),
        Reading(1, AT + 1, None, None, 0x80340000),
        Reading(2, AT + 2, AT + 7, -1.0, 0x40000000),
    ]
    envelope = envelope_of(readings)
    # WHEN it is decoded both ways
    columns = verify_and_decode_columns(envelope, SECRET).columns
    objects = verify_and_decode(envelope, SECRET).readings
    # THEN the columns agree with the objects, nulls flagged, status bits kept in int32
    assert columns.tag_id.tolist() == [r.tag_id for r in objects]
    assert columns.ts_us.tolist() == [r.source_ts_us for r in objects]
    assert columns.server_ts_missing.tolist() == [False, True, False]
    assert np.isnan(columns.value).tolist() == [False, True, False]
    assert (columns.status.view(np.uint32)).tolist() == [0, 0x80340000, 0x40000000]
    assert columns.status.tolist()[1] < 0


def test_sorting_puts_rows_in_index_order():
    columns = decode_columns(
        payload({"tag": [2, 1, 2, 1], "t": [20, 30, 10, 5], "st": [None] * 4,
                 "v": [1, 2, 3, 4], "q": [0] * 4}),
        4,
    )  # fmt: skip
    ordered = columns.sorted_by_tag_and_time()
    assert list(zip(ordered.tag_id.tolist(), ordered.ts_us.tolist(), strict=True)) == [
        (1, 5), (1, 30), (2, 10), (2, 20)
    ]  # fmt: skip
    assert ordered.value.tolist() == [4.0, 2.0, 3.0, 1.0]
    both = ReadingColumns.concat([columns, ordered])
    assert len(both) == 8 and both.tag_ids() == {1, 2}


def test_a_forged_signature_is_rejected_before_decoding():
    envelope = envelope_of([Reading(1, AT, None, 1.0)], secret=b"other")
    with pytest.raises(BatchRejectedError) as caught:
        verify_and_decode_columns(envelope, SECRET)
    assert caught.value.reason == "bad_signature"


GOOD = {"tag": [1], "t": [AT], "st": [None], "v": [1.0], "q": [0]}


@pytest.mark.parametrize(
    "changes",
    [
        {"tag": ["1"]},
        {"tag": [1.5]},
        {"tag": [0]},
        {"tag": [2**31]},
        {"t": [10**18]},
        {"t": [None]},
        {"st": ["x"]},
        {"v": ["many"]},
        {"v": [[1.0]]},
        {"q": [2**32]},
        {"q": [-1]},
        {"tag": [1, 2]},
        {"tag": {"a": 1}},
    ],
)
def test_wrong_values_reject_the_batch(changes):
    with pytest.raises(BatchRejectedError) as caught:
        decode_columns(payload({**GOOD, **changes}), 1)
    assert caught.value.reason == "invalid_payload"


NOT_GZIP = base64.b64encode(b"not gzip").decode()
NOT_A_BATCH = base64.b64encode(gzip.compress(b"[1,2]", mtime=0)).decode()  # mtime 0: stable ids


@pytest.mark.parametrize("body", ["not base64!", NOT_GZIP, NOT_A_BATCH])
def test_undecodable_payloads_reject_the_batch(body):
    with pytest.raises(BatchRejectedError) as caught:
        decode_columns(body, 1)
    assert caught.value.reason == "invalid_payload"


def test_non_finite_values_become_nulls():
    columns = decode_columns(payload({**GOOD, "v": [float("inf")]}), 1)
    assert np.isnan(columns.value).tolist() == [True]


def test_a_payload_that_inflates_past_the_cap_is_rejected_without_inflating_it():
    # GIVEN a ~100 KB payload that would inflate to 96 MB
    bomb = gzip_bomb(96 * 1024 * 1024)
    assert len(bomb) < 200_000
    # WHEN it is decoded (as the drain does), tracing memory
    tracemalloc.start()
    try:
        with pytest.raises(BatchRejectedError) as caught:
            decode_columns(bomb, 3)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # THEN it is rejected naming the cap for three readings, and never held in memory
    assert caught.value.reason == "payload_too_large"
    assert f"more than {payload_cap(3):,} bytes" in caught.value.description
    assert peak < 8 * 1024 * 1024
    # AND the slow path refuses it the same way
    envelope = envelope_of([Reading(1, AT, None, 1.0)] * 3)
    envelope = envelope.model_copy(update={"payload": bomb})
    envelope = envelope.model_copy(update={"signature": sign(envelope, SECRET)})
    with pytest.raises(BatchRejectedError) as slow:
        verify_and_decode(envelope, SECRET)
    assert slow.value.reason == "payload_too_large"


def test_the_largest_honest_batch_fits_under_the_cap():
    # GIVEN the most readings a batch may hold, every value as long as JSON makes it
    widest = Reading(2**31 - 1, -2_208_988_800_000_000, -2_208_988_800_000_000,
                     -1.2345678901234567e-300, 2**32 - 1)  # fmt: skip
    readings = [widest] * MAX_READINGS_PER_BATCH
    # WHEN it is built and decoded
    envelope = envelope_of(readings)
    columns = decode_columns(envelope.payload, envelope.count)
    # THEN every reading comes through
    assert len(columns) == MAX_READINGS_PER_BATCH


def test_a_payload_of_two_gzip_members_decodes_and_deep_nesting_is_rejected():
    raw = json.dumps(GOOD).encode()
    two_members = gzip.compress(raw[:10]) + gzip.compress(raw[10:])
    columns = decode_columns(base64.b64encode(two_members).decode(), 1)
    assert columns.tag_id.tolist() == [1]
    nested = base64.b64encode(gzip.compress(b"[" * 20_000 + b"]" * 20_000)).decode()
    with pytest.raises(BatchRejectedError) as caught:
        decode_columns(nested, 1000)
    assert caught.value.reason == "invalid_payload"


def compact(text: str) -> str:
    return base64.b64encode(gzip.compress(text.encode(), mtime=0)).decode()


def decoded_both_ways(monkeypatch, text: str, count: int):
    """decode_columns with the compact reader and with json alone: columns or a rejection."""

    def decode():
        try:
            c = decode_columns(compact(text), count)
        except BatchRejectedError as rejected:
            return rejected.reason
        return [c.tag_id.tolist(), c.ts_us.tolist(), c.server_ts_us.tolist(),
                c.server_ts_missing.tolist(), np.nan_to_num(c.value, nan=-7.5).tolist(),
                c.status.tolist()]  # fmt: skip

    fast = decode()
    with monkeypatch.context() as m:
        m.setattr(columns_module, "_load_compact_v1", lambda text, count: None)
        slow = decode()
    return fast, slow


def test_the_gateways_own_layout_takes_the_compact_reader():
    readings = [Reading(7, -AT, AT + 1, 2.5, 0x80000000), Reading(1, 0, AT, None, 0)]
    text = inflate_payload(envelope_of(readings).payload, 2)
    read = columns_module._load_compact_v1(text, 2)
    assert read is not None and read["t"].tolist() == [-AT, 0] and read["v"] == [2.5, None]


LAYOUT = '{{"tag":[{tag}],"t":[{t}],"st":[{st}],"v":[{v}],"q":[{q}]}}'
GOOD_TWO = {"tag": "1,2", "t": f"{AT},-5", "st": f"{AT},0", "v": "1.5,null", "q": "0,4294967295"}


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"tag": "01,2"},
        {"t": "-0,5"},
        {"t": "00,5"},
        {"t": "1-2,5"},
        {"t": "--1,5"},
        {"t": "1,,5"},
        {"t": ",1,5"},
        {"t": "1,5,"},
        {"t": "1,-"},
        {"t": "1,-,5"},
        {"t": "9223372036854775808,1"},
        {"t": "99999999999999999999,1"},
        {"t": "1e3,1"},
        {"t": "1, 2"},
        {"st": "null,1"},
        {"q": '0,1],"q":[1,2'},
        {"v": '1],"q":[0,0],"v":[2,3'},
        {"v": "1,[2]"},
        {"v": "1"},
        {"tag": "1"},
        {"q": "0,4294967296"},
    ],
    ids=lambda changes: ";".join(f"{k}={v}" for k, v in changes.items()) or "good",
)
def test_the_compact_reader_decides_as_json_does(monkeypatch, changes):
    text = LAYOUT.format(**{**GOOD_TWO, **changes})
    fast, slow = decoded_both_ways(monkeypatch, text, 2)
    assert fast == slow


@given(
    st.lists(
        st.tuples(
            st.integers(-(2**63), 2**63), st.integers(-(10**19), 10**19), st.integers(0, 2**32)
        ),
        min_size=1,
        max_size=30,
    )
)
def test_any_integers_decode_as_json_reads_them(rows):
    text = json.dumps(
        {"tag": [r[2] for r in rows], "t": [r[1] for r in rows], "st": [r[0] for r in rows],
         "v": [float(r[2]) for r in rows], "q": [r[2] for r in rows]},
        separators=(",", ":"),
    )  # fmt: skip
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = decoded_both_ways(monkeypatch, text, len(rows))
    assert fast == slow
