"""Secrets from the environment or a local JSON file (laptops and tests).

`WELLOS_SECRET_<NAME>` (name upper-cased, other characters as `_`) wins over the
file; writes go to the file, created with mode 0600. The variables come in as
`environ` (Settings reads them: `Settings.secret_variables`), never from os.environ here.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Mapping
from pathlib import Path

from shared.core.common.errors import SecretNotFoundError


def env_name(name: str) -> str:
    return "WELLOS_SECRET_" + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


class EnvFileSecrets:
    def __init__(self, path: Path, environ: Mapping[str, str] | None = None) -> None:
        self._path = path
        self._environ: Mapping[str, str] = {} if environ is None else environ
        self._lock = threading.Lock()

    def _load(self) -> dict[str, str]:
        if not self._path.exists():
            return {}
        data = json.loads(self._path.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.items()}

    def _store(self, data: dict[str, str]) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # a temporary file left by a crash keeps its old mode otherwise
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
        os.replace(temporary, self._path)

    def get(self, name: str) -> str:
        from_env = self._environ.get(env_name(name))
        if from_env is not None:
            return from_env
        with self._lock:
            value = self._load().get(name)
        if value is None:
            raise SecretNotFoundError(name)
        return value

    def set(self, name: str, value: str) -> None:
        with self._lock:
            data = self._load()
            data[name] = value
            self._store(data)

    def delete(self, name: str) -> None:
        with self._lock:
            data = self._load()
            if data.pop(name, None) is not None:
                self._store(data)
