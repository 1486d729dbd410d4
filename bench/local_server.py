"""What the HTTP benches share: a fresh master database and its Settings, a uvicorn
server of the API on a free port, its environment, and dropping the bench's
databases afterwards."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from shared.adapters.sql.urls import connectable, normalize_url
from shared.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_environment(settings: Settings, **extra: str) -> dict[str, str]:
    """This process's environment without WELLOS_*, plus the bench's settings and `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WELLOS_")}
    assert settings.jwt_secret is not None
    env.update(
        WELLOS_DATABASE_URL=settings.require_database_url(),
        WELLOS_STATE_DIR=str(settings.state_dir),
        WELLOS_TENANT_DB_PREFIX=settings.tenant_db_prefix,
        WELLOS_JWT_SECRET=settings.jwt_secret.get_secret_value(),
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """uvicorn serving the API on 127.0.0.1:`port`, once its health check answers.

    With `WELLOS_BENCH_PROFILE=<file>` in this process's environment, the server runs
    under `bench/profile_server.py` and writes its profile there when it stops."""
    profile = os.environ.get("WELLOS_BENCH_PROFILE")
    if profile:  # cProfile in every thread, written to that file when the server stops
        command = [sys.executable, str(ROOT / "bench" / "profile_server.py"), profile]
        command += f"--port {port}".split()
    else:
        command = [sys.executable, "-m", "uvicorn", "functions.api.app:create_app", "--factory"]
        command += f"--host 127.0.0.1 --port {port} --no-access-log --log-level warning".split()
    with log.open("wb") as sink:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=sink)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError(f"uvicorn did not start: {log.read_text()[-2000:]}")


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of process `pid` (Linux /proc), None where unavailable.

    The server's CPU per request holds up on a loaded machine, where requests/s do not.
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drop_databases(admin: sa.Engine, master_name: str, prefix: str) -> None:
    """The bench's master database and every tenant database under `prefix`."""
    with admin.connect() as connection:
        tenant_dbs = connection.execute(
            sa.text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
            {"p": prefix.replace("_", "\\_") + "%"},  # "_" is a LIKE wildcard
        ).scalars()
        for name in [*tenant_dbs, master_name]:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def bench_master(server: str, **settings: Any) -> Iterator[Settings]:
    """Settings of a new, empty master database on `server` (a fresh state dir, tenant
    prefix and JWT secret, plus `settings`); the databases and the dir go afterwards."""
    run_id = uuid.uuid4().hex[:8]
    master_name, prefix = f"wellos_bench_{run_id}", f"wb_{run_id}_t_"
    state_dir = Path(tempfile.mkdtemp(prefix="wellos-bench-"))
    admin = sa.create_engine(
        normalize_url(server), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    chosen = Settings(
        database_url=connectable(normalize_url(server), master_name),
        state_dir=state_dir,
        tenant_db_prefix=prefix,
        jwt_secret=secrets.token_urlsafe(48),
        **settings,
    )
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{master_name}"'))
    try:
        yield chosen
    finally:
        drop_databases(admin, master_name, prefix)
        shutil.rmtree(state_dir, ignore_errors=True)
