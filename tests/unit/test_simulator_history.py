"""The simulator's sensor history: the training generator anchored in time, served live."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from functions.local.simulator.catalog import node_id, parse_node_id, tag_specs
from functions.local.simulator.history import SIGNAL_NAMES, PlannedFault, SensorHistory
from functions.local.simulator.signals import BAD_SENSOR_FAILURE, FieldSignals
from models.synthetic import FailureMode

ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)


def test_a_planned_fault_reads_and_writes_its_text_form():
    fault = PlannedFault.parse("2:bearing_wear:2026-11-24T00:00Z/96")
    assert (fault.well, fault.mode, fault.precursor_hours) == (2, FailureMode.BEARING_WEAR, 96)
    assert fault.onset == datetime(2026, 11, 24, tzinfo=UTC)
    assert PlannedFault.parse(str(fault)) == fault
    assert PlannedFault.parse("1:gas_lock:2026-11-24T06:00:00+02:00").precursor_hours == 120


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2:meteor:2026-11-24T00:00Z", "unknown fault 'meteor'; choose from bearing_wear"),
        ("2:pump_off:2026-11-24T00:00", "needs a time zone"),
        ("x:pump_off:2026-11-24T00:00Z", "well must be a number"),
        ("0:pump_off:2026-11-24T00:00Z", "numbered from 1"),
        ("2:pump_off:tomorrow", "not an ISO date-time"),
        ("2:pump_off:2026-11-24T00:00Z/0", "at least 1"),
        ("2:pump_off", "expected WELL:MODE:ONSET"),
    ],
)
def test_a_bad_planned_fault_is_refused_naming_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        PlannedFault.parse(text)


def test_the_history_is_the_same_for_the_same_seed_and_differs_between_wells():
    start, end = ANCHOR + timedelta(days=3), ANCHOR + timedelta(days=4)
    hours, one = SensorHistory(7, ANCHOR).hourly(1, start, end)
    _, again = SensorHistory(7, ANCHOR).hourly(1, start, end)
    _, other = SensorHistory(7, ANCHOR).hourly(2, start, end)
    assert hours[0] == start and len(hours) == 24
    for name in SIGNAL_NAMES:
        np.testing.assert_array_equal(one[name], again[name])
    assert not np.allclose(one["motor_current"], other["motor_current"], equal_nan=True)


def test_a_planned_failure_shows_its_precursors_then_stops_the_pump():
    onset = ANCHOR + timedelta(days=20)
    fault = PlannedFault(3, FailureMode.BEARING_WEAR, onset, precursor_hours=120)
    history = SensorHistory(11, ANCHOR, [fault])
    healthy = SensorHistory(11, ANCHOR)
    day = timedelta(days=1)
    _, calm = history.hourly(3, onset - 10 * day, onset - 9 * day)
    _, last_day = history.hourly(3, onset - day, onset)
    _, same_day_healthy = healthy.hourly(3, onset - day, onset)
    _, after = history.hourly(3, onset + day, onset + 2 * day)
    assert np.nanmedian(last_day["vibration"]) > 2.5 * np.nanmedian(calm["vibration"])
    assert np.nanmedian(same_day_healthy["vibration"]) < 1.3 * np.nanmedian(calm["vibration"])
    assert np.nanmax(after["strokes_per_minute"]) == 0.0


def test_the_simulator_serves_the_history_hour_by_hour():
    # GIVEN simulated wells whose model signals follow a history
    history = SensorHistory(5, ANCHOR)
    specs = tag_specs(8)
    hour = ANCHOR + timedelta(days=2, hours=13)
    signals = FieldSignals([1, 2], specs, seed=1, start=hour.timestamp(), bad_rate=0,
                           history=history)  # fmt: skip
    # WHEN it samples every 30 s for an hour
    samples = np.stack([signals.sample(hour.timestamp() + s)[0] for s in range(0, 3600, 30)])
    # THEN each signal's hourly mean is the history's value for that hour
    for row, well in enumerate((1, 2)):
        _, expected = history.hourly(well, hour, hour + timedelta(hours=1))
        for name in SIGNAL_NAMES:
            column = signals.columns[name]
            mean = samples[:, row, column].mean()
            if np.isfinite(expected[name][0]):
                assert mean == pytest.approx(expected[name][0], rel=0.01, abs=1e-3), name


def test_an_hour_the_history_lacks_is_served_as_a_bad_reading():
    history = SensorHistory(5, ANCHOR)
    specs = tag_specs(8)
    signals = FieldSignals([1], specs, seed=1, start=ANCHOR.timestamp(), bad_rate=0,
                           history=history)  # fmt: skip
    hours, values = history.hourly(1, ANCHOR, ANCHOR + timedelta(days=60))
    gaps = [(h, n) for n in SIGNAL_NAMES for h, v in zip(hours, values[n], strict=True)
            if np.isnan(v)]  # fmt: skip
    assert gaps, "the generator leaves about 0.5 % of hours without a reading"
    moment, name = gaps[0]
    values_now, status = signals.sample(moment.timestamp() + 60)
    bad = {n for n in SIGNAL_NAMES if status[0, signals.columns[n]] == BAD_SENSOR_FAILURE}
    assert bad == {n for h, n in gaps if h == moment}
    assert name in bad and np.isfinite(values_now[0, signals.columns[name]])


def test_node_ids_parse_back_to_well_and_tag():
    assert parse_node_id(node_id(12, "pump_fillage")) == (12, "pump_fillage")
    assert parse_node_id("ns=2;s=Well03") is None
    assert parse_node_id("ns=3;s=Well03.vibration") is None
    assert parse_node_id("ns=2;s=WellXX.vibration") is None
