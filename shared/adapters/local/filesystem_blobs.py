"""BlobStore on a local directory, for the local platform.

Each blob is one file `objects/<key>~` (the `~`, never part of a key, lets `a` and
`a/b` coexist) holding a one-line JSON header (content type, etag, size) and the
bytes. Writes go to `tmp/` and are renamed into place, so readers see the old blob
or the new one, never half of one. Upload/download URLs point at the WellOS API
(`/api/v1/blobs/{key}?token=…`); the route checks them with `verify_token` and
stores an upload with `put_once`: each upload token once (its nonce is kept as a
file under `claims/` until the token expires), and never over an existing blob.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from shared.adapters.local.blob_tokens import BlobGrant, BlobTokenSigner
from shared.core.common.errors import BlobError, BlobNotFoundError, UploadLinkUsedError
from shared.core.keys.model import SigningKeys
from shared.core.ports.blobs import BlobInfo, UploadTarget, validate_key, validate_prefix

SUFFIX = "~"


class FilesystemBlobStore:
    def __init__(
        self,
        root: Path,
        token_secret: bytes | Callable[[], SigningKeys],
        api_base: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._objects = root / "objects"
        self._tmp = root / "tmp"
        self._tokens = BlobTokenSigner(token_secret, api_base, clock)
        self._claims = ClaimFiles(root / "claims", clock)

    def _path(self, key: str) -> Path:
        return self._objects / (validate_key(key) + SUFFIX)

    def put(self, key: str, data: bytes, content_type: str) -> BlobInfo:
        info = self._write(key, data, content_type, replace=True)
        assert info is not None  # replacing always writes
        return info

    def put_once(self, grant: BlobGrant, data: bytes, content_type: str) -> BlobInfo:
        """Store an upload under its token's key: once per token, never over a blob.

        A retry of the very same bytes answers the stored blob; anything else on a
        used token or an existing blob is an UploadLinkUsedError.
        """
        if not self._claims.claim(grant):
            return _same_or_refused(self, grant.key, data)
        try:
            written = self._write(grant.key, data, content_type, replace=False)
        except BaseException:
            self._claims.release(grant)
            raise
        return written or _same_or_refused(self, grant.key, data)

    def _write(self, key: str, data: bytes, content_type: str, replace: bool) -> BlobInfo | None:
        """Write to `tmp/`, then rename into place, or (not `replace`) link it there
        unless a blob is there already (None)."""
        path = self._path(key)
        etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
        header = {"content_type": content_type, "etag": etag, "size": len(data)}
        with _translated(key):
            self._tmp.mkdir(parents=True, exist_ok=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self._tmp / uuid.uuid4().hex
            try:
                with temporary.open("wb") as handle:
                    handle.write(json.dumps(header).encode() + b"\n")
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                if replace:
                    os.replace(temporary, path)
                else:
                    try:
                        os.link(temporary, path)
                    except FileExistsError:
                        return None
            finally:
                temporary.unlink(missing_ok=True)
            return _info(key, header, path.stat().st_mtime)

    def get(self, key: str) -> bytes:
        path = self._path(key)
        with _translated(key), _open(path, key) as handle:
            handle.readline()
            return handle.read()

    def head(self, key: str) -> BlobInfo | None:
        path = self._path(key)
        try:
            with _translated(key), _open(path, key) as handle:
                header = json.loads(handle.readline())
                return _info(key, header, os.fstat(handle.fileno()).st_mtime)
        except BlobNotFoundError:
            return None

    def delete(self, key: str) -> None:
        path = self._path(key)
        with _translated(key):
            path.unlink(missing_ok=True)

    def list(self, prefix: str = "", limit: int = 1000) -> list[BlobInfo]:
        validate_prefix(prefix)
        start = self._objects / prefix.rpartition("/")[0]
        keys = sorted(k for k in self._walk(start) if k.startswith(prefix))[:limit]
        found = (self.head(key) for key in keys)
        return [info for info in found if info is not None]

    def _walk(self, start: Path) -> Iterator[str]:
        for directory, _, files in os.walk(start):
            for name in files:
                if name.endswith(SUFFIX):
                    relative = Path(directory, name).relative_to(self._objects).as_posix()
                    yield relative.removesuffix(SUFFIX)

    def upload_url(
        self, key: str, content_type: str, max_bytes: int, expires_s: int = 900
    ) -> UploadTarget:
        validate_key(key)
        return self._tokens.upload_target(key, content_type, max_bytes, expires_s)

    def download_url(self, key: str, expires_s: int = 900) -> str:
        validate_key(key)
        return self._tokens.download_url(key, expires_s)

    def verify_token(self, key: str, token: str, method: str = "PUT") -> BlobGrant:
        """The grant of a token this store issued; InvalidBlobTokenError otherwise."""
        return self._tokens.verify(key, token, method)


class ClaimFiles:
    """Used upload tokens as files `claims/<expiry>-<nonce>`: exclusive create, so two
    processes cannot both claim one; expired claims are removed as new ones come."""

    def __init__(self, directory: Path, clock: Callable[[], datetime]) -> None:
        self._directory = directory
        self._clock = clock

    def _path(self, grant: BlobGrant) -> Path:
        return self._directory / f"{int(grant.expires_at.timestamp())}-{grant.nonce}"

    def claim(self, grant: BlobGrant) -> bool:
        if grant.nonce is None:
            return False
        with _translated(grant.key):
            self._directory.mkdir(parents=True, exist_ok=True)
            self._prune()
            try:
                self._path(grant).touch(exist_ok=False)
            except FileExistsError:
                return False
            return True

    def release(self, grant: BlobGrant) -> None:
        if grant.nonce is not None:
            self._path(grant).unlink(missing_ok=True)

    def _prune(self) -> None:
        now = self._clock().timestamp()
        for entry in os.scandir(self._directory):
            expiry = entry.name.partition("-")[0]
            if expiry.isdigit() and int(expiry) < now:
                Path(entry.path).unlink(missing_ok=True)


def _same_or_refused(store: FilesystemBlobStore, key: str, data: bytes) -> BlobInfo:
    """The stored blob when it holds exactly `data` (a retried upload), else refused."""
    stored = store.head(key)
    if stored is not None and stored.etag == hashlib.md5(data, usedforsecurity=False).hexdigest():
        return stored
    raise UploadLinkUsedError(key)


@contextmanager
def _open(path: Path, key: str) -> Iterator[BinaryIO]:
    try:
        handle = path.open("rb")
    except (FileNotFoundError, NotADirectoryError):
        raise BlobNotFoundError(key) from None
    with handle:
        yield handle


@contextmanager
def _translated(key: str) -> Iterator[None]:
    try:
        yield
    except (OSError, ValueError) as exc:
        raise BlobError(f"filesystem blob store failed on {key}: {type(exc).__name__}") from exc


def _info(key: str, header: dict[str, object], mtime: float) -> BlobInfo:
    modified = datetime.fromtimestamp(mtime, UTC)
    content_type = header.get("content_type")
    return BlobInfo(
        key=key,
        size=int(str(header["size"])),
        content_type=None if content_type is None else str(content_type),
        etag=str(header["etag"]),
        last_modified=modified,
    )
