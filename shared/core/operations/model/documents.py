"""Documents policy: which files may be attached, how big, and where they are kept.

A document is attached to a well, lease, permit, AFE, work order or incident. The
policy (rules/documents.json) allows a short list of types; a file must be one of
them three ways: its declared content type, its name's extension, and its first
bytes (the format's signature: "%PDF-", a PNG header…; text types must be UTF-8
without NUL bytes and must not be markup). The size is bounded per type.

The blob key is built by WellOS, never from the tenant's file name:
`tenants/{slug}/documents/{owner kind}/{owner id}/{document id}{ext}`, so one
tenant's key can never name another's blob and a hostile name cannot traverse
paths; `safe_filename` keeps the name for display only.

After upload, the bytes go through the `VirusScanner` port (ports.py);
`status_after_scan` says whether the document may be served.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.core.operations.errors import DocumentRejectedError
from shared.core.operations.model.rulebook import load_rulebook
from shared.core.operations.model.scanning import ScanResult, ScanVerdict

_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
"""As a tenant slug (shared/core/domain/tenants.py), restated."""
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_MARKUP = (b"<!doctype", b"<html", b"<svg", b"<script", b"<?xml", b"<iframe")


class Signature(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    offset: int = Field(ge=0, le=64)
    hex: str = Field(pattern=r"^([0-9a-f]{2}){2,32}$")

    def matches(self, head: bytes) -> bool:
        expected = bytes.fromhex(self.hex)
        return head[self.offset : self.offset + len(expected)] == expected


class DocumentType(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    content_type: str = Field(pattern=r"^[a-z]+/[a-z0-9.+-]+$")
    extensions: tuple[str, ...] = Field(min_length=1)
    max_bytes: int = Field(ge=1, le=1 << 32)
    magic: tuple[Signature, ...] = ()
    text: bool = False

    def looks_right(self, head: bytes) -> bool:
        if self.text:
            return _plain_text(head)
        return any(signature.matches(head) for signature in self.magic)


class DocumentPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    sniff_bytes: int = Field(ge=16, le=4096)
    owners: tuple[str, ...]
    types: tuple[DocumentType, ...]

    def type_of(self, content_type: str) -> DocumentType:
        wanted = content_type.split(";", 1)[0].strip().lower()
        for kind in self.types:
            if kind.content_type == wanted:
                return kind
        allowed = ", ".join(k.content_type for k in self.types)
        raise DocumentRejectedError("content_type", f"must be one of {allowed}")


def default_document_policy() -> DocumentPolicy:
    return load_rulebook("documents.json", DocumentPolicy)


def check_upload_request(
    content_type: str, size: int, filename: str, policy: DocumentPolicy
) -> DocumentType:
    """Before the bytes exist (asking for an upload link): type, size, extension."""
    kind = policy.type_of(content_type)
    if isinstance(size, bool) or not 1 <= size <= kind.max_bytes:
        raise DocumentRejectedError(
            "size", f"must be 1 to {kind.max_bytes:,} bytes for {kind.content_type}"
        )
    extension = _extension(filename)
    if extension not in kind.extensions:
        raise DocumentRejectedError(
            "filename", f"a {kind.content_type} file ends in {', '.join(kind.extensions)}"
        )
    return kind


def check_uploaded(
    content_type: str, size: int, head: bytes, policy: DocumentPolicy
) -> DocumentType:
    """After upload: the stored size and the first `policy.sniff_bytes` bytes."""
    kind = policy.type_of(content_type)
    if not 1 <= size <= kind.max_bytes:
        raise DocumentRejectedError(
            "size", f"must be 1 to {kind.max_bytes:,} bytes for {kind.content_type}"
        )
    if not kind.looks_right(head[: policy.sniff_bytes]):
        raise DocumentRejectedError("file", f"the content is not a {kind.content_type} file")
    return kind


def _extension(filename: str) -> str:
    name = safe_filename(filename).lower()
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""


def _plain_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:  # a character cut at the end of the sample is fine
        if exc.start < len(head) - 3:
            return False
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return not lowered.startswith(_MARKUP)


def safe_filename(name: str, max_length: int = 200) -> str:
    """The name to show: no path, no control or bidi characters, bounded; "document" if empty."""
    base = re.split(r"[\\/]", name)[-1]
    kept = "".join(c for c in base if unicodedata.category(c) not in {"Cc", "Cf", "Zl", "Zp"})
    cleaned = " ".join(kept.split()).strip(" .")
    if len(cleaned) > max_length:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = (
            f"{stem[: max_length - len(ext) - 1]}.{ext}"
            if dot and len(ext) <= 10
            else cleaned[:max_length]
        )
    return cleaned or "document"


# --- blob keys -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentKey:
    tenant_slug: str
    owner_kind: str
    owner_id: str
    document_id: str
    extension: str

    def __str__(self) -> str:
        return (
            f"tenants/{self.tenant_slug}/documents/{self.owner_kind}/{self.owner_id}/"
            f"{self.document_id}{self.extension}"
        )


def document_key(
    tenant_slug: str,
    owner_kind: str,
    owner_id: str,
    document_id: str,
    kind: DocumentType,
    policy: DocumentPolicy,
) -> str:
    key = DocumentKey(tenant_slug, owner_kind, owner_id, document_id, kind.extensions[0])
    _check_key_parts(key, policy)
    return str(key)


def check_document_key(key: str, tenant_slug: str, policy: DocumentPolicy) -> DocumentKey:
    """Parse a key a client hands back; refuse one of another tenant or of another shape."""
    parts = key.split("/")
    if len(parts) != 6 or parts[0] != "tenants" or parts[2] != "documents":
        raise DocumentRejectedError("blob_key", "is not a document key")
    if parts[1] != tenant_slug:
        raise DocumentRejectedError("blob_key", "belongs to another tenant")
    document_id, dot, extension = parts[5].partition(".")
    parsed = DocumentKey(parts[1], parts[3], parts[4], document_id, dot + extension)
    _check_key_parts(parsed, policy)
    if not any(parsed.extension in kind.extensions for kind in policy.types):
        raise DocumentRejectedError("blob_key", "has no allowed extension")
    return parsed


def _check_key_parts(key: DocumentKey, policy: DocumentPolicy) -> None:
    if not _SLUG.fullmatch(key.tenant_slug):
        raise DocumentRejectedError("tenant", "is not a tenant slug")
    if key.owner_kind not in policy.owners:
        raise DocumentRejectedError("owner_kind", f"must be one of {', '.join(policy.owners)}")
    if not _ID.fullmatch(key.owner_id):
        raise DocumentRejectedError("owner_id", "must be 1-64 letters, digits, _ or -")
    if not _UUID.fullmatch(key.document_id):
        raise DocumentRejectedError("document_id", "must be a lowercase UUID")


# --- after the scan ----------------------------------------------------------------------


class DocumentStatus(StrEnum):
    AVAILABLE = "available"
    QUARANTINED = "quarantined"
    UNSCANNED = "unscanned"
    """No scanner ran (the no-op adapter): served, and shown as not scanned."""


def status_after_scan(result: ScanResult) -> DocumentStatus:
    if result.verdict is ScanVerdict.INFECTED:
        return DocumentStatus.QUARANTINED
    if result.verdict is ScanVerdict.CLEAN:
        return DocumentStatus.AVAILABLE
    return DocumentStatus.UNSCANNED  # ScanVerdict.NOT_SCANNED
