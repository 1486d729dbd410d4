"""Encoding buffer rows into signed reading-batch messages, version 1 or 2.

Version 1 is `shared.core.scada.model.contract` (floats only); this module writes exactly the
bytes `contract.build_batch` would, straight from buffer rows (columns by `zip`, no
object per reading). Version 2 (spec in edge_gateway/README.md, "Envelope version 2")
adds the OPC-UA type of each value, carries integers, booleans, strings and
enumerations losslessly and flags backfilled readings one by one. The gateway sends
version 2; `WELLOS_GATEWAY_ENVELOPE_VERSION=1` falls back to version 1 for a platform
whose drain predates it. Strings longer than the drain's `MAX_TEXT_CHARS` are cut to
it and NUL characters dropped, so one odd value never gets a whole batch rejected.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from edge_gateway.buffer import Row
from shared.core.scada.model.contract import MAX_TEXT_CHARS

_UINT64 = 9
_STRING = 12
ENCODING_V1 = "gzip+json-columns"
ENCODING_V2 = "gzip+json-columns-v2"
ENUMERATION = 29
"""`vt` of an enumeration value (the Enumeration DataType id; the wire type is Int32)."""


@dataclass(frozen=True)
class EnvelopeHeader:
    tenant_id: uuid.UUID
    gateway_id: uuid.UUID
    batch_id: uuid.UUID
    sequence: int
    historical: bool
    created_at: datetime | None = None


def _compress(columns: dict[str, list[Any]]) -> str:
    raw = json.dumps(columns, separators=(",", ":"), allow_nan=False).encode()
    return base64.b64encode(gzip.compress(raw, compresslevel=6)).decode()


def payload_v1(rows: Sequence[Row]) -> str:
    tags, times, servers, values, statuses = list(zip(*rows, strict=True))[:5] or ([],) * 5
    columns: dict[str, list[Any]] = {"tag": list(tags), "t": list(times), "st": list(servers),
                                     "v": list(values), "q": list(statuses)}  # fmt: skip
    return _compress(columns)


def v2_value(row: Row) -> tuple[int, Any]:
    """(type id, JSON value) of a row: the raw value where the float is not exact."""
    kind = 11 if row[5] is None else row[5]
    raw = row[6]
    if raw is None:
        return kind, row[3]
    if kind == _UINT64 and isinstance(raw, str):
        return kind, int(raw)  # stored as text beyond SQLite's signed 64 bits
    if kind == _STRING and isinstance(raw, str) and (len(raw) > MAX_TEXT_CHARS or "\x00" in raw):
        return kind, raw.replace("\x00", "")[:MAX_TEXT_CHARS]
    return kind, raw


def payload_v2(rows: Sequence[Row], historical: Sequence[int]) -> str:
    typed = [v2_value(row) for row in rows]
    columns: dict[str, list[Any]] = {
        "tag": [r[0] for r in rows], "t": [r[1] for r in rows], "st": [r[2] for r in rows],
        "vt": [k for k, _ in typed], "v": [v for _, v in typed], "q": [r[4] for r in rows],
        "h": list(historical),
    }  # fmt: skip
    return _compress(columns)


def _signing_input(version: int, header: EnvelopeHeader, created: str, count: int,
                   encoding: str, payload: str) -> bytes:  # fmt: skip
    digest = hashlib.sha256(payload.encode()).hexdigest()
    parts = (
        str(version), str(header.tenant_id), str(header.gateway_id), str(header.batch_id),
        str(header.sequence), created, "1" if header.historical else "0", str(count),
        encoding, digest,
    )  # fmt: skip
    return "\n".join(parts).encode()


def _message(version: int, header: EnvelopeHeader, count: int, encoding: str,
             payload: str, secret: bytes) -> bytes:  # fmt: skip
    created = (header.created_at or datetime.now(UTC)).astimezone(UTC).isoformat()
    signing = _signing_input(version, header, created, count, encoding, payload)
    body = {
        "v": version, "tenant_id": str(header.tenant_id), "gateway_id": str(header.gateway_id),
        "batch_id": str(header.batch_id), "sequence": header.sequence, "created_at": created,
        "historical": header.historical, "count": count, "encoding": encoding,
        "payload": payload, "signature": hmac.new(secret, signing, hashlib.sha256).hexdigest(),
    }  # fmt: skip
    return json.dumps(body, separators=(",", ":")).encode()


def encode_v1(header: EnvelopeHeader, rows: Sequence[Row], secret: bytes) -> bytes:
    """The version 1 message body (what `contract.build_batch` builds) for `rows`."""
    return _message(1, header, len(rows), ENCODING_V1, payload_v1(rows), secret)


def encode_v2(
    header: EnvelopeHeader, rows: Sequence[Row], historical: Sequence[int], secret: bytes
) -> bytes:
    """The version 2 message body; `historical` flags each row (1 = backfilled)."""
    return _message(2, header, len(rows), ENCODING_V2, payload_v2(rows, historical), secret)


def decode_v2(body: bytes, secret: bytes) -> list[tuple[int, int, int | None, int, Any, int, int]]:
    """Verify and decode a version 2 body: (tag, t, st, vt, value, q, h) per reading.

    The reference reader for the spec (and the tests); the drain will have its own.
    """
    envelope = json.loads(body)
    if envelope.get("v") != 2 or envelope.get("encoding") != ENCODING_V2:
        raise ValueError("not a version 2 envelope")
    header = EnvelopeHeader(
        uuid.UUID(envelope["tenant_id"]), uuid.UUID(envelope["gateway_id"]),
        uuid.UUID(envelope["batch_id"]), int(envelope["sequence"]), bool(envelope["historical"]),
    )  # fmt: skip
    signing = _signing_input(2, header, envelope["created_at"], int(envelope["count"]),
                             ENCODING_V2, envelope["payload"])  # fmt: skip
    expected = hmac.new(secret, signing, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, envelope["signature"]):
        raise ValueError("bad signature")
    columns = json.loads(gzip.decompress(base64.b64decode(envelope["payload"], validate=True)))
    names = ("tag", "t", "st", "vt", "v", "q", "h")
    if {len(columns[name]) for name in names} != {int(envelope["count"])}:
        raise ValueError("columns do not all hold count readings")
    return list(zip(*(columns[name] for name in names), strict=True))
