"""Errors of the model scoring path.

WellOSError
└── InputError
    └── ModelInputError            features of the wrong shape for the model

A missing or tampered model (`ModelError` and below) is an error of the scoring
port, in ``common.errors`` beside the other infrastructure errors.
"""

from __future__ import annotations

from shared.core.common.errors import InputError


class ModelInputError(InputError):
    code = "model_input"

    def __init__(self, name: str, reason: str) -> None:
        super().__init__("features", f"model {name}: {reason}")
        self.name = name
