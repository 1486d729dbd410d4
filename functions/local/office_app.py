"""The office app's built files at `/` beside the API, for the local host only.

The cloud API package never serves them (they deploy as static files); the local
runner wraps the FastAPI app: `/api/…`, `/docs`, `/redoc` and `/openapi.json` go
to the API, a file of `web/dist` is served as it is, and any other path gets
`index.html` so the single-page app's own routes (`/wells/…`) survive a reload.
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

WEB_DIST = Path(__file__).resolve().parents[2] / "web" / "dist"
API_PATHS = ("/api/", "/docs", "/redoc", "/openapi.json")
CSP = (
    "default-src 'self'; img-src 'self' data: blob: https:; style-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
HTML_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
NOT_BUILT = """<!doctype html><html lang="en">
<head><meta charset="utf-8"><title>WellOS</title></head><body><main>
<h1>The office app is not built</h1><p><code>python3 dev.py demo</code> builds it
(Node.js comes into <code>.venv</code> from PyPI when it is missing); the API is at
<a href="/docs">/docs</a>.</p></main></body></html>"""


def is_api_path(path: str) -> bool:
    return any(path == prefix.rstrip("/") or path.startswith(prefix) for prefix in API_PATHS)


class OfficeApp:
    """ASGI: the API for its paths, the built app (with SPA fallback) for the rest."""

    def __init__(self, api: ASGIApp, dist: Path = WEB_DIST) -> None:
        self.api = api
        self.dist = dist.resolve()

    @property
    def built(self) -> bool:
        return (self.dist / "index.html").is_file()

    def _file(self, path: str) -> Path | None:
        """The file under dist that `path` names, never one outside it."""
        candidate = (self.dist / path.lstrip("/")).resolve()
        if candidate.is_relative_to(self.dist) and candidate.is_file():
            return candidate
        return None

    def _response(self, scope: Scope) -> Response:
        if scope["method"] not in ("GET", "HEAD"):
            return PlainTextResponse("method not allowed", status_code=405)
        if not self.built:
            return HTMLResponse(NOT_BUILT, status_code=503, headers={"Cache-Control": "no-store"})
        path: str = scope["path"]
        found = self._file(path) if path != "/" else None
        if found is not None and found.name != "index.html":
            immutable = path.startswith("/assets/")
            cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
            return FileResponse(found, headers={"Cache-Control": cache})
        if path.startswith("/assets/"):
            return PlainTextResponse("not found", status_code=404)
        return FileResponse(self.dist / "index.html", headers=HTML_HEADERS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_api_path(scope["path"]):
            await self.api(scope, receive, send)
            return
        await self._response(scope)(scope, receive, send)
