"""The local host serves the built office app at `/` beside the API (never in the cloud app)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from functions.api.app import create_app
from functions.local.office_app import OfficeApp
from shared.settings import Settings


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html><title>WellOS</title><div id=root></div>")
    (folder / "assets" / "index-abc123.js").write_text("console.log('app')")
    (tmp_path / "secret.txt").write_text("outside dist")
    return folder


@pytest.fixture
def client(dist: Path, tmp_path: Path) -> TestClient:
    api = create_app(settings=Settings(state_dir=tmp_path / "state", log_json=False))
    return TestClient(OfficeApp(api, dist))


def test_the_app_is_at_the_root_and_its_routes_survive_a_reload(client: TestClient) -> None:
    for path in (
        "/",
        "/wells",
        "/wells/6f1c0d2e-0000-4000-8000-000000000000/edit",
        "/alerts?status=OPEN",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "<div id=root>" in response.text
        assert response.headers["cache-control"] == "no-cache"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_built_assets_are_served_and_cached_forever(client: TestClient) -> None:
    response = client.get("/assets/index-abc123.js")
    assert response.status_code == 200
    assert response.text == "console.log('app')"
    assert "immutable" in response.headers["cache-control"]
    assert client.get("/assets/missing.js").status_code == 404


def test_the_api_and_its_docs_stay_where_they_are(client: TestClient) -> None:
    assert client.get("/api/v1/health").json()["status"] == "ok"
    assert client.get("/openapi.json").json()["info"]["title"] == "WellOS API"
    assert client.get("/docs").status_code == 200
    missing = client.get("/api/v1/no-such-route")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_no_path_reaches_a_file_outside_the_build(client: TestClient) -> None:
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt"):
        response = client.get(path)
        assert "outside dist" not in response.text, path


def test_only_reads_are_served_outside_the_api(client: TestClient) -> None:
    assert client.post("/wells").status_code == 405


def test_without_a_build_it_says_how_to_get_one(tmp_path: Path) -> None:
    api = create_app(settings=Settings(state_dir=tmp_path / "state", log_json=False))
    client = TestClient(OfficeApp(api, tmp_path / "nothing"))
    response = client.get("/wells")
    assert response.status_code == 503
    assert "python3 dev.py demo" in response.text
    assert client.get("/api/v1/health").status_code == 200


def test_the_cloud_api_serves_no_app(tmp_path: Path) -> None:
    client = TestClient(create_app(settings=Settings(state_dir=tmp_path / "state", log_json=False)))
    assert client.get("/wells").status_code == 404
