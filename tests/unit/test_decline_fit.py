"""The robust Arps fit on synthetic daily and monthly histories with known parameters.

Synthetic rates are the true curve's period averages (Δ cumulative / Δ days)
times log-normal noise, with downtime days (30-80 % of the rate), zero-rate
shut-ins and days reported with zero hours on. Expected parameters are the
true curve's rate and decline at the fit's origin (the peak it starts from).

Tolerances follow the spread of the estimates over 30 noise seeds, not the
seeds used here: 3 years of daily data pin qi, Di and b to a few percent; 60
monthly points with 2 % noise pin qi and b to ~5 % and Di to ~10 %. With a
steep b = 1.5 decline, monthly averages hardly see the decline at t = 0, so
qi and Di spread more (about 12 % and 30 % at 4 % noise) while the forecast
they make (rate after a year, EUR) stays within 2-3 %.
"""

from __future__ import annotations

import doctest
import math
from datetime import date, timedelta

import numpy as np
import pytest

from shared.core.common.errors import InputError
from shared.core.decline.model import (
    DAYS_PER_MONTH,
    ArpsModel,
    DeclineType,
    Exponential,
    Harmonic,
    Hyperbolic,
    ModifiedHyperbolic,
    TimeUnit,
    eur,
    forecast,
    nominal_per_day,
    tables,
)
from shared.core.decline.model import fit as fit_module
from shared.core.decline.model.fit import fit_decline
from shared.core.decline.model.history import prepare_history, produced_volume
from shared.core.decline.model.tables import read_rate_rows

START = date(2022, 1, 1)


def per_day(effective: float, b: float = 0.0) -> float:
    return nominal_per_day(effective, DeclineType.SECANT, TimeUnit.YEAR, b=b)


def month_starts(count: int, first: date = START) -> list[date]:
    months = [first.year * 12 + first.month - 1 + i for i in range(count)]
    return [date(m // 12, m % 12 + 1, 1) for m in months]


def period_averages(model: ArpsModel, edges_days: np.ndarray) -> np.ndarray:
    return np.diff(model.cumulative(edges_days)) / np.diff(edges_days)


def daily_history(model: ArpsModel, days: int, seed: int, noise: float = 0.05):
    """Rates with noise, 5 % downtime days, 3 % zero-rate days and a 14-day shut-in."""
    rng = np.random.default_rng(seed)
    rates = period_averages(model, np.arange(days + 1, dtype=float))
    rates *= np.exp(rng.normal(0.0, noise, days))
    downtime = rng.random(days) < 0.05
    rates[downtime] *= rng.uniform(0.3, 0.8, downtime.sum())
    rates[rng.random(days) < 0.03] = 0.0
    rates[200:214] = 0.0
    hours = np.full(days, 24.0)
    hours[300:305] = 0.0  # shut in, with a stale rate still reported
    dates = [START + timedelta(days=i) for i in range(days)]
    return dates, rates.tolist(), hours.tolist()


def monthly_history(model: ArpsModel, months: int, seed: int, noise: float = 0.04):
    rng = np.random.default_rng(seed)
    dates = month_starts(months + 1)
    edges = np.array([(d - START).days for d in dates], dtype=float)
    rates = period_averages(model, edges) * np.exp(rng.normal(0.0, noise, months))
    rates[7] = 0.0
    return dates[:-1], rates.tolist()


def expected_at_origin(model: ArpsModel, origin: date) -> dict[str, float]:
    t = float((origin - START).days)
    return {"qi": model.rate(t), "di": model.decline(t)}


def assert_recovers(result, model: ArpsModel, rel: float, di_rel: float | None = None) -> None:
    expected = expected_at_origin(model, result.origin)
    fitted = result.model.parameters()
    assert fitted["qi"] == pytest.approx(expected["qi"], rel=rel)
    assert fitted["di"] == pytest.approx(expected["di"], rel=di_rel or rel)
    assert fitted["b"] == pytest.approx(model.parameters()["b"], rel=rel, abs=0.02)


def assert_forecasts_like(result, model: ArpsModel, rel: float) -> None:
    """Rate after a year and 30-year EUR to 5 vol/d (from the fit's own origin)."""
    shift = float((result.origin - START).days)
    assert result.model.rate(365.25) == pytest.approx(model.rate(shift + 365.25), rel=rel)
    life = 30 * 365.25
    expected = eur(model, 5.0, shift + life) - model.cumulative(shift)
    assert eur(result.model, 5.0, life) == pytest.approx(expected, rel=rel)


# --- recovery and model choice


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_daily_hyperbolic_with_downtime_and_shut_ins(seed):
    truth = Hyperbolic(1500.0, per_day(0.65, b=0.8), 0.8)
    dates, rates, hours = daily_history(truth, 3 * 365, seed)
    result = fit_decline(dates, rates, hours_on=hours)
    assert result.model_name in {"hyperbolic", "modified_hyperbolic"}
    assert_recovers(result, truth, rel=0.05)
    assert result.frequency == "daily"
    assert result.dropped["shut_in"] == 5
    assert result.dropped["not_positive"] == sum(1 for r in rates if r == 0.0)
    assert result.points_used + result.points_dropped == len(dates)
    assert result.r_squared_log > 0.9


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_monthly_hyperbolic(seed):
    truth = Hyperbolic(900.0, per_day(0.55, b=0.7), 0.7)
    dates, rates = monthly_history(truth, 60, seed, noise=0.02)
    result = fit_decline(dates, rates, terminal_decline=None)
    assert result.model_name == "hyperbolic"
    assert result.frequency == "monthly"
    assert result.origin == START
    assert_recovers(result, truth, rel=0.06, di_rel=0.10)
    assert_forecasts_like(result, truth, rel=0.03)
    assert result.dropped == {"missing": 0, "not_positive": 1, "shut_in": 0, "before_peak": 0}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_steep_monthly_hyperbolic_recovers_qi_b_and_reserves(seed):
    """With b = 1.5 monthly averages hardly see the decline at t = 0, but its effect, yes."""
    truth = Hyperbolic(1500.0, per_day(0.80, b=1.5), 1.5)
    dates, rates = monthly_history(truth, 60, seed)
    result = fit_decline(dates, rates, terminal_decline=None)
    assert result.model_name == "hyperbolic"
    fitted = result.model.parameters()
    assert fitted["qi"] == pytest.approx(1500.0, rel=0.15)
    assert fitted["di"] == pytest.approx(truth.di, rel=0.35)
    assert fitted["b"] == pytest.approx(1.5, rel=0.06)
    assert_forecasts_like(result, truth, rel=0.03)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_daily_exponential_is_recognised(seed):
    truth = Exponential(800.0, per_day(0.35))
    dates, rates, hours = daily_history(truth, 3 * 365, seed)
    result = fit_decline(dates, rates, hours_on=hours)
    assert result.model_name == "exponential"
    assert_recovers(result, truth, rel=0.03)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_monthly_harmonic_is_recognised(seed):
    truth = Harmonic(800.0, per_day(0.6, b=1.0))
    dates, rates = monthly_history(truth, 60, seed, noise=0.02)
    result = fit_decline(dates, rates)
    assert result.model_name == "harmonic"
    assert_recovers(result, truth, rel=0.05)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_switch_to_terminal_decline_inside_the_history_is_recognised(seed):
    terminal = per_day(0.30)
    truth = ModifiedHyperbolic(1500.0, per_day(0.8, b=1.5), 1.5, terminal)
    assert truth.switch_time < 30 * DAYS_PER_MONTH
    dates, rates = monthly_history(truth, 72, seed, noise=0.02)
    result = fit_decline(dates, rates, terminal_decline=terminal)
    assert result.model_name == "modified_hyperbolic"
    assert result.model.parameters()["b"] == pytest.approx(1.5, rel=0.06)
    by_name = {c.model.name: c.aicc for c in result.candidates}
    assert by_name["modified_hyperbolic"] < by_name["hyperbolic"] - 10
    assert eur(result.model, 5.0) == pytest.approx(eur(truth, 5.0), rel=0.02)


def test_noise_free_history_is_recovered_exactly():
    truth = Hyperbolic(1000.0, 0.01, 1.2)
    dates = [START + timedelta(days=i) for i in range(400)]
    rates = period_averages(truth, np.arange(401.0)).tolist()
    result = fit_decline(dates, rates, terminal_decline=None)
    assert result.model_name == "hyperbolic"
    for name, value in truth.parameters().items():
        assert result.model.parameters()[name] == pytest.approx(value, rel=1e-6)


def test_fit_starts_at_the_peak_after_a_ramp_up():
    truth = Hyperbolic(1200.0, per_day(0.75, b=1.2), 1.2)
    decline_dates, decline_rates = monthly_history(truth, 40, seed=5, noise=0.02)
    ramp_dates = month_starts(2, date(2021, 11, 1))
    history = ([*ramp_dates, *decline_dates], [300.0, 800.0, *decline_rates])
    result = fit_decline(*history, terminal_decline=None)
    assert result.origin == START
    assert result.dropped["before_peak"] == 2
    assert result.model.parameters()["qi"] == pytest.approx(1200.0, rel=0.08)
    assert result.model.parameters()["b"] == pytest.approx(1.2, rel=0.06)
    assert_forecasts_like(result, truth, rel=0.03)
    from_start = fit_decline(*history, terminal_decline=None, from_peak=False)
    assert from_start.origin == ramp_dates[0]
    assert from_start.rmse_log > result.rmse_log


def test_a_lone_late_spike_does_not_move_the_peak():
    truth = Exponential(500.0, per_day(0.4))
    dates, rates = monthly_history(truth, 36, seed=8)
    rates[20] = 2000.0
    result = fit_decline(dates, rates)
    assert result.origin == START
    assert result.model.parameters()["qi"] == pytest.approx(500.0, rel=0.05)


def test_forecast_from_a_fit_continues_after_the_history():
    truth = Hyperbolic(900.0, per_day(0.55, b=0.7), 0.7)
    dates, rates = monthly_history(truth, 36, seed=4, noise=0.02)
    result = fit_decline(dates, rates, terminal_decline=None)
    produced = produced_volume(dates, rates)
    outlook = forecast(result.model, 24, 5.0, start_days=result.history_end_days, produced=produced)
    assert result.history_end_days == (date(2025, 1, 1) - START).days
    assert outlook.points[0].rate == pytest.approx(truth.rate(1096.0 + DAYS_PER_MONTH), rel=0.03)
    assert outlook.eur == pytest.approx(produced + outlook.remaining)
    assert outlook.eur == pytest.approx(eur(truth, 5.0), rel=0.05)


# --- data handling


def test_missing_negative_and_zero_rates_are_dropped_and_counted():
    days = [START + timedelta(days=i) for i in range(12)]
    rates = [100.0, 98.0, None, math.nan, 95.0, -3.0, 0.0, 92.0, 91.0, 90.0, 89.0, 88.0]
    history = prepare_history(days, rates)
    assert history.dropped == {"missing": 2, "not_positive": 2, "shut_in": 0, "before_peak": 0}
    assert history.points_used == 8


def test_weekly_data_is_irregular_and_uses_its_spacing():
    dates = [START + timedelta(weeks=i) for i in range(10)]
    history = prepare_history(dates, [100.0 - i for i in range(10)])
    assert history.frequency == "irregular"
    np.testing.assert_allclose(history.t_end - history.t_start, 7.0)


def test_monthly_periods_follow_the_calendar():
    history = prepare_history(month_starts(8), [100.0 - i for i in range(8)])
    assert list(history.t_end[:3]) == [31.0, 59.0, 90.0]


def test_produced_volume_counts_rate_times_days_in_each_period():
    assert produced_volume(month_starts(3), [100.0, None, 10.0]) == 100.0 * 31 + 10.0 * 31


# --- bad input names the field


def days_from_start(count: int) -> list[date]:
    return [START + timedelta(days=i) for i in range(count)]


@pytest.mark.parametrize(
    ("dates", "rates", "field"),
    [
        (days_from_start(5), [10.0, 9.0, 8.0, 7.0, 6.0], "rates"),  # fewer than 6 points
        (days_from_start(9), [10.0, 0, 0, 9.0, 0, 8.0, 7.0, 6.0, 0], "rates"),
        (days_from_start(8), [0.0] * 8, "rates"),  # all zero
        (days_from_start(8), [None] * 8, "rates"),
        (days_from_start(8), [10.0] * 7, "rates"),  # length mismatch
        ([], [], "dates"),
        ([*days_from_start(7), START], [10.0] * 8, "dates"),  # unsorted
        ([START, *days_from_start(7)], [10.0] * 8, "dates"),  # duplicate
    ],
)
def test_bad_series_name_the_field(dates, rates, field):
    with pytest.raises(InputError) as caught:
        fit_decline(dates, rates)
    assert caught.value.field == field


def test_unsorted_dates_message_shows_the_dates():
    dates = [START, START + timedelta(days=2), START + timedelta(days=1)]
    with pytest.raises(InputError, match="2022-01-02 comes after 2022-01-03"):
        fit_decline(dates, [3.0, 2.0, 1.0])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"models": ["cubic"]}, "models"),
        ({"models": []}, "models"),
        ({"models": ["modified_hyperbolic"], "terminal_decline": None}, "terminal_decline"),
        ({"terminal_decline": -0.1}, "terminal_decline"),
        ({"hours_on": [24.0] * 3}, "hours_on"),
        ({"b_max": 0.0}, "b_max"),
    ],
)
def test_bad_options_name_the_field(kwargs, field):
    with pytest.raises(InputError) as caught:
        fit_decline(days_from_start(10), [100.0 - i for i in range(10)], **kwargs)
    assert caught.value.field == field


def test_read_rate_rows_parses_months_and_blank_cells():
    rows = [{"date": "2024-01", "rate": "12.5"}, {"date": "2024-02-01", "rate": ""}]
    table = read_rate_rows(rows, ["date", "rate"])
    assert table.dates == [date(2024, 1, 1), date(2024, 2, 1)]
    assert table.rates == [12.5, None]
    assert table.hours_on is None


@pytest.mark.parametrize(
    ("rows", "columns", "hours", "field"),
    [
        ([{"day": "2024-01-01", "rate": "1"}], ["day", "rate"], None, "date_column"),
        ([{"date": "2024-01-01", "rate": "1"}], ["date", "rate"], "hours", "hours_column"),
        ([{"date": "01/02/2024", "rate": "1"}], ["date", "rate"], None, "dates"),
        ([{"date": "2024-01-01", "rate": "lots"}], ["date", "rate"], None, "rates"),
    ],
)
def test_read_rate_rows_errors_name_the_field(rows, columns, hours, field):
    with pytest.raises(InputError) as caught:
        read_rate_rows(rows, columns, hours_column=hours)
    assert caught.value.field == field


@pytest.mark.parametrize("module", [fit_module, tables])
def test_docstring_examples_hold(module):
    failures, _ = doctest.testmod(module, raise_on_error=False, verbose=False)
    assert failures == 0
