"""An embedded PostgreSQL 16 (the `pgserver` wheel) for laptops without a server.

Its data directory lives under the state folder, so data survives restarts; it
listens on a unix socket inside that directory only.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pgserver


@dataclass
class EmbeddedPostgres:
    data_dir: Path
    url: str
    _server: Any

    def stop(self) -> None:
        self._server.cleanup()


def start_embedded_postgres(data_dir: Path, fresh: bool = False) -> EmbeddedPostgres:
    """Start (or reuse) PostgreSQL on `data_dir`; `fresh` wipes it first."""
    if fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(data_dir), cleanup_mode="stop")  # type: ignore[attr-defined]
    return EmbeddedPostgres(data_dir=data_dir, url=str(server.get_uri()), _server=server)
