"""Deferred routes serve what plain FastAPI routes serve: the same route table, the same
/openapi.json byte for byte, the same answers; they only build later (on first use)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel

from functions.api.app import create_app
from functions.api.deferred_routes import DeferredRoute
from functions.api.problems import install_problem_handlers
from shared.settings import Settings


def _eager_twin(app: FastAPI) -> FastAPI:
    """The same app with each router's routes as plain `APIRoute`s, included in the same order."""
    twin = FastAPI(title=app.title, version=app.version, description=app.description)
    twin.state = app.state  # the settings and platform holder the routes read
    install_problem_handlers(twin)
    for included in app.routes:
        router = getattr(included, "original_router", None)
        if router is None:
            continue  # FastAPI's own /openapi.json and /docs
        eager = APIRouter()
        for route in router.routes:
            assert isinstance(route, DeferredRoute), f"{route} is not deferred"
            eager.routes.append(route.eager())
        twin.include_router(eager)
    return twin


def _table(app: FastAPI) -> list[tuple[str, list[str], str, str]]:
    return [
        (str(c.path), sorted(c.methods or []), str(c.name), c.endpoint.__qualname__)  # type: ignore[union-attr]
        for c in iter_route_contexts(app.routes)
    ]


@pytest.fixture(scope="module")
def apps() -> tuple[FastAPI, FastAPI]:
    app = create_app(settings=Settings(log_json=False))
    return app, _eager_twin(app)


def test_the_apps_routes_and_openapi_document_are_those_of_plain_routes(
    apps: tuple[FastAPI, FastAPI],
) -> None:
    app, twin = apps
    served, expected = TestClient(app), TestClient(twin)

    assert _table(app) == _table(twin)
    assert len(_table(app)) > 150
    assert served.get("/openapi.json").content == expected.get("/openapi.json").content


def test_a_deferred_route_answers_as_the_plain_one(apps: tuple[FastAPI, FastAPI]) -> None:
    app, twin = apps
    for client in (TestClient(app), TestClient(twin)):
        health = client.get("/api/v1/health")
        assert (health.status_code, health.json()) == (200, {"status": "ok", "version": "0.1.0"})
        wrong_method = client.delete("/api/v1/health")
        assert wrong_method.status_code == 405
        assert client.get("/api/v1/no-such-route").status_code == 404


class Item(BaseModel):
    name: str


def _item_endpoint(item_id: int, body: Item) -> Item:
    return body


def test_a_deferred_route_builds_on_first_use_and_once() -> None:
    route = DeferredRoute("/items/{item_id}", _item_endpoint, methods=["PUT"], name=None)

    assert not route.built
    assert (route.path, route.name) == ("/items/{item_id}", "_item_endpoint")
    assert (route.endpoint, route.tags, route.dependencies) == (_item_endpoint, [], [])
    assert not route.built  # the declaration FastAPI reads does not build it

    seen: list[Any] = []
    threads = [threading.Thread(target=lambda: seen.append(route.dependant)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert route.built
    assert len(seen) == 8 and all(dependant is seen[0] for dependant in seen)
    assert route.methods == {"PUT"} and route.response_model is Item
    assert [p.name for p in route.dependant.path_params] == ["item_id"]


def test_a_declaration_fastapi_refuses_fails_on_each_use_not_half_built() -> None:
    route = DeferredRoute("/gone", _item_endpoint, status_code=204, response_model=Item)

    for _ in range(2):
        with pytest.raises(AssertionError, match="must not have a response body"):
            route.dependant  # noqa: B018
        assert not route.built
    with pytest.raises(AssertionError, match="must not have a response body"):
        APIRoute("/gone", _item_endpoint, status_code=204, response_model=Item)
