"""Errors of the model scoring path.

WellOSError
├── InfrastructureError
│   └── ModelError                 a shipped model cannot be used
│       ├── ModelNotFoundError     no artifact or manifest of that name
│       └── ModelIntegrityError    sha256 differs from the manifest, or unreadable
└── InputError
    └── ModelInputError            features of the wrong shape for the model
"""

from __future__ import annotations

from shared.core.common.errors import InfrastructureError, InputError


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


class ModelInputError(InputError):
    code = "model_input"

    def __init__(self, name: str, reason: str) -> None:
        super().__init__("features", f"model {name}: {reason}")
        self.name = name
