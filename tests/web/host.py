"""A seeded local platform for the office app's browser tests and bench/web.py.

`wellos demo --no-field --json` on a fresh master database of the test server:
two tenants seeded like the demo (wells, two years of production, 15 days of
hourly SCADA history, last night's alerts), the ETL and import workers running,
and the built app at `/`. Stopped and its databases dropped on exit.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from shared.adapters.sql.urls import connectable, normalize_url
from tests.emulators import free_port

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
START_TIMEOUT_S = 240


def find_chromium() -> str | None:
    explicit = os.environ.get("WELLOS_CHROMIUM")
    if explicit and Path(explicit).exists():
        return explicit
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found or next((p for p in CHROMIUM_PATHS if Path(p).exists()), None)


def missing_for_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if find_chromium() is None:
        return "no Chromium (Debian's `chromium` package; .ci/run installs it)"
    if not (WEB / "node_modules" / "@playwright" / "test").is_dir():
        return "web/node_modules is missing (python3 dev.py test runs npm ci)"
    if not (WEB / "dist" / "index.html").is_file():
        return "the office app is not built (python3 dev.py test builds it)"
    return None


@dataclass(frozen=True)
class Host:
    port: int
    tenants: dict[str, dict[str, Any]]
    state_dir: Path

    def url(self, slug: str) -> str:
        return f"http://{slug}.localhost:{self.port}"

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _admin(server_url: str) -> sa.Engine:
    return sa.create_engine(
        normalize_url(server_url), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )


def _wait_ready(process: subprocess.Popen[str], log: Path) -> dict[str, Any]:
    deadline = time.monotonic() + START_TIMEOUT_S
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        event = json.loads(line) if line.startswith("{") else {}
        if event.get("event") == "ready":
            return event
    process.kill()
    raise RuntimeError(f"the demo host did not start: {log.read_text()[-3000:]}")


@contextmanager
def seeded_host(server_url: str, state_dir: Path) -> Iterator[Host]:
    """The demo on a fresh master database of `server_url`; dropped afterwards."""
    name = f"wt_web_{uuid.uuid4().hex[:8]}"
    prefix = f"{name}_t_"
    admin = _admin(server_url)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    master = connectable(normalize_url(server_url), name)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WELLOS_")}
    env.update(
        WELLOS_DATABASE_URL=master,
        WELLOS_STATE_DIR=str(state_dir),
        WELLOS_TENANT_DB_PREFIX=prefix,
        WELLOS_LOG_JSON="false",
        # the ETL walk's operator database is the MariaDB on this machine, which the
        # source policy refuses unless its network is allowed, as on premises
        WELLOS_ETL_ALLOWED_NETWORKS="127.0.0.0/8",
        PYTHONPATH=str(ROOT),
    )
    command = [sys.executable, "-m", "functions.cli.main", "demo", "--no-field", "--json"]
    command += ["--port", str(port)]
    log = state_dir / "host.log"
    state_dir.mkdir(parents=True, exist_ok=True)
    with log.open("w") as sink:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=sink, text=True
        )
    try:
        ready = _wait_ready(process, log)
        tenants = {t["slug"]: t for t in ready["tenants"]}
        yield Host(port, tenants, state_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        _drop(admin, name, prefix)


def _drop(admin: sa.Engine, master: str, prefix: str) -> None:
    with admin.connect() as connection:
        names = connection.execute(
            sa.text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
            {"p": prefix.replace("_", "\\_") + "%"},
        ).scalars()
        for name in [*list(names), master]:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
