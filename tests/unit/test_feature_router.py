"""Routers turn away paths none of their routes can match, and route every request as
before: each route's path (its parameters filled in), with and without a trailing
slash, in every method, and paths of no route, find what the ungated routers find."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, APIRouter
from starlette.routing import Match

from functions.api.app import create_app
from functions.api.feature_router import FeatureRouter
from shared.settings import Settings

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ODD_PATHS = (
    "/",
    "/api",
    "/api/v1",
    "/api/v1/",
    "/api/v1/nothing",
    "/api/v1/wells//x",
    "//api/v1/wells",
)


@pytest.fixture(scope="module")
def app() -> FastAPI:
    made = create_app(settings=Settings(database_url="postgresql://u@localhost/d"))
    made.openapi()  # builds every route
    return made


def route_paths(app: FastAPI) -> Iterator[str]:
    for route in (route for router in feature_routers(app) for route in router.routes):
        if isinstance(route, APIRoute):
            filled = re.sub(r"\{[^}]*\}", "8c1c1e9e-1c1e-4c1e-8c1e-1c1e1c1e1c1e", route.path)
            yield filled
            yield filled + "/"
            yield re.sub(r"\{[^}]*\}", "export", route.path)


def routed(app: FastAPI, path: str, method: str) -> tuple[Match, object]:
    scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}
    partial: tuple[Match, object] | None = None
    for route in app.router.routes:
        match, child = route.matches(scope)
        if match == Match.FULL:
            return match, child.get("endpoint", route)
        if match == Match.PARTIAL and partial is None:
            partial = (match, child.get("endpoint", route))
    return partial or (Match.NONE, None)


def feature_routers(app: FastAPI) -> list[APIRouter]:
    return [r.original_router for r in app.router.routes if hasattr(r, "original_router")]


def test_every_router_of_the_app_is_gated(app: FastAPI) -> None:
    routers = feature_routers(app)
    assert len(routers) >= 30
    assert {type(router) for router in routers} == {FeatureRouter}


def test_requests_are_routed_as_without_the_gate(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    requests = [(p, m) for p in [*route_paths(app), *ODD_PATHS] for m in METHODS]
    gated = [routed(app, path, method) for path, method in requests]
    turned_away = sum(
        1
        for router in feature_routers(app)
        for path, _ in requests
        if isinstance(router, FeatureRouter)
        and (beginnings := router.beginnings())
        and not path.startswith(beginnings)
    )
    monkeypatch.setattr(FeatureRouter, "matches", APIRouter.matches)
    plain = [routed(app, path, method) for path, method in requests]
    assert gated == plain
    assert sum(m == Match.FULL for m, _ in gated) > len(requests) // 10
    assert turned_away > len(requests)  # the gate did turn most routers away


def test_a_router_with_a_mount_is_never_gated() -> None:
    router = FeatureRouter()

    @router.get("/api/v1/things/{thing_id}")
    def thing(thing_id: str) -> str:
        return thing_id

    assert router.beginnings() == ("/api/v1/things/",)
    assert router.beginnings("/v2") == ("/v2/api/v1/things/",)
    router.mount("/static", FastAPI())
    assert router.beginnings() is None
