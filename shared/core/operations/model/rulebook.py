"""Rules as data: the JSON files in `rules/`, validated by pydantic, loaded once.

Each file holds effective-dated entries with their source, so a deadline or a
threshold can change without a release of code (DESIGN.md, decision 14). A file
that does not validate raises `RulebookError` naming the file and the field.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import TypeVar

from pydantic import BaseModel

from shared.core.operations.errors import RulebookError
from shared.core.operations.model.parsing import parse_model

M = TypeVar("M", bound=BaseModel)
_PACKAGE = "shared.core.operations.model.rules"


def load_rulebook(name: str, model: type[M]) -> M:
    """The rules file `name` (e.g. "incident_notifications.json") as a validated `model`."""
    loaded = _load(name, model)
    if not isinstance(loaded, model):  # the cache is keyed by model too: never happens
        raise TypeError(f"{name} was loaded as {type(loaded).__name__}")
    return loaded


@cache
def _load(name: str, model: type[BaseModel]) -> BaseModel:
    text = files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    return parse_rulebook(name, text, model)


def parse_rulebook(name: str, text: str, model: type[M]) -> M:
    """Validate rules text (a tenant's override, or a packaged file)."""
    return parse_model(model, text, RulebookError, prefix=f"{name}:")
