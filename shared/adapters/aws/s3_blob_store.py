"""BlobStore on one S3 bucket (boto3 client injected).

Uploads and downloads use SigV4 presigned URLs. A presigned PUT binds the key,
the content type and the expiry but cannot cap the size: callers that care
check `head(key).size` after the upload. Listings carry no content type.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from shared.adapters.aws.clients import AwsError, error_code
from shared.core.common.errors import BlobError, BlobNotFoundError
from shared.core.ports.blobs import BlobInfo, UploadTarget, validate_key, validate_prefix

_MISSING = {"NoSuchKey", "404", "NotFound"}


def create_bucket(client: Any, bucket: str) -> None:
    """Create the bucket if it does not exist (tests and local set-ups; infra owns real ones)."""
    try:
        region = client.meta.region_name
        options = {} if region == "us-east-1" else {"LocationConstraint": region}
        client.create_bucket(
            Bucket=bucket, **({"CreateBucketConfiguration": options} if options else {})
        )
    except AwsError as exc:
        if error_code(exc) not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
            raise BlobError(f"cannot create bucket {bucket}: {error_code(exc)}") from exc


class S3BlobStore:
    def __init__(self, client: Any, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    def put(self, key: str, data: bytes, content_type: str) -> BlobInfo:
        validate_key(key)
        with self._translated(key):
            response = self._client.put_object(
                Bucket=self._bucket, Key=key, Body=data, ContentType=content_type
            )
        etag = str(response.get("ETag", "")).strip('"')
        return BlobInfo(key, len(data), content_type, etag, _server_time(response))

    def get(self, key: str) -> bytes:
        validate_key(key)
        with self._translated(key):
            response = self._client.get_object(Bucket=self._bucket, Key=key)
            return bytes(response["Body"].read())

    def head(self, key: str) -> BlobInfo | None:
        validate_key(key)
        try:
            with self._translated(key):
                response = self._client.head_object(Bucket=self._bucket, Key=key)
        except BlobNotFoundError:
            return None
        return BlobInfo(
            key=key,
            size=int(response["ContentLength"]),
            content_type=response.get("ContentType"),
            etag=str(response.get("ETag", "")).strip('"'),
            last_modified=response["LastModified"],
        )

    def delete(self, key: str) -> None:
        validate_key(key)
        with self._translated(key):
            self._client.delete_object(Bucket=self._bucket, Key=key)

    def list(self, prefix: str = "", limit: int = 1000) -> list[BlobInfo]:
        validate_prefix(prefix)
        found: list[BlobInfo] = []
        request: dict[str, Any] = {"Bucket": self._bucket, "Prefix": prefix}
        with self._translated(prefix):
            while len(found) < limit:
                page = self._client.list_objects_v2(
                    MaxKeys=min(1000, limit - len(found)), **request
                )
                found.extend(_listed(item) for item in page.get("Contents", []))
                if not page.get("IsTruncated"):
                    break
                request["ContinuationToken"] = page["NextContinuationToken"]
        return found[:limit]

    def upload_url(
        self, key: str, content_type: str, max_bytes: int, expires_s: int = 900
    ) -> UploadTarget:
        validate_key(key)
        params = {"Bucket": self._bucket, "Key": key, "ContentType": content_type}
        url = self._presign("put_object", params, expires_s)
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_s)
        return UploadTarget("PUT", url, {"Content-Type": content_type}, expires_at)

    def download_url(self, key: str, expires_s: int = 900) -> str:
        validate_key(key)
        return self._presign("get_object", {"Bucket": self._bucket, "Key": key}, expires_s)

    def _presign(self, operation: str, params: dict[str, str], expires_s: int) -> str:
        with self._translated(params["Key"]):
            return str(
                self._client.generate_presigned_url(operation, Params=params, ExpiresIn=expires_s)
            )

    @contextmanager
    def _translated(self, key: str) -> Iterator[None]:
        try:
            yield
        except AwsError as exc:
            if error_code(exc) in _MISSING:
                raise BlobNotFoundError(key) from exc
            reason = error_code(exc) or type(exc).__name__
            raise BlobError(f"S3 failed on {self._bucket}/{key}: {reason}") from exc


def _listed(item: dict[str, Any]) -> BlobInfo:
    etag = str(item.get("ETag", "")).strip('"')
    return BlobInfo(str(item["Key"]), int(item["Size"]), None, etag, item["LastModified"])


def _server_time(response: dict[str, Any]) -> datetime:
    """The response's Date header: S3 sets Last-Modified to the time it took the object."""
    date = response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date")
    try:
        return parsedate_to_datetime(date) if date else datetime.now(UTC)
    except (TypeError, ValueError):
        return datetime.now(UTC)
