"""What every `wellos field` command shares: the chosen profile and error mapping."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from functions.cli.field.client import Backoff, FieldClient
from functions.cli.field.errors import FieldClientError
from functions.cli.field.profile import Profile
from functions.cli.field.store import FieldStore
from functions.cli.output import fail

P = ParamSpec("P")
R = TypeVar("R")

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")]
AttemptsOption = Annotated[
    int,
    typer.Option(min=1, max=20, help="Tries before giving up (waits 0.5 s, 1 s, 2 s … 30 s)."),
]


@dataclass
class FieldContext:
    home: Path
    profile_name: str

    def profile(self) -> Profile:
        return Profile.load(self.home / self.profile_name)

    @contextmanager
    def store(self) -> Iterator[FieldStore]:
        store = FieldStore(self.profile().store_path)
        try:
            yield store
        finally:
            store.close()

    @contextmanager
    def client(self, attempts: int = Backoff.attempts) -> Iterator[FieldClient]:
        with self.store() as store:
            client = FieldClient(self.profile(), store, backoff=Backoff(attempts=attempts))
            try:
                yield client
            finally:
                client.close()


def field_context(ctx: typer.Context) -> FieldContext:
    found = ctx.obj  # set by the field group's callback, inherited by subcommands
    assert isinstance(found, FieldContext), "the field app's callback sets the context"
    return found


def field_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Client errors as a red line and an exit code (1: try again later, 2: fix something)."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except FieldClientError as exc:
            raise fail(str(exc), exc.exit_code) from None
        except (ValueError, OSError) as exc:
            raise fail(str(exc), 2) from None

    return wrapper
