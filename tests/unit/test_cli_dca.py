"""`wellos dca evaluate` and `wellos dca fit` through typer's CliRunner."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from functions.cli.dca import dca_app
from shared.core.decline.model import (
    DAYS_PER_MONTH,
    DeclineType,
    Hyperbolic,
    ModifiedHyperbolic,
    TimeUnit,
    eur,
    nominal_per_day,
)

EVENTS = Path(__file__).resolve().parents[1] / "events"
SIG4 = 5e-5
REFERENCE = [  # qi 5000, 90 %/yr secant, b 1.5, 10 %/yr terminal: t (months), q, Np
    (0, 5000.0, 0.0),
    (1, 2147.812389, 94064.60076),
    (12, 500.0, 386855.1466),
    (60, 173.9437502, 780307.4612),
    (360, 12.28656356, 1331430.743),
]
REFERENCE_ARGS = [
    "evaluate",
    "--model",
    "modified-hyperbolic",
    "--qi",
    "5000",
    "--di",
    "90%",
    "--b",
    "1.5",
    "--dlim",
    "10%",
    "--decline-type",
    "secant",
    "--unit",
    "year",
    "--time-unit",
    "month",
    "--times",
    "0,1,12,60,360",
]

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(dca_app, list(args))


def invoke_json(*args: str) -> dict:
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- help


@pytest.mark.parametrize("command", ["evaluate", "fit"])
def test_help_shows_examples(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert f"wellos dca {command}" in result.output


def test_module_runs_as_a_script():
    result = subprocess.run(
        [sys.executable, "-m", "functions.cli.dca", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "evaluate" in result.stdout and "fit" in result.stdout


def test_evaluate_does_not_import_scipy():
    code = (
        "import sys; from typer.testing import CliRunner; from functions.cli.dca import dca_app; "
        "r = CliRunner().invoke(dca_app, ['evaluate', '-m', 'harmonic', '--qi', '100', "
        "'--di', '50%', '--times', '1']); print(r.exit_code, 'scipy' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["0", "False"]


# --- evaluate


def test_evaluate_reference_modified_hyperbolic_json():
    report = invoke_json(*REFERENCE_ARGS)
    assert report["model"] == "modified_hyperbolic"
    for point, (months, rate, cumulative) in zip(report["points"], REFERENCE, strict=True):
        assert point["t"] == months
        assert point["rate"] == pytest.approx(rate, rel=SIG4)
        assert point["cumulative"] == pytest.approx(cumulative, rel=SIG4, abs=1e-6)
    parameters = report["parameters"]
    assert parameters["di"]["nominal"] == pytest.approx((0.1**-1.5 - 1) / 1.5, rel=1e-9)
    assert parameters["di"]["secant"] == pytest.approx(0.9, rel=1e-9)
    assert parameters["dlim"]["nominal"] == pytest.approx(-math.log(0.9), rel=1e-9)
    assert parameters["switch_time"] == pytest.approx(75.53790746, rel=SIG4)
    assert parameters["switch_rate"] == pytest.approx(149.3205994, rel=SIG4)


def test_evaluate_json_matches_the_module():
    report = invoke_json(*REFERENCE_ARGS, "--economic-limit", "10")
    curve = ModifiedHyperbolic(
        5000.0,
        nominal_per_day(0.9, DeclineType.SECANT, TimeUnit.YEAR, b=1.5),
        1.5,
        nominal_per_day(0.1, DeclineType.SECANT, TimeUnit.YEAR),
    )
    for point in report["points"]:
        assert point["rate"] == curve.rate(point["t"] * DAYS_PER_MONTH)
    assert report["economic_limit"]["eur"] == eur(curve, 10.0)
    assert report["economic_limit"]["eur"] == pytest.approx(1339357.502, rel=SIG4)
    assert report["economic_limit"]["time"] == pytest.approx(31.95444354 * 12, rel=SIG4)


# 50 %/yr secant with b = 0.8, computed here: nominal, then tangent effective
NOMINAL_YEAR = (0.5**-0.8 - 1.0) / 0.8
TANGENT_YEAR = 1.0 - math.exp(-NOMINAL_YEAR)


@pytest.mark.parametrize(
    ("di", "decline_type", "unit"),
    [
        ("50%", "secant", "year"),
        ("0.5", "SECANT", "year"),
        (f"{TANGENT_YEAR!r}", "tangent", "year"),
        (f"{NOMINAL_YEAR!r}", "nominal", "year"),
        (f"{NOMINAL_YEAR / 12!r}", "nominal", "month"),
        (f"{NOMINAL_YEAR / 365.25!r}", "nominal", "day"),
    ],
)
def test_evaluate_accepts_each_decline_convention_and_unit(di, decline_type, unit):
    report = invoke_json(
        "evaluate", "-m", "hyperbolic", "--qi", "1000", "--di", di, "--b", "0.8",
        "--decline-type", decline_type, "--unit", unit, "--time-unit", "year", "--times", "1,5",
    )  # fmt: skip
    one_year, five_years = report["points"]
    assert one_year["rate"] == pytest.approx(500.0, rel=1e-9)  # 50 % secant: half after a year
    expected = 1000.0 * (1.0 + 0.8 * NOMINAL_YEAR * 5.0) ** (-1.0 / 0.8)
    assert five_years["rate"] == pytest.approx(expected, rel=1e-9)


def test_evaluate_times_in_days_default_to_the_decline_unit():
    report = invoke_json(
        "evaluate", "-m", "exponential", "--qi", "100", "--di", "0.001",
        "--decline-type", "nominal", "--unit", "day", "--times", "0,693.147",
    )  # fmt: skip
    assert report["time_unit"] == "day"
    assert report["points"][1]["rate"] == pytest.approx(50.0, rel=1e-6)
    assert report["points"][1]["cumulative"] == pytest.approx(50_000.0, rel=1e-6)


def test_evaluate_prints_tables():
    result = invoke(*REFERENCE_ARGS, "--economic-limit", "10")
    assert result.exit_code == 0, result.output
    for text in ("modified_hyperbolic", "switch time", "2147.81", "386,855", "1,339,358"):
        assert text in result.output


# --- fit


def write_csv(path: Path, rows: list[tuple[str, str]], header=("date", "rate")) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def synthetic_daily_csv(path: Path) -> tuple[Path, Hyperbolic]:
    truth = Hyperbolic(1500.0, nominal_per_day(0.65, DeclineType.SECANT, TimeUnit.YEAR, 0.8), 0.8)
    rng = np.random.default_rng(3)
    t = np.arange(731, dtype=float)
    rates = np.diff(truth.cumulative(t)) * np.exp(rng.normal(0.0, 0.03, 730))
    rates[100:110] = 0.0
    start = date(2023, 1, 1)
    rows = [((start + timedelta(days=i)).isoformat(), f"{q:.3f}") for i, q in enumerate(rates)]
    return write_csv(path, rows), truth


def test_fit_csv_json(tmp_path):
    path, truth = synthetic_daily_csv(tmp_path / "daily.csv")
    args = ("fit", str(path), "--months", "36", "--economic-limit", "5", "--from-start")
    report = invoke_json(*args)
    assert report["model"] in {"hyperbolic", "modified_hyperbolic"}
    assert report["frequency"] == "daily"
    assert report["origin"] == "2023-01-01"
    assert report["parameters"]["qi"] == pytest.approx(truth.qi, rel=0.03)
    assert report["parameters"]["b"] == pytest.approx(truth.b, rel=0.05)
    assert report["parameters"]["di"]["secant"] == pytest.approx(0.65, rel=0.03)
    assert report["points"]["used"] == 720
    assert report["points"]["dropped"]["not_positive"] == 10
    assert len(report["forecast"]) == 36
    first_month_end = date(2023, 1, 1) + timedelta(days=round(730 + DAYS_PER_MONTH))
    assert report["forecast"][0]["date"] == first_month_end.isoformat()
    assert report["eur"] == pytest.approx(report["produced"] + report["remaining"])
    assert report["forecast"][-1]["cumulative"] < report["eur"]
    assert {c["model"] for c in report["candidates"]} == {
        "exponential", "harmonic", "hyperbolic", "modified_hyperbolic",
    }  # fmt: skip


def test_fit_sample_monthly_csv_prints_tables():
    sample = EVENTS / "dca_monthly_oil.csv"
    result = invoke("fit", str(sample), "--rate-column", "oil_bbl_d", "--economic-limit", "5")
    assert result.exit_code == 0, result.output
    for text in ("modified_hyperbolic", "monthly data", "2 before_peak", "EUR", "Forecast"):
        assert text in result.output


def test_fit_sample_daily_csv_with_hours_and_model_choice():
    sample = EVENTS / "dca_daily_gas.csv"
    report = invoke_json(
        "fit", str(sample), "--rate-column", "gas_mcf_d", "--hours-column", "hours_on",
        "--models", "exponential,hyperbolic", "--dlim", "none", "--unit", "month",
    )  # fmt: skip
    assert report["model"] == "hyperbolic"
    assert report["unit"] == "month"
    assert report["parameters"]["qi"] == pytest.approx(2400.0, rel=0.05)
    assert report["parameters"]["b"] == pytest.approx(0.9, rel=0.15)
    assert [c["model"] for c in report["candidates"]] == ["exponential", "hyperbolic"]


# --- bad input: exit code 2 and the option named


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["-m", "hyperbolic", "--qi", "100", "--di", "1.5", "--b", "1", "--times", "1"], "--di"),
        (["-m", "hyperbolic", "--qi", "100", "--di", "50%", "--times", "1"], "--b"),
        (["-m", "exponential", "--qi", "100", "--di", "50%", "--b", "1", "--times", "1"], "--b"),
        (["-m", "modified-hyperbolic", "--qi", "1", "--di", "5%", "--b", "1", "--times", "1"],
         "--dlim"),
        (["-m", "harmonic", "--qi", "100", "--di", "50%", "--dlim", "5%", "--times", "1"],
         "--dlim"),
        (["-m", "harmonic", "--qi", "-5", "--di", "50%", "--times", "1"], "--qi"),
        (["-m", "harmonic", "--qi", "100", "--di", "fast", "--times", "1"], "--di"),
        (["-m", "harmonic", "--qi", "100", "--di", "50%", "--times", "1,x"], "--times"),
        (["-m", "harmonic", "--qi", "100", "--di", "50%", "--times", "-1"], "--times"),
        (["-m", "cubic", "--qi", "100", "--di", "50%", "--times", "1"], "--model"),
        (["-m", "harmonic", "--qi", "100", "--di", "50%", "--times", "1", "--unit", "week"],
         "--unit"),
        (["-m", "harmonic", "--qi", "100", "--di", "50%", "--times", "1",
          "--economic-limit", "0"], "--economic-limit"),
    ],
)  # fmt: skip
def test_evaluate_bad_options_exit_2_naming_the_option(args, option):
    result = invoke("evaluate", *args)
    assert result.exit_code == 2
    assert f"'{option}'" in result.output


def monthly_rows(count: int) -> list[tuple[str, str]]:
    return [(f"{2020 + i // 12}-{i % 12 + 1:02d}", f"{1000 * 0.95**i:.2f}") for i in range(count)]


@pytest.mark.parametrize(
    ("rows", "args", "option"),
    [
        (monthly_rows(24), ["--rate-column", "oil"], "--rate-column"),
        (monthly_rows(24), ["--date-column", "day"], "--date-column"),
        (monthly_rows(24), ["--hours-column", "hours"], "--hours-column"),
        (monthly_rows(5), [], "--rate-column"),
        ([(d, "0") for d, _ in monthly_rows(12)], [], "--rate-column"),
        (list(reversed(monthly_rows(12))), [], "--date-column"),
        ([*monthly_rows(12), monthly_rows(12)[-1]], [], "--date-column"),
        ([("March 2020", "5"), *monthly_rows(12)], [], "--date-column"),
        (monthly_rows(24), ["--models", "cubic"], "--models"),
        (monthly_rows(24), ["--dlim", "abc"], "--dlim"),
        (monthly_rows(24), ["--dlim", "150%"], "--dlim"),
        (monthly_rows(24), ["--months", "-1"], "--months"),
        (monthly_rows(24), ["--economic-limit", "-1"], "--economic-limit"),
    ],
)
def test_fit_bad_input_exits_2_naming_the_option(tmp_path, rows, args, option):
    path = write_csv(tmp_path / "rates.csv", rows)
    result = invoke("fit", str(path), *args)
    assert result.exit_code == 2, result.output
    assert f"'{option}'" in result.output


def test_fit_missing_or_empty_file_exits_2(tmp_path):
    assert invoke("fit", str(tmp_path / "absent.csv")).exit_code == 2
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = invoke("fit", str(empty))
    assert result.exit_code == 2
    assert "'CSV'" in result.output
