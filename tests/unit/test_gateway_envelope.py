"""Envelope versions: v1 bytes the current drain accepts, v2 typed values (lossless)."""

import math
import uuid
from datetime import UTC, datetime

import pytest
from asyncua import ua

from edge_gateway.batching import BatchCutter, BatchLimits, Identity
from edge_gateway.buffer import ReadingBuffer
from edge_gateway.envelope import ENUMERATION, EnvelopeHeader, decode_v2, encode_v1, encode_v2
from edge_gateway.opc.convert import to_row
from shared.core.scada.model.contract import (
    Reading,
    build_batch,
    parse_envelope,
    verify_and_decode,
)

SECRET = b"secret"
HEADER = EnvelopeHeader(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), 7, False,
                        datetime(2026, 5, 1, 12, 0, 0, 250000, tzinfo=UTC))  # fmt: skip
SOURCE = datetime(2026, 5, 1, 11, 59, 59, 123456, tzinfo=UTC)
T = 1_777_636_799_123_456


def _value(variant: ua.Variant) -> ua.DataValue:
    return ua.DataValue(variant, ua.StatusCode(0), SOURCE, SOURCE)


TYPED = [
    ua.Variant(173, ua.VariantType.Int32),
    ua.Variant(2**63 - 1, ua.VariantType.Int64),
    ua.Variant(2**64 - 1, ua.VariantType.UInt64),
    ua.Variant(True, ua.VariantType.Boolean),
    ua.Variant("pump off", ua.VariantType.String),
    ua.Variant(0.1, ua.VariantType.Double),
    ua.Variant(math.nan, ua.VariantType.Double),
    ua.Variant(-math.inf, ua.VariantType.Float),
]


def test_v1_is_byte_for_byte_what_the_contract_builds():
    rows = [(3, T, T + 5, 451.5, 0, 11, None), (4, T + 1, None, None, 0x808C0000, 11, None)]
    readings = [Reading(3, T, T + 5, 451.5, 0), Reading(4, T + 1, None, None, 0x808C0000)]
    ours = encode_v1(HEADER, rows, SECRET)
    theirs = build_batch(
        tenant_id=HEADER.tenant_id, gateway_id=HEADER.gateway_id, batch_id=HEADER.batch_id,
        sequence=7, readings=readings, secret=SECRET, created_at=HEADER.created_at,
    )  # fmt: skip
    assert verify_and_decode(parse_envelope(ours), SECRET).readings == readings
    assert parse_envelope(ours) == parse_envelope(theirs)


def test_v1_carries_integers_and_booleans_as_floats_and_strings_as_null():
    rows = [to_row(i + 1, _value(v)) for i, v in enumerate(TYPED)]
    decoded = verify_and_decode(parse_envelope(encode_v1(HEADER, rows, SECRET)), SECRET)
    values = [r.value for r in decoded.readings]
    assert values[:4] == [173.0, float(2**63 - 1), float(2**64 - 1), 1.0]
    assert values[4] is None and values[5] == 0.1 and values[6] is None and values[7] is None


def test_v2_carries_every_type_losslessly_with_its_opc_ua_type():
    rows = [to_row(i + 1, _value(v)) for i, v in enumerate(TYPED)]
    body = encode_v2(HEADER, rows, [0, 0, 0, 0, 0, 1, 1, 1], SECRET)
    decoded = decode_v2(body, SECRET)
    assert [(vt, v) for _, _, _, vt, v, _, _ in decoded] == [
        (6, 173), (8, 2**63 - 1), (9, 2**64 - 1), (1, True), (12, "pump off"), (11, 0.1),
        (11, "NaN"), (10, "-Infinity"),
    ]  # fmt: skip
    assert all(t == T and st == T for _, t, st, *_ in decoded)
    assert [h for *_, h in decoded] == [0, 0, 0, 0, 0, 1, 1, 1]


def test_v2_refuses_a_tampered_body():
    body = encode_v2(HEADER, [to_row(1, _value(TYPED[0]))], [0], SECRET)
    with pytest.raises(ValueError, match="signature"):
        decode_v2(body.replace(b'"sequence":7', b'"sequence":8'), SECRET)


def test_typed_values_survive_the_disk_buffer_into_v2_batches(tmp_path):
    # GIVEN typed rows stored in the buffer (SQLite would turn NaN into NULL)
    buffer = ReadingBuffer(tmp_path / "b.db", 10**9, "NORMAL")
    rows = [to_row(i + 1, _value(v)) for i, v in enumerate(TYPED)]
    rows.append((99, T, T, None, 0, ENUMERATION, 3))
    buffer.append_rows(rows)
    identity = Identity(HEADER.tenant_id, HEADER.gateway_id, SECRET, envelope_version=2)
    limits = BatchLimits(100, 0.0, 200_000)
    # WHEN they are cut into a version 2 batch
    BatchCutter(buffer, lambda: identity, lambda: limits, lambda: False).cut_ready(force=True)
    (stored,) = buffer.unsent(10)
    # THEN every value keeps its type
    values = [(vt, v) for _, _, _, vt, v, _, _ in decode_v2(stored.body, SECRET)]
    assert values[:5] == [(6, 173), (8, 2**63 - 1), (9, 2**64 - 1), (1, True), (12, "pump off")]
    assert values[6:] == [(11, "NaN"), (10, "-Infinity"), (ENUMERATION, 3)]
    buffer.close()


def test_backfilled_and_live_readings_never_share_a_batch(tmp_path):
    buffer = ReadingBuffer(tmp_path / "b.db", 10**9, "NORMAL")
    live = [(1, T + i, None, float(i), 0, 11, None) for i in range(3)]
    history = [(1, T - 10 + i, None, float(i), 0, 11, None) for i in range(2)]
    buffer.append_rows(live, history)
    buffer.append_rows(live[:1])
    identity = Identity(HEADER.tenant_id, HEADER.gateway_id, SECRET)
    limits = BatchLimits(100, 0.0, 200_000)
    BatchCutter(buffer, lambda: identity, lambda: limits, lambda: False).cut_ready(force=True)
    batches = [verify_and_decode(parse_envelope(b.body), SECRET) for b in buffer.unsent(10)]
    assert [(b.envelope.historical, b.envelope.count) for b in batches] == [
        (False, 3), (True, 2), (False, 1),
    ]  # fmt: skip
    assert buffer.marks() == {1: T + 2}
    buffer.close()
