"""The base error tree every feature builds on, and the errors of the infrastructure ports.

Entrypoints map these types (never their messages) to HTTP status codes, CLI
exit codes or queue retry decisions.

    WellOSError
    ├── InputError                  bad input, names the field        (422)
    ├── NotFoundError               entity or route target missing    (404)
    ├── ConflictError               state forbids the change          (409)
    │   ├── DuplicateError          unique value already taken        (409)
    │   └── IllegalTransitionError  status change not allowed         (409)
    ├── AuthenticationError         missing/invalid credentials       (401)
    ├── PermissionDeniedError       authenticated but not allowed     (403)
    └── InfrastructureError         a backing service failed          (503)
        ├── DatabaseUnavailableError  a database does not answer
        ├── SecretNotFoundError     secret reference does not resolve
        ├── ModelError              a shipped model cannot be used
        │   ├── ModelNotFoundError  no artifact or manifest of that name
        │   └── ModelIntegrityError sha256 differs from the manifest, or unreadable
        ├── QueueError              the queue service failed
        │   ├── QueueNotFoundError  no queue with that name
        │   ├── MessageTooLargeError  message over the queue's size limit
        │   └── LockLostError       receipt no longer holds the message
        └── BlobError               the blob store failed
            └── BlobNotFoundError   no blob at that key; also a NotFoundError (404)

    InvalidBlobTokenError           upload/download token bad or expired (403),
                                    a PermissionDeniedError
    UploadLinkUsedError             upload token already used (409), a ConflictError

Each feature adds its own errors under these in its ``errors.py`` (the tenant and
throttling errors in ``registry.errors``, sync's in ``sync.errors``, ...).
"""

from __future__ import annotations

from collections.abc import Sequence


class WellOSError(Exception):
    """Base of every error WellOS raises on purpose."""

    code = "wellos_error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InputError(WellOSError):
    code = "invalid_input"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class NotFoundError(WellOSError):
    code = "not_found"

    def __init__(self, entity: str, key: object) -> None:
        super().__init__(f"{entity} {key} not found")
        self.entity = entity
        self.key = key


class ConflictError(WellOSError):
    code = "conflict"


class DuplicateError(ConflictError):
    code = "duplicate"

    def __init__(self, field: str, value: object) -> None:
        super().__init__(f"{field} {value!s} already exists")
        self.field = field
        self.value = value


class IllegalTransitionError(ConflictError):
    code = "illegal_transition"

    def __init__(self, current: str, requested: str, allowed: Sequence[str]) -> None:
        allowed_text = ", ".join(allowed) if allowed else "none (final status)"
        super().__init__(f"cannot change status {current} to {requested}; allowed: {allowed_text}")
        self.current = current
        self.requested = requested
        self.allowed = list(allowed)


class AuthenticationError(WellOSError):
    code = "unauthenticated"


class PermissionDeniedError(WellOSError):
    code = "forbidden"


class InfrastructureError(WellOSError):
    code = "unavailable"


class DatabaseUnavailableError(InfrastructureError):
    """A database could not be reached; the request may be retried."""

    code = "database_unavailable"


class SecretNotFoundError(InfrastructureError):
    code = "secret_not_found"

    def __init__(self, name: str) -> None:
        super().__init__(f"secret {name} not found")
        self.name = name


class ModelError(InfrastructureError):
    code = "model_unavailable"


class ModelNotFoundError(ModelError):
    code = "model_not_found"

    def __init__(self, name: str, where: str) -> None:
        super().__init__(f"model {name} not found: {where}")
        self.name = name
        self.where = where


class ModelIntegrityError(ModelError):
    code = "model_integrity"

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"model {name} refused: {reason}")
        self.name = name
        self.reason = reason


class QueueError(InfrastructureError):
    code = "queue_unavailable"


class QueueNotFoundError(QueueError):
    code = "queue_not_found"

    def __init__(self, queue: str) -> None:
        super().__init__(f"queue {queue} does not exist")
        self.queue = queue


class MessageTooLargeError(QueueError):
    code = "message_too_large"

    def __init__(self, queue: str, size: int, limit: int) -> None:
        super().__init__(f"message of {size} bytes exceeds the {limit}-byte limit of queue {queue}")
        self.queue = queue
        self.size = size
        self.limit = limit


class LockLostError(QueueError):
    """The receipt no longer holds the message: lock expired, already settled or redelivered."""

    code = "message_lock_lost"


class BlobError(InfrastructureError):
    code = "blob_store_unavailable"


class BlobNotFoundError(NotFoundError, BlobError):
    code = "blob_not_found"

    def __init__(self, key: str) -> None:
        super().__init__("blob", key)


class InvalidBlobTokenError(PermissionDeniedError):
    code = "invalid_blob_token"


class UploadLinkUsedError(ConflictError):
    """An upload link already stored its blob: a link is good for one upload."""

    code = "upload_link_used"

    def __init__(self, key: str) -> None:
        super().__init__(f"this upload link was already used for {key}; ask for a new one")
        self.key = key
