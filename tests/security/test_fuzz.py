"""Schemathesis over /openapi.json, all phases, as a seeded tenant's admin: no 5xx.

Examples, coverage (boundaries and negative values of every parameter and body),
fuzzing and stateful sequences (links inferred from the responses) call the app
in-process over ASGI. The seeded tenant's ids are mixed into path and query values so
requests reach real rows. Examples per operation are bounded to keep the run near a
minute here; WELLOS_FUZZ_SEED and WELLOS_FUZZ_EXAMPLES explore further.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis.engine import events, from_schema

from functions.api.app import create_app
from shared.bootstrap import Platform
from tests.security.seed import Seeded, seed_tenant

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

SEED = int(os.environ.get("WELLOS_FUZZ_SEED", "20261204"))
EXAMPLES = int(os.environ.get("WELLOS_FUZZ_EXAMPLES", "10"))
ITEMS = ("field", "lease", "facility", "equipment")  # the catalog's {item_id}

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def answering(app: Any) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The app, minus Starlette re-raising after it answered 500: the check sees the 500."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await app(scope, receive, send)
        except Exception:  # the 500 has been sent; a missing answer still fails the run
            if scope["type"] != "http":
                raise

    return wrapped


def fuzz_config(seeded: Seeded) -> schemathesis.Config:
    """All phases, the not_a_server_error check alone, seeded ids mixed into the values."""
    ids = {name: value for name, value in seeded.ids.items() if name.endswith("_id")}
    dictionaries: dict[str, Any] = {name: {"values": [value]} for name, value in ids.items()}
    dictionaries["item_id"] = {"values": [seeded.ids[item] for item in ITEMS]}
    parameters: dict[str, Any] = {
        f"{place}.{name}": {"dictionary": name, "probability": 0.5}
        for name in dictionaries
        for place in ("path", "query")
    }
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": dict(seeded.headers["ADMIN"]),
            "checks": {"enabled": False, "not_a_server_error": {"enabled": True}},
            "generation": {"max-examples": EXAMPLES, "database": "none"},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": True, "max-steps": 10},
            },
            "dictionaries": dictionaries,
            "parameters": parameters,
        }
    )


def failures_of(event: events.ScenarioFinished) -> list[str]:
    found = []
    for checks in event.recorder.checks.values():
        for check in checks:
            if check.failure_info is not None:
                found.append(f"{event.label}: {check.failure_info.code_sample}")
    return found


def test_no_request_gets_a_server_error(sec_platform: Platform, sec_client: TestClient) -> None:
    # GIVEN a tenant with one of everything, fuzzed as its admin
    seeded = seed_tenant(sec_platform, sec_client, "fuzz")
    app = answering(create_app(sec_platform))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=fuzz_config(seeded))
    # WHEN every phase runs
    failures, errors, phases = [], [], {}
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            failures.extend(failures_of(event))
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.info.message}")
        elif isinstance(event, events.FatalError):
            errors.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.PhaseFinished):
            phases[event.phase.name.value] = event.status.name
    # THEN no request got a 5xx, and every phase ran
    assert failures == [], f"seed {SEED}:\n" + "\n\n".join(failures[:10])
    assert errors == [], f"seed {SEED}:\n" + "\n".join(errors[:10])
    ran = {"examples", "coverage", "fuzzing", "stateful"}
    assert {phase for phase, status in phases.items() if status == "SUCCESS"} >= ran, phases
