"""Rules of SCADA connections and tag mappings; each failure names its field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from shared.core.common.errors import InputError

SECURITY_MODES = ("None", "Sign", "SignAndEncrypt")
SECURITY_POLICIES = ("None", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss")
ACQUISITIONS = ("subscription", "polling")
DATA_TYPES = ("float", "int", "bool")
DEADBAND_TYPES = ("none", "absolute", "percent")
TAG_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,99}$")
_ENDPOINT = re.compile(r"^opc\.tcp://[^\s/:]+(:\d{1,5})?(/\S*)?$")

MAX_BACKFILL_S = 7 * 86_400
"""The longest gap a connection may have its gateway read back from history."""

CONNECTION_DEFAULTS: dict[str, Any] = {
    "security_mode": "None",
    "security_policy": "None",
    "acquisition": "subscription",
    "publishing_interval_ms": 1000,
    "polling_interval_ms": 1000,
    "enabled": True,
}
TAG_DEFAULTS: dict[str, Any] = {
    "data_type": "float",
    "sampling_interval_ms": 1000,
    "deadband_type": "none",
    "deadband_value": 0.0,
    "enabled": True,
}


def _one_of(values: Mapping[str, Any], field: str, allowed: tuple[str, ...]) -> None:
    if values.get(field) not in allowed:
        raise InputError(field, f"must be one of {', '.join(allowed)}")


def _within(values: Mapping[str, Any], field: str, low: float, high: float) -> None:
    value = values.get(field)
    if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
        raise InputError(field, f"must be a number from {low:g} to {high:g}")


def _text(values: Mapping[str, Any], field: str, max_length: int, required: bool) -> None:
    value = values.get(field)
    if value is None and not required:
        return
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise InputError(field, f"must be 1-{max_length} characters")


def check_connection(state: Mapping[str, Any], has_password: bool, has_key: bool) -> None:
    """The whole connection after a create or a change (secrets given or kept)."""
    _text(state, "name", 200, required=True)
    endpoint = state.get("endpoint_url")
    if not isinstance(endpoint, str) or len(endpoint) > 512 or not _ENDPOINT.match(endpoint):
        raise InputError("endpoint_url", "must be opc.tcp://host[:port][/path]")
    _one_of(state, "security_mode", SECURITY_MODES)
    _one_of(state, "security_policy", SECURITY_POLICIES)
    if (state["security_mode"] == "None") != (state["security_policy"] == "None"):
        raise InputError("security_policy", "must be None exactly when security_mode is None")
    if state["security_mode"] != "None":
        if not state.get("client_certificate_pem"):
            raise InputError("client_certificate_pem", "is required for Sign and SignAndEncrypt")
        if not has_key:
            raise InputError("client_private_key_pem", "is required for Sign and SignAndEncrypt")
    _text(state, "username", 200, required=False)
    if state.get("username") and not has_password:
        raise InputError("password", "is required when username is set")
    if has_password and not state.get("username"):
        raise InputError("username", "is required when a password is set")
    _one_of(state, "acquisition", ACQUISITIONS)
    _within(state, "publishing_interval_ms", 50, 60_000)
    _within(state, "polling_interval_ms", 50, 3_600_000)
    if state.get("backfill") is not None and not isinstance(state["backfill"], bool):
        raise InputError("backfill", "must be true, false or null")
    if state.get("backfill_max_s") is not None:
        _within(state, "backfill_max_s", 1, MAX_BACKFILL_S)


def check_tag(state: Mapping[str, Any]) -> None:
    """The whole tag mapping after a create or a change."""
    _text(state, "node_id", 512, required=True)
    name = state.get("tag_name")
    if not isinstance(name, str) or not TAG_NAME.match(name):
        raise InputError(
            "tag_name", "must be 1-100 of A-Z, a-z, 0-9, '_', '.', '-' starting with a letter"
        )
    _text(state, "unit", 32, required=False)
    _one_of(state, "data_type", DATA_TYPES)
    _within(state, "sampling_interval_ms", 10, 3_600_000)
    _one_of(state, "deadband_type", DEADBAND_TYPES)
    _within(state, "deadband_value", 0, 1e12)
    if state["deadband_type"] == "percent" and state["deadband_value"] > 100:
        raise InputError("deadband_value", "a percent deadband must be from 0 to 100")
    if state["deadband_type"] == "none" and state["deadband_value"] != 0:
        raise InputError("deadband_value", "must be 0 when deadband_type is none")
