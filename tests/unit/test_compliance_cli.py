"""The month-end commands (tax, emissions, volume) through typer's CliRunner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from functions.cli.main import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def invoke_json(*args: str) -> dict:
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_severance_as_the_issue_states_it():
    """TX oil, 1,000 bbl at $75, October 2026: 4.6 % = $3,450.00 tax, $6.25 fee, due Nov 25."""
    report = invoke_json(
        "tax",
        "severance",
        "--state",
        "TX",
        "--product",
        "oil",
        "--volume",
        "1000",
        "--price",
        "75",
        "--period",
        "2026-10",
    )
    assert (report["tax"], report["fees"], report["rate"], report["due_date"]) == (
        "3450.00",
        "6.25",
        "0.046",
        "2026-11-25",
    )
    assert report["lines"][0]["source"]["url"].startswith("https://comptroller.texas.gov/")


def test_severance_first_production_option():
    report = invoke_json(
        "tax",
        "severance",
        "--state",
        "ok",
        "--product",
        "GAS",
        "--volume",
        "25000",
        "--price",
        "2.40",
        "--period",
        "2026-10",
        "--first-production",
        "2025-03",
    )
    assert report["tax"] == "3051.00"  # 5 % + 0.085 % of $60,000
    assert report["due_date"] == "2026-12-25"


def test_severance_flags_and_reference_prices():
    report = invoke_json(
        "tax",
        "severance",
        "--state",
        "NM",
        "--product",
        "oil",
        "--volume",
        "100",
        "--price",
        "60",
        "--period",
        "2026-10",
        "--flag",
        "stripper_well_property",
        "--reference-price",
        "wti_previous_quarter_average=60",
        "--reference-price",
        "nm_oil_average_annual_taxable_value=14",
    )
    rates = {line["id"]: line["rate"] for line in report["lines"]}
    assert rates["nm_emergency_school_tax_oil"] == "0.0158"


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--period", "2026-13"], "--period"),
        (["--volume", "lots"], "--volume"),
        (["--price", "-5"], "--price"),
        (["--state", "CA"], "--state"),
        (["--first-production", "2027-01"], "--first-production"),
        (["--flag", "nope"], "--flag"),
        (["--reference-price", "wti"], "--reference-price"),
    ],
)
def test_severance_errors_name_the_option_and_exit_2(args, option):
    base = {
        "--state": "TX",
        "--product": "oil",
        "--volume": "1000",
        "--price": "75",
        "--period": "2026-10",
    }
    for name, value in zip(args[::2], args[1::2], strict=True):
        base[name] = value
    result = invoke("tax", "severance", *[part for pair in base.items() for part in pair])
    assert result.exit_code == 2, result.output
    assert option in result.output


def test_combustion_json():
    report = invoke_json("emissions", "combustion", "--gas-scf", "1000000")
    assert (report["co2_t"], report["ch4_t"], report["n2o_t"], report["co2e_t"]) == (
        54.43956,
        0.001026,
        0.000103,
        54.495477,
    )
    assert report["gwp"]["set"] == "AR5"


def test_combustion_measured_hhv_and_ar4():
    report = invoke_json(
        "emissions", "combustion", "--gas-scf", "250000", "--hhv", "1.087", "--gwp", "AR4"
    )
    assert report["co2_t"] == 14.419055
    assert report["gwp"] == {"set": "AR4", "CO2": 1.0, "CH4": 25.0, "N2O": 298.0}


def test_flare_as_the_issue_states_it():
    report = invoke_json(
        "emissions",
        "flare",
        "--gas-scf",
        "1000000",
        "--composition",
        "CH4=0.85,C2H6=0.07,C3H8=0.03,CO2=0.02",
        "--efficiency",
        "0.98",
    )
    assert (report["co2_t"], report["ch4_t"], report["n2o_t"]) == (56.72384, 0.3264, 0.000106)
    assert report["co2e_t"] == pytest.approx(56.72384 + 0.3264 * 28 + 1.057862e-4 * 265, abs=1e-6)


def test_flare_defaults_of_the_reporting_year():
    report = invoke_json(
        "emissions",
        "flare",
        "--gas-scf",
        "1000000",
        "--composition",
        "CH4=0.85,C2H6=0.07,C3H8=0.03,CO2=0.02",
        "--reporting-year",
        "2025",
    )
    assert report["details"]["destruction_efficiency"] == 0.92
    assert report["ch4_t"] == 1.3056


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--composition", "CH4=0.85,CH4=0.1", "--efficiency", "0.98"], "--composition"),
        (["--composition", "CH4=0.95,C2H6=0.2", "--efficiency", "0.98"], "--composition"),
        (["--composition", "CH4", "--efficiency", "0.98"], "--composition"),
        (["--composition", "CH4=0.9", "--efficiency", "1.5"], "--efficiency"),
        (["--composition", "CH4=0.9"], "--efficiency"),
        (["--composition", "CH4=0.9", "--reporting-year", "2025", "--tier", "tier9"], "--tier"),
        (["--composition", "CH4=0.9", "--efficiency", "0.98", "--gwp", "AR9"], "--gwp"),
    ],
)
def test_flare_errors_name_the_option_and_exit_2(args, option):
    result = invoke("emissions", "flare", "--gas-scf", "1000", *args)
    assert result.exit_code == 2, result.output
    assert option in result.output


def test_volume_correct_json():
    """The hand-worked ticket: 250 bbl, 38.6 °API, 83 °F, 0.3 % BS&W: GSV 247.15, NSV 246.41."""
    report = invoke_json(
        "volume",
        "correct",
        "--api-gravity",
        "38.6",
        "--temperature",
        "83",
        "--gov",
        "250",
        "--bsw",
        "0.3",
    )
    assert (report["ctl"], report["gsv"], report["sw"], report["nsv"]) == (
        "0.98860",
        "247.15",
        "0.74",
        "246.41",
    )


def test_volume_correct_from_a_hydrometer_reading():
    """Table 5A line: 8.5 °API at 210 °F is 2.28 -> carried as 2.3 °API into the correction."""
    report = invoke_json(
        "volume",
        "correct",
        "--observed-api-gravity",
        "8.5",
        "--observed-temperature",
        "210",
        "--temperature",
        "90",
        "--gov",
        "100",
    )
    assert report["api_gravity_60"] == 2.3
    assert report["api_gravity_from_hydrometer"] is True


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--api-gravity", "120", "--temperature", "60"], "--api-gravity"),
        (["--api-gravity", "35", "--temperature", "350"], "--temperature"),
        (["--api-gravity", "35", "--temperature", "60", "--pressure", "2000"], "--pressure"),
        (["--api-gravity", "35", "--temperature", "60", "--bsw", "100"], "--bsw"),
        (["--temperature", "60"], "--api-gravity"),
        (
            [
                "--observed-api-gravity",
                "35",
                "--observed-temperature",
                "400",
                "--temperature",
                "60",
            ],
            "--observed-temperature",
        ),
    ],
)
def test_volume_errors_name_the_option_and_exit_2(args, option):
    result = invoke("volume", "correct", "--gov", "100", *args)
    assert result.exit_code == 2, result.output
    assert option in result.output


def test_human_output_and_help():
    result = invoke(
        "tax",
        "severance",
        "--state",
        "TX",
        "--product",
        "gas",
        "--volume",
        "10000",
        "--price",
        "3.10",
        "--period",
        "2026-02",
    )
    assert result.exit_code == 0, result.output
    assert "2325.00" in result.output and "2026-04-20" in result.output
    for group, command in (("tax", "severance"), ("emissions", "flare"), ("volume", "correct")):
        help_text = invoke(group, command, "--help")
        assert help_text.exit_code == 0
        assert f"wellos {group} {command}" in help_text.output
