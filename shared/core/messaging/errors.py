"""Errors of the dead-letter operations.

NotFoundError (404)
└── DeadLetterNotFoundError     no dead letter with that message id on the queue
"""

from __future__ import annotations

from shared.core.common.errors import NotFoundError


class DeadLetterNotFoundError(NotFoundError):
    code = "dead_letter_not_found"

    def __init__(self, queue: str, message_id: str) -> None:
        super().__init__(f"dead letter on queue {queue}:", message_id)
        self.queue = queue
        self.message_id = message_id
