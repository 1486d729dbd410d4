"""The reading-batch message: what an edge gateway sends and the drain accepts.

A batch is one queue message. Its body is JSON (`ReadingBatchEnvelope`) whose
`payload` is base64 of gzip-compressed JSON columns, so 10,000 readings fit the
256 KB Service Bus Standard limit. The gateway signs the envelope with its
secret (HMAC-SHA256 over `signing_input`); the drain recomputes the signature
with the secret of the gateway the envelope names and accepts the batch only
for the tenant that gateway belongs to.

The payload may inflate to at most `payload_cap(count)` bytes (128 per reading
plus 1 KiB; the longest honest reading takes 83). The drain inflates it in a
bounded stream and dead-letters a larger one (`payload_too_large`) without ever
holding more than the cap.

Version 1 payload columns (all the same length):
    tag  - numeric tag id from the tenant's tag mapping (well and tag name live there)
    t    - source timestamp, microseconds since the Unix epoch (UTC)
    st   - server timestamp in microseconds, or null
    v    - value (float) or null (bad quality values may carry no value)
    q    - OPC-UA status code (uint32; 0 = Good)

Version 2 (`v: 2`, encoding `gzip+json-columns-v2`, docs/scada-ingest-envelope.md)
keeps the envelope and signature and adds the columns
    vt   - OPC-UA built-in type id of the value (VALUE_TYPES; 29 = enumeration)
    v    - the value in its own JSON type (integers exact, booleans, strings of at
           most MAX_TEXT_CHARS, "NaN"/"Infinity"/"-Infinity" for non-finite floats)
    h    - 1 for a reading backfilled from the server's history, else 0
Any other `v` is dead-lettered as `unsupported_version`.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import hmac
import json
import math
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

CONTRACT_VERSION: Literal[1] = 1
ENCODING: Literal["gzip+json-columns"] = "gzip+json-columns"
ENCODING_V2: Literal["gzip+json-columns-v2"] = "gzip+json-columns-v2"
SUPPORTED_VERSIONS = {1: ENCODING, 2: ENCODING_V2}
MAX_READINGS_PER_BATCH = 100_000
MAX_PAYLOAD_BYTES_PER_READING = 128
PAYLOAD_OVERHEAD_BYTES = 1024
MAX_TEXT_CHARS = 4096
"""The longest string value a version 2 reading may carry (the gateway truncates)."""
TEXT_ALLOWANCE_BYTES = 16 * 1024 * 1024
"""What a version 2 payload may inflate to beyond `payload_cap`: room for strings."""
_GZIP = 16 + zlib.MAX_WBITS
_MICROS = 1_000_000


@dataclass(frozen=True, slots=True)
class Reading:
    tag_id: int
    source_ts_us: int
    server_ts_us: int | None
    value: float | None
    status: int = 0


class ReadingBatchEnvelope(BaseModel):
    """The queue message body (JSON)."""

    model_config = ConfigDict(extra="forbid")

    v: Literal[1, 2] = CONTRACT_VERSION
    tenant_id: uuid.UUID
    gateway_id: uuid.UUID
    batch_id: uuid.UUID
    sequence: int = Field(ge=0)
    created_at: datetime
    historical: bool = False
    count: int = Field(ge=1, le=MAX_READINGS_PER_BATCH)
    encoding: Literal["gzip+json-columns", "gzip+json-columns-v2"] = ENCODING
    payload: str
    signature: str = Field(pattern=r"^[0-9a-f]{64}$")

    @model_validator(mode="after")
    def _encoding_of_version(self) -> ReadingBatchEnvelope:
        if SUPPORTED_VERSIONS[self.v] != self.encoding:
            raise ValueError(f"version {self.v} is encoded {SUPPORTED_VERSIONS[self.v]!r}")
        return self


@dataclass(frozen=True)
class DecodedBatch:
    envelope: ReadingBatchEnvelope
    readings: list[Reading]


class BatchRejectedError(Exception):
    """A message the drain must dead-letter; `reason` is a short machine-readable code."""

    def __init__(self, reason: str, description: str) -> None:
        super().__init__(f"{reason}: {description}")
        self.reason = reason
        self.description = description


def signing_input(envelope: ReadingBatchEnvelope) -> bytes:
    """The bytes the HMAC covers: every field but the signature, payload by digest."""
    digest = hashlib.sha256(envelope.payload.encode()).hexdigest()
    parts = (
        str(envelope.v),
        str(envelope.tenant_id),
        str(envelope.gateway_id),
        str(envelope.batch_id),
        str(envelope.sequence),
        envelope.created_at.astimezone(UTC).isoformat(),
        "1" if envelope.historical else "0",
        str(envelope.count),
        envelope.encoding,
        digest,
    )
    return "\n".join(parts).encode()


def sign(envelope: ReadingBatchEnvelope, secret: bytes) -> str:
    return hmac.new(secret, signing_input(envelope), hashlib.sha256).hexdigest()


def encode_payload(readings: Sequence[Reading]) -> str:
    columns = {
        "tag": [r.tag_id for r in readings],
        "t": [r.source_ts_us for r in readings],
        "st": [r.server_ts_us for r in readings],
        "v": [r.value for r in readings],
        "q": [r.status for r in readings],
    }
    raw = json.dumps(columns, separators=(",", ":"), allow_nan=False).encode()
    return base64.b64encode(gzip.compress(raw, compresslevel=6)).decode()


def build_batch(
    *,
    tenant_id: uuid.UUID,
    gateway_id: uuid.UUID,
    batch_id: uuid.UUID,
    sequence: int,
    readings: Sequence[Reading],
    secret: bytes,
    created_at: datetime | None = None,
    historical: bool = False,
) -> bytes:
    """The signed message body for `readings` (the gateway side)."""
    unsigned = ReadingBatchEnvelope(
        tenant_id=tenant_id,
        gateway_id=gateway_id,
        batch_id=batch_id,
        sequence=sequence,
        created_at=created_at or datetime.now(UTC),
        historical=historical,
        count=len(readings),
        payload=encode_payload(readings),
        signature="0" * 64,
    )
    signed = unsigned.model_copy(update={"signature": sign(unsigned, secret)})
    return signed.model_dump_json().encode()


def parse_envelope(body: bytes) -> ReadingBatchEnvelope:
    """Validate the envelope only (before the gateway's secret is known)."""
    try:
        return ReadingBatchEnvelope.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first.get("loc", ())
        if tuple(loc) == ("v",) and first.get("type") == "literal_error":
            versions = ", ".join(str(v) for v in SUPPORTED_VERSIONS)
            raise BatchRejectedError(
                "unsupported_version", f"envelope version is not one of {versions}"
            ) from None
        field = ".".join(str(part) for part in loc) or "body"
        raise BatchRejectedError("invalid_envelope", f"{field}: {first.get('msg')}") from None


def verify_and_decode(envelope: ReadingBatchEnvelope, secret: bytes) -> DecodedBatch:
    """Check the signature, then decode and validate the payload columns.

    A `Reading` holds a float: a version 2 batch comes back in version 1's terms
    (integers and booleans as floats, strings and non-finite values as None). The
    drain reads every type with `columns.decode_envelope_columns`.
    """
    if not hmac.compare_digest(sign(envelope, secret), envelope.signature):
        raise BatchRejectedError("bad_signature", "the signature does not match the gateway's key")
    readings = _decode_columns(envelope.payload, envelope.count, envelope.v)
    return DecodedBatch(envelope, readings)


def payload_cap(count: int, version: int = CONTRACT_VERSION) -> int:
    """The most bytes the payload of a batch of `count` readings may inflate to."""
    cap = PAYLOAD_OVERHEAD_BYTES + count * MAX_PAYLOAD_BYTES_PER_READING
    return cap if version == 1 else cap + TEXT_ALLOWANCE_BYTES


def inflate_payload(payload: str, count: int, version: int = CONTRACT_VERSION) -> bytes:
    """The payload's JSON bytes, inflated in a stream that stops one byte past the cap.

    Raises `BatchRejectedError` (`payload_too_large`) past `payload_cap(count, version)`;
    base64, gzip and truncation errors propagate as `binascii.Error`/`zlib.error`.
    """
    cap = payload_cap(count, version)
    rest = base64.b64decode(payload, validate=True)
    inflated = bytearray()
    while rest:  # one gzip member after another, as gzip.decompress reads them
        inflater = zlib.decompressobj(_GZIP)
        inflated += inflater.decompress(rest, cap + 1 - len(inflated))
        if len(inflated) > cap:
            raise BatchRejectedError(
                "payload_too_large",
                f"the payload inflates to more than {cap:,} bytes, the cap for {count:,} "
                f"readings ({MAX_PAYLOAD_BYTES_PER_READING} bytes each + "
                f"{PAYLOAD_OVERHEAD_BYTES}"
                + ("" if version == 1 else f" + {TEXT_ALLOWANCE_BYTES} for strings")
                + ")",
            )
        if not inflater.eof:
            raise zlib.error("the gzip stream is truncated")
        rest = inflater.unused_data
    return bytes(inflated)


# What a payload that does not decode raises (a RecursionError: JSON nested too deep).
PAYLOAD_ERRORS = (
    binascii.Error, zlib.error, OSError, EOFError, ValueError, KeyError, TypeError, RecursionError
)  # fmt: skip


def _as_float(value: object) -> float | None:
    """A version 2 value as version 1 carries it."""
    if isinstance(value, bool | int | float):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def _decode_columns(payload: str, count: int, version: int = CONTRACT_VERSION) -> list[Reading]:
    try:
        columns = json.loads(inflate_payload(payload, count, version))
        tags, times, server_times = columns["tag"], columns["t"], columns["st"]
        values, statuses = columns["v"], columns["q"]
        if version != 1:
            values = [_as_float(value) for value in values]
    except PAYLOAD_ERRORS as exc:
        raise BatchRejectedError(
            "invalid_payload", f"cannot decode payload ({type(exc).__name__})"
        ) from None
    lengths = {len(tags), len(times), len(server_times), len(values), len(statuses)}
    if lengths != {count}:
        raise BatchRejectedError("invalid_payload", f"columns do not all hold {count} readings")
    try:
        return [
            Reading(
                int(tag),
                int(t),
                None if st is None else int(st),
                None if v is None else float(v),
                int(q),
            )
            for tag, t, st, v, q in zip(tags, times, server_times, values, statuses, strict=True)
        ]
    except (TypeError, ValueError) as exc:
        raise BatchRejectedError("invalid_payload", f"a reading has a wrong type ({exc})") from None


def micros(moment: datetime) -> int:
    """Microseconds since the epoch for an aware datetime."""
    return int(moment.timestamp() * _MICROS)
