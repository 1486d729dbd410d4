"""The drain's decoder for both envelope versions: typed values, backfill flags, hostile input."""

from __future__ import annotations

import base64
import gzip
import json
import math
import uuid
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from asyncua import ua

from edge_gateway.envelope import ENCODING_V2, EnvelopeHeader, encode_v1, encode_v2
from edge_gateway.opc.convert import to_row
from shared.core.scada.model.columns import (
    VT_DOUBLE,
    ReadingColumns,
    verify_and_decode_columns,
)
from shared.core.scada.model.contract import (
    MAX_TEXT_CHARS,
    BatchRejectedError,
    ReadingBatchEnvelope,
    parse_envelope,
    payload_cap,
    sign,
)
from tests.bombs import gzip_bomb

SECRET = b"s" * 32
T = 1_777_636_799_123_456
SOURCE = datetime(2026, 5, 1, 11, 59, 59, 123456, tzinfo=UTC)


def header(historical: bool = False) -> EnvelopeHeader:
    return EnvelopeHeader(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), 3, historical,
                          datetime(2026, 5, 1, 12, tzinfo=UTC))  # fmt: skip


def decode(body: bytes) -> ReadingColumns:
    return verify_and_decode_columns(parse_envelope(body), SECRET).columns


def signed_v2(
    columns: dict[str, list[Any]], count: int | None = None, payload: str | None = None
) -> bytes:
    """A correctly signed version 2 envelope around hand-made payload columns."""
    raw = json.dumps(columns).encode()
    unsigned = ReadingBatchEnvelope(
        v=2,
        tenant_id=uuid.uuid4(),
        gateway_id=uuid.uuid4(),
        batch_id=uuid.uuid4(),
        sequence=1,
        created_at=datetime(2026, 5, 1, tzinfo=UTC),
        count=count if count is not None else len(columns["tag"]),
        encoding=ENCODING_V2,
        payload=payload or base64.b64encode(gzip.compress(raw)).decode(),
        signature="0" * 64,
    )
    signed = unsigned.model_copy(update={"signature": sign(unsigned, SECRET)})
    return signed.model_dump_json().encode()


def one(vt: int, value: Any) -> dict[str, list[Any]]:
    return {"tag": [1], "t": [T], "st": [None], "vt": [vt], "v": [value], "q": [0], "h": [0]}


def rejection(body: bytes) -> BatchRejectedError:
    with pytest.raises(BatchRejectedError) as caught:
        decode(body)
    return caught.value


def test_a_gateway_v2_batch_keeps_every_type():
    # GIVEN the gateway's own rows for an Int32, a UInt64 beyond 2^53, a Boolean, a String,
    # an enumeration number, a Double and a NaN, one of them backfilled
    variants = [
        ua.Variant(173, ua.VariantType.Int32),
        ua.Variant(2**64 - 1, ua.VariantType.UInt64),
        ua.Variant(True, ua.VariantType.Boolean),
        ua.Variant("pump off", ua.VariantType.String),
        ua.Variant(0.1, ua.VariantType.Double),
        ua.Variant(math.nan, ua.VariantType.Double),
    ]
    rows = [to_row(i + 1, ua.DataValue(v, ua.StatusCode(0), SOURCE, SOURCE))
            for i, v in enumerate(variants)]  # fmt: skip
    rows.append((7, T, None, 2.0, 0, 29, 2))  # an enumeration's value 2, as subscription.py
    body = encode_v2(header(), rows, [0, 0, 0, 0, 0, 0, 1], SECRET)
    # WHEN the drain decodes it
    columns = decode(body)
    # THEN each reading keeps its type, its exact value and its backfill flag
    assert columns.value_type.tolist() == [6, 9, 1, 12, 11, 11, 29]
    assert columns.value[[0, 2, 4, 6]].tolist() == [173.0, 1.0, 0.1, 2.0]
    assert columns.text is not None
    assert columns.text.tolist() == [None, str(2**64 - 1), None, "pump off", None, "NaN", None]
    assert np.isnan(columns.value[[3, 5]]).all()
    assert columns.historical.tolist() == [False] * 6 + [True]


def test_v1_batches_still_decode_as_doubles_and_carry_their_batch_flag():
    # GIVEN a version 1 batch the gateway flagged historical
    rows = [(3, T, T + 5, 451.5, 0, 11, None), (4, T + 1, None, None, 0x808C0000, 11, None)]
    columns = decode(encode_v1(header(historical=True), rows, SECRET))
    # THEN its values are Doubles and every reading is flagged backfilled
    assert columns.value_type.tolist() == [VT_DOUBLE, VT_DOUBLE]
    assert columns.value[0] == 451.5 and math.isnan(columns.value[1])
    assert columns.historical.tolist() == [True, True]
    assert columns.text is None


def test_an_all_double_v2_batch_needs_no_text_column():
    body = signed_v2({"tag": [1, 2], "t": [T, T], "st": [None, T], "vt": [11, 10],
                      "v": [1.5, 2], "q": [0, 0], "h": [0, 0]})  # fmt: skip
    columns = decode(body)
    assert columns.value.tolist() == [1.5, 2.0] and columns.text is None


@pytest.mark.parametrize(
    ("vt", "value"),
    [
        (6, 1.5),  # an Int32 that is not an integer
        (6, True),  # a Boolean passed off as an integer
        (6, 2**31),  # out of Int32's range
        (9, -1),  # a negative UInt64
        (9, 2**64),  # beyond UInt64
        (1, 1),  # a Boolean that is a number
        (11, "12.5"),  # a Double as a string
        (11, True),
        (11, [1.0]),
        (12, 12),  # a String that is a number
        (12, {"a": 1}),
        (0, 5.0),  # a null type with a value
        (29, "running"),  # an enumeration by name: the contract carries its number
        (12, "x" * (MAX_TEXT_CHARS + 1)),  # a string beyond the cap
        (12, "a\x00b"),  # PostgreSQL text cannot hold NUL
        (12, "\ud800"),  # a lone surrogate is not UTF-8
    ],
)
def test_a_value_that_is_not_of_its_type_rejects_the_batch(vt: int, value: Any):
    error = rejection(signed_v2(one(vt, value)))
    assert error.reason == "invalid_payload"


def test_a_string_at_the_cap_is_kept_whole():
    columns = decode(signed_v2(one(12, "é" * MAX_TEXT_CHARS)))
    assert columns.text is not None and columns.text[0] == "é" * MAX_TEXT_CHARS


def test_non_finite_doubles_are_kept_by_name():
    body = signed_v2({"tag": [1, 1, 1], "t": [T, T + 1, T + 2], "st": [None] * 3,
                      "vt": [11, 11, 10], "v": ["NaN", "Infinity", "-Infinity"],
                      "q": [0] * 3, "h": [0] * 3})  # fmt: skip
    columns = decode(body)
    assert np.isnan(columns.value).all()
    assert columns.text is not None
    assert columns.text.tolist() == ["NaN", "Infinity", "-Infinity"]


@pytest.mark.parametrize(
    "change",
    [
        {"vt": [13]},  # an unknown type id
        {"vt": [-1]},
        {"vt": ["11"]},
        {"h": [2]},  # the flag is 0 or 1
        {"h": [True]},
        {"v": "not a list"},
    ],
)
def test_hostile_columns_are_rejected_with_a_reason(change: dict[str, Any]):
    error = rejection(signed_v2({**one(11, 1.0), **change}))
    assert error.reason == "invalid_payload"


def test_a_missing_column_or_a_short_one_is_rejected():
    without_h = {k: v for k, v in one(11, 1.0).items() if k != "h"}
    assert rejection(signed_v2(without_h)).reason == "invalid_payload"
    short = {**one(11, 1.0), "vt": []}
    assert rejection(signed_v2(short)).reason == "invalid_payload"


def test_an_unknown_version_is_dead_lettered_as_such():
    body = json.loads(signed_v2(one(11, 1.0)))
    for version in (3, 0, "2", None):
        with pytest.raises(BatchRejectedError) as caught:
            parse_envelope(json.dumps({**body, "v": version}).encode())
        assert caught.value.reason == "unsupported_version"


def test_a_version_with_the_other_encoding_is_an_invalid_envelope():
    body = json.loads(signed_v2(one(11, 1.0)))
    with pytest.raises(BatchRejectedError) as caught:
        parse_envelope(json.dumps({**body, "v": 1}).encode())
    assert caught.value.reason == "invalid_envelope"


def test_a_v2_envelope_is_signed_over_its_version():
    # GIVEN a v2 body re-labelled as v1 with the v1 encoding (a downgrade)
    body = json.loads(signed_v2(one(11, 1.0)))
    downgraded = json.dumps({**body, "v": 1, "encoding": "gzip+json-columns"}).encode()
    # THEN the signature no longer matches
    assert rejection(downgraded).reason == "bad_signature"


def test_the_gateway_sends_version_2_unless_told_otherwise(tmp_path):
    from edge_gateway.batching import Identity, encode
    from edge_gateway.settings import GatewaySettings

    settings = GatewaySettings(config_file=tmp_path / "gateway.yaml")
    assert settings.envelope_version == 2
    body = encode(Identity(uuid.uuid4(), uuid.uuid4(), SECRET), uuid.uuid4(), 1,
                  [(1, T, None, 1.0, 0, 11, None)], False)  # fmt: skip
    assert parse_envelope(body).v == 2
    fallback = GatewaySettings(config_file=tmp_path / "gateway.yaml", envelope_version=1)
    assert fallback.envelope_version == 1


def test_the_gateway_cuts_a_long_string_so_the_drain_keeps_the_batch():
    # GIVEN a String value far beyond the drain's cap, with a NUL in it
    row = (1, T, None, None, 0, 12, "a\x00" + "b" * (3 * MAX_TEXT_CHARS))
    # WHEN the gateway encodes it and the drain decodes the batch
    columns = decode(encode_v2(header(), [row], [0], SECRET))
    # THEN the reading is kept, cut to the cap and without the NUL
    assert columns.text is not None
    assert columns.text[0] == ("a" + "b" * (3 * MAX_TEXT_CHARS))[:MAX_TEXT_CHARS]


def test_a_v2_payload_inflating_past_its_cap_is_stopped_there():
    # GIVEN a signed v2 batch of one reading whose payload inflates past the v2 cap
    cap = payload_cap(1, version=2)
    body = signed_v2(one(11, 1.0), payload=gzip_bomb(cap + 2**20))
    # THEN it is rejected as too large, naming the cap
    error = rejection(body)
    assert error.reason == "payload_too_large"
    assert f"{cap:,}" in error.description


def test_the_reading_view_of_a_v2_batch_is_version_1s():
    from shared.core.scada.model.contract import verify_and_decode

    rows = [(1, T, None, 173.0, 0, 6, 173), (2, T, None, 1.0, 0, 1, True),
            (3, T, None, None, 0, 12, "pump off"), (4, T, None, None, 0, 11, "NaN")]  # fmt: skip
    readings = verify_and_decode(parse_envelope(encode_v2(header(), rows, [0] * 4, SECRET)), SECRET)
    assert [r.value for r in readings.readings] == [173.0, 1.0, None, None]
