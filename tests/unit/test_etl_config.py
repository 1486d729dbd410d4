"""The ETL configuration: its shape, its checks (naming the path), and the source's schema."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from shared.core.common.errors import InputError
from shared.core.etl.errors import SourceSchemaError
from shared.core.etl.model.config import EtlConfigInput
from shared.core.etl.model.jobs import EtlJob, etl_message, is_due, parse_etl_job
from shared.core.etl.ports.runs import ColumnKind, SourceColumn, SourceTable
from shared.core.etl.services.checks import check_against_source, check_settings


def config(**production) -> dict:
    return {
        "source_kind": "mssql",
        "connection_url": "mssql+pyodbc://reader:pw@sql/ops",
        "entities": {
            "production": {
                "source_schema": "dbo",
                "source_table": "Production Records",
                "key_columns": ["RecordID"],
                "column_mapping": {
                    "well_api_number": "API", "production_date": "Date", "gas_mcf": "Gas",
                },
                **production,
            }
        },
    }  # fmt: skip


def parsed(**production) -> EtlConfigInput:
    return EtlConfigInput.model_validate(config(**production))


def refusal(**production) -> tuple[str, str]:
    with pytest.raises(InputError) as caught:
        check_settings(parsed(**production))
    return caught.value.field, caught.value.reason


def test_defaults_and_the_notes_single_transform_form():
    settings = parsed(transforms={"gas_mcf": {"type": "UNIT", "from_unit": "m3", "to_unit": "mcf"}})
    assert settings.interval_minutes == 15
    assert len(settings.entities["production"].transforms["gas_mcf"]) == 1
    check_settings(settings)


def test_shape_errors_come_from_pydantic_with_their_location():
    with pytest.raises(ValidationError) as caught:
        EtlConfigInput.model_validate({**config(), "interval_minutes": 1})
    assert caught.value.errors()[0]["loc"] == ("interval_minutes",)
    with pytest.raises(ValidationError):
        parsed(transforms={"gas_mcf": {"type": "SQL", "value": "DROP TABLE wells"}})


P = "entities.production"
UNIT = {"type": "UNIT", "from_unit": "m3", "to_unit": "bbl"}
GALLONS = {"type": "UNIT", "from_unit": "gal", "to_unit": "mcf"}
CASES = [
    ({"column_mapping": {"oil_volume": "Oil"}}, f"{P}.column_mapping.oil_volume", "is not a field"),
    ({"column_mapping": {"oil_bbl": "O"}}, f"{P}.column_mapping", "must map well_api_number"),
    ({"transforms": {"oil_bbl": {"type": "TRIM"}}}, f"{P}.transforms.oil_bbl", "names no field"),
    ({"transforms": {"gas_mcf": UNIT}}, f"{P}.transforms.gas_mcf.0.to_unit", "gas_mcf is in mcf"),
    (
        {"transforms": {"gas_mcf": [{"type": "TRIM"}, GALLONS]}},
        f"{P}.transforms.gas_mcf.1.from_unit",
        "converts into mcf only from",
    ),
    (
        {"transforms": {"gas_mcf": {"type": "DATE", "formats": ["%Y"]}}},
        f"{P}.transforms.gas_mcf.0.type",
        "not a date field",
    ),
]


@pytest.mark.parametrize(("production", "field", "reason"), CASES)
def test_semantic_errors_name_the_setting(production, field, reason):
    got_field, got_reason = refusal(**production)
    assert got_field == field
    assert reason in got_reason


def test_map_values_of_a_status_must_be_wellos_statuses():
    settings = EtlConfigInput.model_validate(
        {
            "source_kind": "mysql",
            "entities": {
                "wells": {
                    "source_table": "WellMaster", "key_columns": ["WellID"],
                    "column_mapping": {"api_number": "API", "status": "Status"},
                    "transforms": {"status": {"type": "MAP", "mapping": {"Active": "ACTIV"}}},
                }
            },
        }
    )  # fmt: skip
    with pytest.raises(InputError) as caught:
        check_settings(settings)
    assert caught.value.field == "entities.wells.transforms.status.0.mapping.Active"


def table(*names: str, kind: ColumnKind = ColumnKind.TEXT) -> SourceTable:
    columns = {name: SourceColumn(name, kind, True, "VARCHAR") for name in names}
    return SourceTable("dbo", "Production Records", columns)


def test_names_missing_from_the_reflected_schema_are_refused_with_the_name():
    # GIVEN the source's table without the column `Gas`
    source = table("RecordID", "API", "Date")

    def describe(schema, name):
        return source if (schema, name) == ("dbo", "Production Records") else None

    # WHEN the configuration is checked THEN the missing column is named, and where
    with pytest.raises(SourceSchemaError) as caught:
        check_against_source(parsed(), describe)
    assert caught.value.field == "entities.production.column_mapping.gas_mcf"
    assert "'Gas' does not exist in table 'Production Records'" in caught.value.reason
    # AND a name carrying SQL is just a name that does not exist
    evil = parsed(key_columns=["RecordID; DROP TABLE wells"])
    with pytest.raises(SourceSchemaError, match=r"key_columns\.0"):
        check_against_source(evil, describe)
    # AND a cursor must be a date, time or number
    with pytest.raises(SourceSchemaError, match="must be a date, time or number"):
        check_against_source(
            parsed(cursor_column="API"), lambda s, n: table("RecordID", "API", "Date", "Gas")
        )
    with pytest.raises(SourceSchemaError, match="table 'Production Records' does not exist"):
        check_against_source(parsed(), lambda s, n: None)


def test_job_messages_and_when_a_tenant_is_due():
    at = datetime(2024, 3, 4, 12, 0, 30, tzinfo=UTC)
    message = etl_message(EtlJob("t-1", "schedule"), at)
    assert parse_etl_job(message.body) == EtlJob("t-1", "schedule")
    assert message.message_id == f"etl-t-1-{int(at.timestamp() // 60)}"
    with pytest.raises(InputError, match="message"):
        parse_etl_job(b"not json")
    assert is_due(None, 15, at)
    assert is_due(at - timedelta(minutes=14, seconds=30), 15, at)  # a tick a little early
    assert not is_due(at - timedelta(minutes=10), 15, at)
