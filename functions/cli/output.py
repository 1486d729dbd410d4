"""How the CLI talks: JSON on stdout, rich tables, and errors on stderr with exit codes.

Expected failures never show a traceback: domain errors (`WellOSError`) exit 2
and name the field at fault; infrastructure failures (a database that does not
answer, a missing setting) exit 1. Messages never contain connection strings.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError

from shared.core.common.errors import DuplicateError, InfrastructureError, InputError, WellOSError
from shared.core.registry.model.tenants import Tenant

EXIT_DOMAIN_ERROR = 2
EXIT_INFRASTRUCTURE_ERROR = 1

P = ParamSpec("P")
R = TypeVar("R")

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


class ConfigurationError(Exception):
    """A setting the command needs is missing or invalid."""


def jsonable(value: Any) -> Any:
    """Plain JSON values for dates, enums and nested containers."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value


def emit_json(data: Any) -> None:
    """Write one JSON document to stdout, nothing else."""
    sys.stdout.write(json.dumps(jsonable(data), indent=2, sort_keys=False) + "\n")
    sys.stdout.flush()


def tenant_view(tenant: Tenant) -> dict[str, Any]:
    """A tenant's registry record for output (no secret references)."""
    return {
        "id": tenant.id,
        "slug": tenant.slug,
        "name": tenant.name,
        "status": tenant.status.value,
        "tier": tenant.tier,
        "database_kind": tenant.database_kind.value,
        "region": tenant.region,
        "storage_provider": tenant.storage_provider,
        "features": tenant.features,
        "created_at": tenant.created_at,
        "updated_at": tenant.updated_at,
    }


def short_time(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def error_message(exc: BaseException) -> str:
    """One line for the operator; names the field for input and duplicate errors."""
    if isinstance(exc, InputError):
        return f"invalid {exc.field}: {exc.reason}"
    if isinstance(exc, DuplicateError):
        return f"{exc.field} '{exc.value}' already exists"
    if isinstance(exc, WellOSError):
        return exc.detail
    if isinstance(exc, ValidationError):
        fields = ", ".join(
            "WELLOS_" + str(error["loc"][0]).upper() for error in exc.errors() if error["loc"]
        )
        return f"invalid setting {fields or '(unknown)'}: check the environment"
    if isinstance(exc, SQLAlchemyError):
        return (
            f"database error ({type(exc).__name__}): is the database behind "
            "WELLOS_DATABASE_URL running and reachable?"
        )
    return str(exc)


def fail(message: str, code: int) -> typer.Exit:
    """Print `message` in red on stderr and return the Exit to raise."""
    stderr.print(f"[bold red]Error:[/bold red] [red]{escape(message)}[/red]")
    return typer.Exit(code)


def exit_code_for(exc: BaseException) -> int:
    if isinstance(exc, InfrastructureError):
        return EXIT_INFRASTRUCTURE_ERROR
    if isinstance(exc, WellOSError):
        return EXIT_DOMAIN_ERROR
    return EXIT_INFRASTRUCTURE_ERROR


EXPECTED_ERRORS = (WellOSError, SQLAlchemyError, ValidationError, ConfigurationError, OSError)


def handle_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn expected errors of a command into a red message and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except EXPECTED_ERRORS as exc:
            raise fail(error_message(exc), exit_code_for(exc)) from None

    return wrapper
