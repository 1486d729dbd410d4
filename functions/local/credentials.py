"""The demo's own state: each demo admin's e-mail and password, and which tenants are seeded.

Kept in one JSON file with mode 0600 under the demo state folder, so a restart
prints the same credentials and does not seed twice.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class AdminCredentials:
    email: str
    password: str


class DemoState:
    def __init__(self, path: Path) -> None:
        self._path = path

    def _load(self) -> dict[str, dict[str, Any]]:
        if not self._path.exists():
            return {}
        data = json.loads(self._path.read_text(encoding="utf-8"))
        return {str(slug): dict(entry) for slug, entry in data.get("tenants", {}).items()}

    def _store(self, tenants: dict[str, dict[str, Any]]) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"tenants": tenants}, handle, indent=2, sort_keys=True)
        os.replace(temporary, self._path)

    def _update(self, slug: str, **values: Any) -> None:
        tenants = self._load()
        tenants[slug] = {**tenants.get(slug, {}), **values}
        self._store(tenants)

    def credentials(self, slug: str) -> AdminCredentials | None:
        entry = self._load().get(slug, {})
        if "email" not in entry or "password" not in entry:
            return None
        return AdminCredentials(entry["email"], entry["password"])

    def save_credentials(self, slug: str, credentials: AdminCredentials) -> None:
        self._update(slug, email=credentials.email, password=credentials.password)

    def is_seeded(self, slug: str) -> bool:
        return bool(self._load().get(slug, {}).get("seeded", False))

    def mark_seeded(self, slug: str) -> None:
        self._update(slug, seeded=True)
