"""API routes that analyse their endpoint on first use instead of at import.

FastAPI's `APIRoute` inspects the endpoint's signature, builds its dependency tree
and a pydantic TypeAdapter per body and response when the route is declared, that
is while the handler module is imported on a cold start. Yet a route included in
the app (`app.include_router`) is served through a copy FastAPI builds for the
inclusion from the route's declaration, for the routers a request passes on its
way to its route, and the OpenAPI document is made from those copies too.

`DeferredRoute` keeps the declaration as the route's attributes (what FastAPI reads
to build the copy) and builds the rest of the plain `APIRoute` state the first time
anything reads an attribute it does not have yet. Until then, the attributes FastAPI
derives from the declaration when it builds (`response_model` from the return
annotation, `description` from the docstring, `methods`, ...) hold the declared
values, from which the inclusion's copy derives the same. The routes, their order,
the requests they answer and /openapi.json are those plain `APIRoute`s give
(tests/unit/test_deferred_routes.py compares them).

Use it as the router's route class: `APIRouter(tags=[...], route_class=DeferredRoute)`.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute
from starlette.routing import get_name

# One lock for every route: building is rare (once per route) and may run from the
# event loop and from worker threads (url_path_for, a test client) at the same time.
_BUILDING = threading.RLock()

# What a route is declared with, and FastAPI's default for each (APIRoute's keywords).
_DECLARATION = {
    name: parameter.default
    for name, parameter in inspect.signature(APIRoute.__init__).parameters.items()
    if parameter.kind is inspect.Parameter.KEYWORD_ONLY
}


class DeferredRoute(APIRoute):
    """An `APIRoute` whose state is built from its declaration on first use."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        self.__dict__["_declared"] = (path, endpoint, options)
        self.__dict__["_pending"] = True
        declared = {**_DECLARATION, **options}
        limits = declared.pop("form_limits")
        self.__dict__.update(declared)
        name = declared["name"]
        self.__dict__.update(
            path=path,
            endpoint=endpoint,
            name=get_name(endpoint) if name is None else name,
            # Unpacked into the inclusion's copy: the containers APIRoute makes of them.
            tags=list(declared["tags"] or []),
            dependencies=list(declared["dependencies"] or []),
            responses=dict(declared["responses"] or {}),
            stream_item_type=None,  # APIRoute's start, before it reads the return annotation
        )
        if limits is None:  # else validated by APIRoute when built
            self.__dict__["form_limits"] = {}

    @property
    def built(self) -> bool:
        """Whether the FastAPI state (dependant, body and response fields) exists yet."""
        return not self.__dict__.get("_pending", False)

    def build(self) -> None:
        """Build the state of a plain `APIRoute` from the declaration, once."""
        with _BUILDING:
            if not self.__dict__.pop("_pending", False):
                return
            path, endpoint, options = self.__dict__["_declared"]
            before = dict(self.__dict__)
            try:
                APIRoute.__init__(self, path, endpoint, **options)
            except BaseException:  # no half-built route: the next use fails the same way
                self.__dict__.clear()
                self.__dict__.update(before, _pending=True)
                raise

    def eager(self) -> APIRoute:
        """A plain `APIRoute` of the same declaration: what this route stands for."""
        path, endpoint, options = self.__dict__["_declared"]
        return APIRoute(path, endpoint, **options)

    def __getattr__(self, attribute: str) -> Any:
        # Called only for an attribute the instance lacks: build (or wait for another
        # thread's build), then look again. A read, while building, of a field not set
        # yet finds nothing pending and fails as it would on a plain APIRoute.
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)
        self.build()
        return object.__getattribute__(self, attribute)
