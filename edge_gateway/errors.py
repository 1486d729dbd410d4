"""Errors the gateway raises on purpose.

    GatewayError
    ├── ConfigError                  no usable configuration
    │   ├── ConfigFileError          a local/cached file is unreadable or invalid; names the field
    │   └── ConfigUnavailableError   the API cannot be reached and nothing is cached
    ├── SettingsError                a required gateway setting is missing
    └── SessionLostError             an OPC-UA session died (transport, keepalive, no data)

Queue failures arrive as `shared.core.common.errors.QueueError` from the Queue adapters.
"""

from __future__ import annotations


class GatewayError(Exception):
    """Base of the gateway's own errors."""


class ConfigError(GatewayError):
    """No usable gateway configuration."""


class ConfigFileError(ConfigError):
    def __init__(self, source: str, field: str, reason: str) -> None:
        super().__init__(f"{source}: {field}: {reason}")
        self.source = source
        self.field = field
        self.reason = reason


class ConfigUnavailableError(ConfigError):
    """The config API did not answer usefully and no cached config exists."""


class SettingsError(GatewayError):
    def __init__(self, setting: str, reason: str) -> None:
        super().__init__(f"{setting}: {reason}")
        self.setting = setting


class SessionLostError(GatewayError):
    """The OPC-UA session must be rebuilt (reason says why)."""
