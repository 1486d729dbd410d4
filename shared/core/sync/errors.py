"""Errors of field sync and the review queue (mapped to HTTP by type).

WellOSError
├── BatchTooLargeError            over what even a job takes; split it (413)
├── InputError
│   └── UploadRefusedError        uploaded photo too big or of another type (event rejected)
└── ConflictError
    └── ConflictAlreadyResolvedError  resolved before (or by rule)   (409)
"""

from __future__ import annotations

from shared.core.common.errors import ConflictError, InputError, WellOSError


class BatchTooLargeError(WellOSError):
    code = "batch_too_large"

    def __init__(self, events: int, body_bytes: int, max_events: int, max_bytes: int) -> None:
        super().__init__(
            f"a sync batch takes at most {max_events} events and {max_bytes} bytes, even as "
            f"a job (got {events} events, {body_bytes} bytes); split it into smaller batches"
        )
        self.events = events
        self.body_bytes = body_bytes
        self.max_events = max_events
        self.max_bytes = max_bytes


class UploadRefusedError(InputError):
    """The blob uploaded for a photo can never be linked: over the size limit, or not
    of the type the event claims."""

    code = "upload_refused"

    def __init__(self, field: str, reason: str, blob_key: str) -> None:
        super().__init__(field, reason)
        self.blob_key = blob_key


class ConflictAlreadyResolvedError(ConflictError):
    code = "conflict_already_resolved"

    def __init__(self, conflict_id: str, status: str) -> None:
        super().__init__(f"conflict {conflict_id} is {status}; it can be resolved only once")
        self.conflict_id = conflict_id
        self.status = status
