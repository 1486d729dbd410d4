"""Errors of ETL runs and spreadsheet imports.

WellOSError
├── InputError
│   ├── SourceSchemaError        a configured table/column is not in the source (422)
│   └── SourcePolicyError        the source URL breaks the connection policy (422):
│                                a driver, an option, an address, a WellOS database
├── NotFoundError
│   └── EtlNotConfiguredError    the tenant has no ETL configuration (404)
├── ConflictError
│   ├── EtlRunningError          another run of the tenant holds the lock (409)
│   └── ImportStateError         the import's status forbids the step (409)
└── InfrastructureError
    └── SourceUnavailableError   the source database failed: connect or query (503)

RowRejectedError                 one row failed a transform or a rule; it is
                                 quarantined (ETL) or reported (imports), never raised
                                 past the mapper
"""

from __future__ import annotations

from shared.core.common.errors import ConflictError, InfrastructureError, InputError, NotFoundError


class SourceSchemaError(InputError):
    code = "source_schema_mismatch"


class SourcePolicyError(InputError):
    """The message names the option, driver or kind of address, never the URL or its host."""

    code = "etl_source_refused"


class EtlNotConfiguredError(NotFoundError):
    code = "etl_not_configured"

    def __init__(self, slug: str) -> None:
        super().__init__("etl configuration of tenant", slug)


class EtlRunningError(ConflictError):
    code = "etl_running"

    def __init__(self, slug: str) -> None:
        super().__init__(f"an ETL run of tenant {slug} is in progress")


class ImportStateError(ConflictError):
    code = "import_state"


class SourceUnavailableError(InfrastructureError):
    """The message names the failing step and the driver's error type, never the URL."""

    code = "etl_source_unavailable"


class RowRejectedError(Exception):
    """A value broke a transform or a rule; `field` is the WellOS field (or the column)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
