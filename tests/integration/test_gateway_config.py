"""Where the gateway's config comes from: the API (with its disk cache), local files, reloads."""

from __future__ import annotations

import asyncio
import json
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from edge_gateway.config_source import ApiConfigSource, config_url
from edge_gateway.errors import ConfigUnavailableError
from functions.local.simulator.catalog import FieldLayout, config_json, gateway_config, node_id
from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.core.scada.model.gateway_config import BatchSettings
from tests.integration.test_gateway_support import (
    GATEWAY,
    SECRET,
    TENANT,
    RunningGateway,
    ThreadedRtu,
    free_port,
    read_batches,
    settings_for,
    wait_for,
    write_config,
)

ROOT = Path(__file__).resolve().parents[2]


class ConfigApi:
    """A real HTTP server answering GET /api/v1/gateways/{id}/config for one credential."""

    def __init__(self, body: str, port: int = 0) -> None:
        self.body = body
        self.requests: list[dict[str, str]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                api.requests.append(dict(self.headers))
                allowed = self.headers.get("Authorization") == f"Gateway {GATEWAY}:{SECRET}"
                status = 200 if allowed and self.path.endswith("/config") else 401
                payload = api.body.encode() if status == 200 else b'{"title":"unauthorized"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self.server.shutdown()
            self.server.server_close()
            self._thread.join(5)


@pytest.fixture
def api() -> Iterator[ConfigApi]:
    config = gateway_config(FieldLayout(2, 2, base_port=free_port()), TENANT, GATEWAY)
    server = ConfigApi(config_json(config))
    yield server
    server.stop()


def _source(api: ConfigApi, cache: Path, secret: str = SECRET) -> ApiConfigSource:
    return ApiConfigSource(config_url(api.base, GATEWAY), GATEWAY, secret, "acme", cache)


def test_config_is_pulled_with_the_gateway_credential_and_cached(api, tmp_path):
    cache = tmp_path / "config-cache.json"
    loaded = asyncio.run(_source(api, cache).load())
    assert loaded.config.gateway_id == GATEWAY and not loaded.from_cache
    assert api.requests[0]["Authorization"] == f"Gateway {GATEWAY}:{SECRET}"
    assert api.requests[0]["X-WellOS-Tenant"] == "acme"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600


def test_cached_config_is_used_when_the_api_is_unreachable(api, tmp_path):
    # GIVEN a config fetched once
    cache = tmp_path / "config-cache.json"
    first = asyncio.run(_source(api, cache).load()).config
    # WHEN the API is gone
    api.stop()
    loaded = asyncio.run(_source(api, cache).load())
    # THEN the cache serves the same config
    assert loaded.from_cache and loaded.config == first


def test_refused_credential_falls_back_to_the_cache_and_without_one_fails(api, tmp_path):
    with pytest.raises(ConfigUnavailableError, match="401"):
        asyncio.run(_source(api, tmp_path / "none.json", secret="wrong").load())
    cache = tmp_path / "config-cache.json"
    asyncio.run(_source(api, cache).load())
    assert asyncio.run(_source(api, cache, secret="wrong").load()).from_cache


def test_gateway_starts_from_the_cache_while_the_api_is_down(api, tmp_path):
    state_dir = tmp_path / "state"
    asyncio.run(_source(api, state_dir / "config-cache.json").load())
    api.stop()
    settings = settings_for(state_dir, None, config_url=config_url(api.base, GATEWAY))
    source = _source(api, settings.config_cache_path)
    with RunningGateway(settings, SqliteQueue(settings.queue_path), source) as gateway:
        assert gateway.metrics.config_from_cache and gateway.metrics.config_revision == 1


def test_first_start_without_api_or_cache_waits_for_the_api(api, tmp_path):
    # GIVEN no cache and the API down when the gateway boots
    port = api.server.server_address[1]
    api.stop()
    later: list[ConfigApi] = []
    threading.Timer(1.5, lambda: later.append(ConfigApi(api.body, port))).start()
    settings = settings_for(tmp_path / "state", None, config_url=config_url(api.base, GATEWAY))
    source = _source(api, settings.config_cache_path)
    try:
        # WHEN the API comes up a little later THEN the gateway starts from it
        with RunningGateway(settings, SqliteQueue(settings.queue_path), source) as gateway:
            assert gateway.metrics.config_revision == 1 and not gateway.metrics.config_from_cache
    finally:
        for server in later:
            server.stop()


@pytest.mark.parametrize(
    ("name", "content", "named"),
    [
        ("bad.yaml", "tenant_id: {t}\ngateway_id: {g}\nrevision: 1\nconnections:\n"
         "  - connection_id: {g}\n    name: rtu\n    endpoint_url: http://wrong\n",
         "connections.0.endpoint_url"),
        ("bad.json", '{{"tenant_id": "{t}", "gateway_id": "{g}"}}', "revision"),
        ("broken.json", '{{"tenant_id": ', "(syntax)"),
    ],
)  # fmt: skip
def test_bad_local_config_file_fails_naming_the_field(tmp_path, name, content, named):
    path = tmp_path / name
    path.write_text(content.format(t=TENANT, g=GATEWAY))
    result = subprocess.run(
        [sys.executable, "-m", "edge_gateway", "--config-file", str(path),
         "--state-dir", str(tmp_path / "state")],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
        env={"WELLOS_GATEWAY_SECRET": SECRET, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 2
    logged = [json.loads(line)["message"] for line in result.stderr.splitlines() if line]
    assert any(str(path) in line and named in line for line in logged), logged


def test_new_revision_is_picked_up_without_restart(tmp_path):
    layout = FieldLayout(2, 2, base_port=free_port())
    quick = {"batch": BatchSettings(max_age_s=0.2), "publishing_interval_ms": 100}
    first = gateway_config(layout, TENANT, GATEWAY, **quick)
    first.connections[0].tags = first.connections[0].tags[:1]
    path = write_config(tmp_path / "site.yaml", first)
    with ThreadedRtu(layout, rate_hz=5.0) as rtu:
        rtu.start_ticking()
        settings = settings_for(tmp_path / "state", path)
        with RunningGateway(settings, SqliteQueue(settings.queue_path)) as gateway:
            wait_for(lambda: gateway.metrics.readings_published >= 3, 15, "first revision")
            # WHEN the file gets revision 2 with all tags
            write_config(path, gateway_config(layout, TENANT, GATEWAY, revision=2, **quick))
            wait_for(lambda: gateway.metrics.config_revision == 2, 15, "reload")
            wait_for(lambda: gateway.metrics.readings_published >= 20, 15, "all tags")
    # THEN readings of the added tags arrive
    tags = {r.tag_id for b in read_batches(tmp_path / "state" / "queue.db") for r in b.readings}
    assert tags == {1, 2, 3, 4}
    assert node_id(2, "casing_pressure").endswith("Well02.casing_pressure")
