"""A field device's profile: where the API is, which tenant, who, and its tokens.

A profile is a directory, `<home>/<name>` (home: `--home`, `$WELLOS_FIELD_HOME`,
else `~/.local/share/wellos-field`), holding `config.json` (API URL, tenant,
e-mail, device id), `credentials.json` (access and refresh token, mode 0600) and
`events.sqlite3` (the event store).
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict

CLIENT_VERSION = "1.0.0"
CONFIG_FILE = "config.json"
CREDENTIALS_FILE = "credentials.json"
STORE_FILE = "events.sqlite3"


class FieldSettings(BaseSettings):
    """The field client's one setting, `WELLOS_FIELD_HOME`."""

    model_config = SettingsConfigDict(env_prefix="WELLOS_FIELD_", extra="ignore")

    home: Path | None = None


def default_home() -> Path:
    return FieldSettings().home or Path.home() / ".local" / "share" / "wellos-field"


@dataclass
class Profile:
    directory: Path
    api_url: str = ""
    tenant: str = ""
    email: str = ""
    device_id: str = field(default_factory=lambda: f"cli-{uuid.uuid4().hex[:12]}")
    platform: str = "cli"
    app_version: str = CLIENT_VERSION

    @classmethod
    def load(cls, directory: Path) -> Profile:
        """The profile in `directory`; a new one (with a new device id) is saved there."""
        path = directory / CONFIG_FILE
        if not path.exists():
            profile = cls(directory)
            profile.save()
            return profile
        data: dict[str, Any] = json.loads(path.read_text())
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(directory, **{k: v for k, v in known.items() if k != "directory"})

    def save(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        data = {k: v for k, v in asdict(self).items() if k != "directory"}
        (self.directory / CONFIG_FILE).write_text(json.dumps(data, indent=2) + "\n")

    @property
    def store_path(self) -> Path:
        return self.directory / STORE_FILE

    def credentials(self) -> dict[str, str]:
        path = self.directory / CREDENTIALS_FILE
        return dict(json.loads(path.read_text())) if path.exists() else {}

    def save_credentials(self, access_token: str, refresh_token: str | None) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / CREDENTIALS_FILE
        data = {"access_token": access_token}
        if refresh_token:
            data["refresh_token"] = refresh_token
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(json.dumps(data))
        path.chmod(0o600)

    def view(self) -> dict[str, Any]:
        """The profile for display: no tokens."""
        return {
            "directory": str(self.directory),
            "api_url": self.api_url,
            "tenant": self.tenant,
            "email": self.email,
            "device_id": self.device_id,
            "logged_in": bool(self.credentials().get("access_token")),
        }
