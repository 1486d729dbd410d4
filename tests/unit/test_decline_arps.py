"""Arps models, decline conversions and forecasts against independently computed numbers.

Reference numbers come from closed forms written here with plain floats and
``math`` (never the module under test), from a 30-digit mpmath evaluation of
the same closed forms (the literal tables), and from the published baselines
of pod2co/forecast-comparison (test cases 03, 04, 05; 365.25-day year).
"""

from __future__ import annotations

import doctest
import math
import subprocess
import sys

import numpy as np
import pytest

from shared.core.common.errors import InputError
from shared.core.decline.model import (
    DAYS_PER_MONTH,
    DAYS_PER_YEAR,
    DeclineType,
    Exponential,
    Harmonic,
    Hyperbolic,
    ModifiedHyperbolic,
    TimeUnit,
    arps,
    eur,
    forecast,
    from_nominal,
    history,
    nominal_per_day,
    per_unit,
    reserves,
    time_to_economic_limit,
    to_nominal,
    units,
)

SIG4 = 5e-5  # relative tolerance: 4 significant figures

# --- the reference modified hyperbolic: qi 5000 bbl/d, 90 %/yr secant, b 1.5, 10 %/yr terminal
QI = 5000.0
B = 1.5
DI_YEAR = ((1.0 - 0.90) ** -B - 1.0) / B  # secant effective -> nominal, per year
DLIM_YEAR = -math.log(1.0 - 0.10)  # terminal exponential: effective -> nominal, per year
T_SWITCH_YEAR = (DI_YEAR / DLIM_YEAR - 1.0) / (B * DI_YEAR)


def reference_rate(t_months: float) -> float:
    t = t_months / 12.0
    if t <= T_SWITCH_YEAR:
        return QI * (1.0 + B * DI_YEAR * t) ** (-1.0 / B)
    q_switch = QI * (1.0 + B * DI_YEAR * T_SWITCH_YEAR) ** (-1.0 / B)
    return q_switch * math.exp(-DLIM_YEAR * (t - T_SWITCH_YEAR))


def reference_cumulative(t_months: float) -> float:
    """bbl: rates are per day, so declines per day and time in days."""
    di, dlim = DI_YEAR / 365.25, DLIM_YEAR / 365.25
    t_switch, t = T_SWITCH_YEAR * 365.25, t_months * 365.25 / 12.0
    t_hyp = min(t, t_switch)
    q_hyp = QI * (1.0 + B * di * t_hyp) ** (-1.0 / B)
    volume = QI / ((1.0 - B) * di) * (1.0 - (q_hyp / QI) ** (1.0 - B))
    if t > t_switch:
        volume += q_hyp / dlim * (1.0 - math.exp(-dlim * (t - t_switch)))
    return volume


# t (months), q (bbl/d), Np (bbl) from a 30-digit mpmath evaluation of the closed forms
REFERENCE_TABLE = [
    (0, 5000.0, 0.0),
    (1, 2147.812389, 94064.60076),
    (3, 1186.047465, 188431.3044),
    (6, 777.3967489, 274822.2534),
    (12, 500.0, 386855.1466),
    (24, 318.3448171, 530132.7931),
    (60, 173.9437502, 780307.4612),
    (120, 101.0602209, 1023681.886),
    (360, 12.28656356, 1331430.743),
]


@pytest.fixture
def reference_curve() -> ModifiedHyperbolic:
    di = nominal_per_day(0.90, DeclineType.SECANT, TimeUnit.YEAR, b=B)
    dlim = nominal_per_day(0.10, DeclineType.SECANT, TimeUnit.YEAR)
    return ModifiedHyperbolic(qi=QI, di=di, b=B, dlim=dlim)


@pytest.mark.parametrize(("months", "rate", "cumulative"), REFERENCE_TABLE)
def test_reference_modified_hyperbolic_matches_table(reference_curve, months, rate, cumulative):
    t_days = months * DAYS_PER_MONTH
    assert reference_curve.rate(t_days) == pytest.approx(rate, rel=SIG4)
    assert reference_curve.rate(t_days) == pytest.approx(reference_rate(months), rel=SIG4)
    assert reference_curve.cumulative(t_days) == pytest.approx(cumulative, rel=SIG4, abs=1e-6)
    assert reference_curve.cumulative(t_days) == pytest.approx(
        reference_cumulative(months), rel=SIG4, abs=1e-6
    )


def test_reference_rate_after_one_year_is_ten_percent_of_qi(reference_curve):
    # 90 %/yr secant effective means exactly that: q(1 yr) = (1 - 0.9) qi
    assert reference_curve.rate(DAYS_PER_YEAR) == pytest.approx(500.0, rel=1e-12)


def test_reference_switch_time_and_rate(reference_curve):
    assert DI_YEAR == pytest.approx(20.41518440, rel=1e-9)
    assert reference_curve.switch_time / DAYS_PER_MONTH == pytest.approx(75.53790746, rel=SIG4)
    assert reference_curve.switch_time == pytest.approx(T_SWITCH_YEAR * 365.25, rel=SIG4)
    assert reference_curve.switch_rate == pytest.approx(149.3205994, rel=SIG4)
    assert reference_curve.cumulative(reference_curve.switch_time) == pytest.approx(
        856379.1430, rel=SIG4
    )
    assert reference_curve.decline(reference_curve.switch_time) == pytest.approx(
        DLIM_YEAR / 365.25, rel=1e-12
    )


def test_reference_economic_limit_and_eur(reference_curve):
    # 10 bbl/d: t_el = t* + ln(q*/10)/Dlim
    q_switch = reference_rate(T_SWITCH_YEAR * 12.0)
    expected_years = T_SWITCH_YEAR + math.log(q_switch / 10.0) / DLIM_YEAR
    limit_days = time_to_economic_limit(reference_curve, 10.0)
    assert limit_days / DAYS_PER_YEAR == pytest.approx(31.95444354, rel=SIG4)
    assert limit_days / DAYS_PER_YEAR == pytest.approx(expected_years, rel=SIG4)
    assert eur(reference_curve, 10.0) == pytest.approx(1339357.502, rel=SIG4)
    assert eur(reference_curve, 10.0) == pytest.approx(
        reference_cumulative(expected_years * 12.0), rel=SIG4
    )


def test_eur_capped_by_max_life(reference_curve):
    ten_years = 10 * DAYS_PER_YEAR
    assert eur(reference_curve, 10.0, max_life=ten_years) == pytest.approx(1023681.886, rel=SIG4)


# --- published baselines (pod2co/forecast-comparison), qi 5000 bbl/d over 5 years


def test_published_exponential_baseline():
    di = nominal_per_day(0.70, DeclineType.TANGENT, TimeUnit.YEAR)
    assert di * 365.25 == pytest.approx(1.203972804, rel=1e-9)
    assert Exponential(5000.0, di).cumulative(5 * 365.25) == pytest.approx(1_513_167.2, rel=SIG4)


def test_published_harmonic_baseline():
    di = nominal_per_day(0.70, DeclineType.SECANT, TimeUnit.YEAR, b=1.0)
    assert di * 365.25 == pytest.approx(2.333333333, rel=1e-9)
    assert Harmonic(5000.0, di).cumulative(1826.25) == pytest.approx(1_987_200.443, rel=SIG4)


def test_published_hyperbolic_baseline():
    di = nominal_per_day(0.70, DeclineType.SECANT, TimeUnit.YEAR, b=0.9)
    assert di * 365.25 == pytest.approx(2.172474632, rel=1e-9)
    curve = Hyperbolic(5000.0, di, 0.9)
    assert curve.cumulative(1826.25) == pytest.approx(1_951_443.722, rel=SIG4)


# --- conversions


def test_secant_conversion_both_ways():
    nominal = to_nominal(0.90, DeclineType.SECANT, b=1.5)
    assert nominal == pytest.approx((0.1**-1.5 - 1.0) / 1.5, rel=1e-12)
    assert from_nominal(nominal, DeclineType.SECANT, b=1.5) == pytest.approx(0.90, rel=1e-12)


def test_tangent_conversion_both_ways():
    nominal = to_nominal(0.90, DeclineType.TANGENT)
    assert nominal == pytest.approx(-math.log(0.1), rel=1e-12)
    assert from_nominal(nominal, DeclineType.TANGENT) == pytest.approx(0.90, rel=1e-12)
    # tangent effective ignores b: it is defined on the tangent exponential
    assert to_nominal(0.90, DeclineType.TANGENT, b=1.5) == pytest.approx(nominal, rel=1e-12)


def test_secant_with_b_zero_is_tangent_and_with_b_one_is_harmonic():
    assert to_nominal(0.4, DeclineType.SECANT, b=0.0) == pytest.approx(-math.log(0.6))
    assert to_nominal(0.4, DeclineType.SECANT, b=1.0) == pytest.approx(0.4 / 0.6)
    assert to_nominal(0.4, DeclineType.SECANT, b=1e-12) == pytest.approx(-math.log(0.6))


def test_secant_tangent_nominal_round_trip_through_per_unit():
    per_day = nominal_per_day(0.90, DeclineType.SECANT, TimeUnit.YEAR, b=1.5)
    assert per_unit(per_day, DeclineType.SECANT, TimeUnit.YEAR, b=1.5) == pytest.approx(0.90)
    assert per_unit(per_day, DeclineType.NOMINAL, TimeUnit.MONTH) == pytest.approx(DI_YEAR / 12)
    tangent_year = per_unit(per_day, DeclineType.TANGENT, TimeUnit.YEAR)
    assert tangent_year == pytest.approx(1.0 - math.exp(-DI_YEAR), rel=1e-12)


def test_nominal_scales_linearly_between_units():
    per_month = nominal_per_day(0.5, DeclineType.NOMINAL, TimeUnit.MONTH)
    per_year = nominal_per_day(6.0, DeclineType.NOMINAL, TimeUnit.YEAR)
    assert per_month == pytest.approx(per_year)
    assert TimeUnit.MONTH.days == 30.4375


@pytest.mark.parametrize("value", [1.0, 1.5, -0.1, math.nan])
def test_effective_decline_outside_zero_one_names_field(value):
    with pytest.raises(InputError) as caught:
        to_nominal(value, DeclineType.SECANT, b=1.0, field="di")
    assert caught.value.field == "di"


def test_negative_b_in_conversion_names_b():
    with pytest.raises(InputError) as caught:
        to_nominal(0.5, DeclineType.SECANT, b=-1.0)
    assert caught.value.field == "b"


# --- limits and identities

T = np.array([0.0, 1.0, 30.0, 365.25, 3652.5, 36525.0])


def test_hyperbolic_b_zero_is_exponential():
    hyperbolic, exponential = Hyperbolic(1000.0, 0.003, 0.0), Exponential(1000.0, 0.003)
    np.testing.assert_allclose(hyperbolic.rate(T), exponential.rate(T), rtol=1e-12)
    np.testing.assert_allclose(hyperbolic.cumulative(T), exponential.cumulative(T), rtol=1e-12)
    tiny_b = Hyperbolic(1000.0, 0.003, 1e-9)
    np.testing.assert_allclose(tiny_b.cumulative(T), exponential.cumulative(T), rtol=1e-6)


def test_hyperbolic_b_one_is_harmonic():
    hyperbolic, harmonic = Hyperbolic(1000.0, 0.003, 1.0), Harmonic(1000.0, 0.003)
    np.testing.assert_allclose(hyperbolic.rate(T), harmonic.rate(T), rtol=1e-12)
    np.testing.assert_allclose(hyperbolic.cumulative(T), harmonic.cumulative(T), rtol=1e-12)
    np.testing.assert_allclose(hyperbolic.decline(T), harmonic.decline(T), rtol=1e-12)


@pytest.mark.parametrize("b", [1.0 - 1e-9, 1.0 + 1e-9, 1.0 - 1e-6, 1.0 + 1e-6])
def test_hyperbolic_cumulative_is_continuous_near_b_one(b):
    harmonic = Harmonic(1000.0, 0.003).cumulative(T)
    np.testing.assert_allclose(Hyperbolic(1000.0, 0.003, b).cumulative(T), harmonic, rtol=2e-5)


def test_harmonic_cumulative_textbook_form():
    curve = Harmonic(800.0, 0.004)
    q = curve.rate(1000.0)
    assert curve.cumulative(1000.0) == pytest.approx(800.0 / 0.004 * math.log(800.0 / q))


def test_exponential_cumulative_textbook_form():
    curve = Exponential(800.0, 0.004)
    assert curve.cumulative(1000.0) == pytest.approx((800.0 - curve.rate(1000.0)) / 0.004)


MODELS = [
    Exponential(1200.0, 0.002),
    Harmonic(1200.0, 0.004),
    Hyperbolic(1200.0, 0.01, 0.6),
    Hyperbolic(1200.0, 0.03, 1.8),
    ModifiedHyperbolic(1200.0, 0.03, 1.4, 0.0004),
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_cumulative_is_integral_of_rate(model):
    t = np.linspace(0.0, 20 * 365.25, 400_001)
    q = model.rate(t)
    integral = np.concatenate([[0.0], np.cumsum((q[1:] + q[:-1]) / 2 * np.diff(t))])
    np.testing.assert_allclose(model.cumulative(t[::4000]), integral[::4000], rtol=1e-6)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_time_to_rate_inverts_rate(model):
    t = np.array([1.0, 100.0, 1000.0, 5000.0, 20000.0])
    np.testing.assert_allclose(model.time_to_rate(model.rate(t)), t, rtol=1e-9)
    assert model.time_to_rate(5000.0) == 0.0
    assert model.time_to_rate(0.0) == math.inf


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_scalar_in_float_out_and_array_in_array_out(model):
    assert isinstance(model.rate(10.0), float)
    assert isinstance(model.cumulative(10), float)
    assert model.rate(T).shape == T.shape
    assert model.cumulative([1.0, 2.0]).shape == (2,)


def test_modified_hyperbolic_is_continuous_at_switch():
    curve = ModifiedHyperbolic(1000.0, 0.02, 1.2, 0.0005)
    ts, eps = curve.switch_time, 1e-7
    assert curve.rate(ts - eps) == pytest.approx(curve.rate(ts + eps), rel=1e-9)
    assert curve.cumulative(ts - eps) == pytest.approx(curve.cumulative(ts + eps), rel=1e-9)
    hyperbolic = Hyperbolic(1000.0, 0.02, 1.2)
    assert curve.rate(ts / 2) == hyperbolic.rate(ts / 2)
    assert curve.decline(ts * 2) == pytest.approx(0.0005)


def test_modified_hyperbolic_starting_below_terminal_is_terminal_exponential():
    curve = ModifiedHyperbolic(1000.0, 0.0002, 1.2, 0.0005)
    assert curve.switch_time == 0.0
    assert curve.rate(1000.0) == pytest.approx(Exponential(1000.0, 0.0005).rate(1000.0))


def test_modified_hyperbolic_with_b_zero_never_switches():
    curve = ModifiedHyperbolic(1000.0, 0.002, 0.0, 0.0005)
    assert curve.switch_time == math.inf
    assert curve.cumulative(5000.0) == pytest.approx(Exponential(1000.0, 0.002).cumulative(5000.0))
    assert curve.time_to_rate(10.0) == pytest.approx(Exponential(1000.0, 0.002).time_to_rate(10.0))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"qi": 0.0, "di": 0.1, "b": 1.0, "dlim": 0.01}, "qi"),
        ({"qi": 10.0, "di": -0.1, "b": 1.0, "dlim": 0.01}, "di"),
        ({"qi": 10.0, "di": 0.1, "b": -0.5, "dlim": 0.01}, "b"),
        ({"qi": 10.0, "di": 0.1, "b": 1.0, "dlim": 0.0}, "dlim"),
        ({"qi": math.inf, "di": 0.1, "b": 1.0, "dlim": 0.01}, "qi"),
    ],
)
def test_invalid_parameters_name_the_field(kwargs, field):
    with pytest.raises(InputError) as caught:
        ModifiedHyperbolic(**kwargs)
    assert caught.value.field == field


def test_non_positive_economic_limit_names_the_field():
    with pytest.raises(InputError) as caught:
        eur(Exponential(100.0, 0.001), 0.0)
    assert caught.value.field == "economic_limit"


# --- forecast


def test_forecast_monthly_points_eur_and_remaining(reference_curve):
    start = 24 * DAYS_PER_MONTH
    result = forecast(reference_curve, 36, 10.0, start_days=start, produced=520_000.0)
    assert len(result.points) == 36
    first, last = result.points[0], result.points[-1]
    assert first.t_days == pytest.approx(25 * DAYS_PER_MONTH)
    assert first.rate == pytest.approx(reference_rate(25), rel=SIG4)
    model_volume = reference_cumulative(25) - reference_cumulative(24)
    assert first.volume == pytest.approx(model_volume, rel=SIG4)
    assert first.cumulative == pytest.approx(520_000.0 + model_volume, rel=SIG4)
    assert last.cumulative == pytest.approx(520_000.0 + sum(p.volume for p in result.points))
    remaining = 1339357.502 - reference_cumulative(24)
    assert result.remaining == pytest.approx(remaining, rel=SIG4)
    assert result.eur == pytest.approx(520_000.0 + remaining, rel=SIG4)


def test_forecast_stops_at_the_economic_limit():
    curve = Exponential(100.0, 0.001)  # reaches 50 bbl/d after 693.1 days
    result = forecast(curve, 60, 50.0)
    assert len(result.points) == math.ceil(693.147 / DAYS_PER_MONTH)
    assert result.points[-1].t_days == pytest.approx(693.147, rel=1e-5)
    assert result.points[-1].rate == pytest.approx(50.0)
    assert result.eur == pytest.approx(50_000.0)
    assert result.produced == 0.0


def test_forecast_past_the_economic_limit_has_no_remaining_reserves():
    result = forecast(Exponential(100.0, 0.001), 12, 50.0, start_days=1000.0, produced=60_000.0)
    assert result.points == ()
    assert result.remaining == 0.0
    assert result.eur == 60_000.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"months": -1}, "months"),
        ({"months": 5000}, "months"),
        ({"economic_limit": -1.0}, "economic_limit"),
        ({"start_days": -5.0}, "start_days"),
        ({"produced": -5.0}, "produced"),
        ({"max_life": 0.0}, "max_life"),
    ],
)
def test_forecast_bad_input_names_the_field(kwargs, field):
    arguments = {"months": 12, "economic_limit": 1.0, **kwargs}
    with pytest.raises(InputError) as caught:
        forecast(Exponential(100.0, 0.001), **arguments)
    assert caught.value.field == field


# --- packaging


def test_evaluating_curves_does_not_import_scipy():
    code = (
        "import sys, shared.core.decline.model.arps, shared.core.decline.model; "
        "print('scipy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("module", [arps, units, reserves, history])
def test_docstring_examples_hold(module):
    failures, _ = doctest.testmod(module, raise_on_error=False, verbose=False)
    assert failures == 0
