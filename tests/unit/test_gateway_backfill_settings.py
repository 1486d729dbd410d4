"""Per-connection backfill: the site's override, else the connection's config, else the default."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from edge_gateway.opc.backfill import BackfillOptions
from edge_gateway.service import GatewayService
from edge_gateway.settings import ConnectionTuning, GatewaySettings
from shared.adapters.memory.queue import InMemoryQueue
from shared.core.scada.model.gateway_config import ConnectionConfig


def connection(**values: object) -> ConnectionConfig:
    return ConnectionConfig.model_validate(
        {"connection_id": str(uuid.uuid4()), "name": "RTU-7",
         "endpoint_url": "opc.tcp://10.0.0.7:4840", **values}
    )  # fmt: skip


def backfill_of(tmp_path: Path, config: ConnectionConfig, **settings: object) -> BackfillOptions:
    gateway_settings = GatewaySettings(
        config_file=tmp_path / "gateway.yaml", state_dir=tmp_path, secret="s" * 32, **settings
    )
    service = GatewayService(gateway_settings, InMemoryQueue(), source=None)  # type: ignore[arg-type]
    try:
        return service._acquisition_options(config).backfill
    finally:
        service.buffer.close()


def test_a_connection_without_settings_takes_the_gateway_default(tmp_path: Path) -> None:
    assert backfill_of(tmp_path, connection()) == BackfillOptions(True, 3600.0)
    assert backfill_of(tmp_path, connection(), backfill=False, backfill_max_s=60) == (
        BackfillOptions(False, 60.0)
    )


def test_the_connection_config_turns_backfill_off_or_shortens_it(tmp_path: Path) -> None:
    assert backfill_of(tmp_path, connection(backfill=False)).enabled is False
    assert backfill_of(tmp_path, connection(backfill_max_s=600)) == BackfillOptions(True, 600.0)


def test_the_site_override_wins_over_the_connection_config(tmp_path: Path) -> None:
    override = {"RTU-7": ConnectionTuning(backfill=True, backfill_max_s=120)}
    chosen = backfill_of(
        tmp_path, connection(backfill=False, backfill_max_s=600), connections=override
    )
    assert chosen == BackfillOptions(True, 120.0)


@pytest.mark.parametrize("values", [{"backfill_max_s": 0}, {"backfill_max_s": 8 * 86_400},
                                    {"backfill": "sometimes"}])  # fmt: skip
def test_a_bad_backfill_setting_is_refused(values: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="backfill"):
        connection(**values)
