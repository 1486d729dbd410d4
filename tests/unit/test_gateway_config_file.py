"""Local config files and settings: errors name the file and the field."""

import uuid

import pytest

from edge_gateway.config_source import gateway_auth_headers, read_config_file
from edge_gateway.errors import ConfigFileError
from edge_gateway.settings import GatewaySettings
from functions.local.simulator.catalog import FieldLayout, config_json, gateway_config

TENANT, GATEWAY = uuid.uuid4(), uuid.uuid4()


def test_yaml_and_json_files_validate_through_the_same_model(tmp_path):
    config = gateway_config(FieldLayout(2, 3, 2), TENANT, GATEWAY)
    json_path = tmp_path / "site.json"
    json_path.write_text(config_json(config))
    yaml_path = tmp_path / "site.yaml"
    yaml_path.write_text(config_json(config))  # JSON is YAML
    assert read_config_file(json_path) == read_config_file(yaml_path) == config


def test_a_bad_field_is_named(tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text(f"tenant_id: {TENANT}\ngateway_id: {GATEWAY}\nrevision: -1\n")
    with pytest.raises(ConfigFileError) as caught:
        read_config_file(path)
    assert caught.value.field == "revision" and str(path) in str(caught.value)


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(ConfigFileError, match=r"missing\.yaml"):
        read_config_file(tmp_path / "missing.yaml")


def test_security_without_a_certificate_is_refused(tmp_path):
    config = gateway_config(FieldLayout(1, 1), TENANT, GATEWAY)
    text = config_json(config).replace('"security_mode": "None"', '"security_mode": "Sign"')
    path = tmp_path / "site.json"
    path.write_text(text)
    with pytest.raises(ConfigFileError, match=r"connections\.0"):
        read_config_file(path)


def test_exactly_one_config_source_is_required(tmp_path):
    with pytest.raises(ValueError, match="exactly one"):
        GatewaySettings(state_dir=tmp_path)
    with pytest.raises(ValueError, match="exactly one"):
        GatewaySettings(config_url="http://x", config_file=tmp_path / "a.json")


def test_auth_headers_carry_the_credential_and_tenant():
    headers = gateway_auth_headers(GATEWAY, "s3", "acme")
    assert headers["Authorization"] == f"Gateway {GATEWAY}:s3"
    assert headers["X-WellOS-Tenant"] == "acme"
