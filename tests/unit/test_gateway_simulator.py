"""The simulator's catalog and signals: predictable node ids, faults that show."""

import uuid
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from functions.local.demo_field import alarm_limit
from functions.local.simulator.catalog import FieldLayout, field_tags, gateway_config, tag_specs
from functions.local.simulator.history import SensorHistory
from functions.local.simulator.signals import FAULTS, FieldSignals, LiveFault


def test_node_ids_are_predictable_and_spread_over_servers():
    layout = FieldLayout(wells=5, tags=3, servers=2, base_port=4840)
    tags = field_tags(layout)
    assert tags[0].node_id == "ns=2;s=Well01.tubing_pressure"
    assert {t.endpoint for t in tags if t.well == 2} == {"opc.tcp://127.0.0.1:4841/wellos/rtu1"}
    assert [t.tag_id for t in tags] == list(range(1, 16))
    config = gateway_config(layout, uuid.uuid4(), uuid.uuid4())
    assert [len(c.tags) for c in config.connections] == [9, 6]


def test_more_tags_than_the_catalog_get_aux_names():
    assert [s.name for s in tag_specs(22)[-2:]] == ["aux_21", "aux_22"]


def _mean(signals, tag, start, seconds=3600, step=60):
    column = signals.columns[tag]
    return np.mean([signals.sample(start + t)[0][0, column] for t in range(0, seconds, step)])


@pytest.mark.parametrize(
    ("fault", "tag", "direction"),
    [("bearing_wear", "vibration", 1), ("pump_off", "motor_current", -1),
     ("tubing_leak", "tubing_pressure", -1), ("gas_lock", "flow_rate", -1),
     ("flowline_blockage", "tubing_pressure", 1)],
)  # fmt: skip
def test_injected_faults_move_their_signature_tag(fault, tag, direction):
    start = 1_800_000_000.0
    healthy = FieldSignals([1], tag_specs(20), seed=1, start=start, fault_ramp_s=60, bad_rate=0)
    faulty = FieldSignals([1], tag_specs(20), seed=1, start=start, fault_ramp_s=60, bad_rate=0)
    faulty.set_fault(1, fault, start)
    change = _mean(faulty, tag, start) / _mean(healthy, tag, start) - 1
    assert change * direction > 0.25


def test_bad_quality_samples_are_occasional_and_unknown_faults_refused():
    signals = FieldSignals([1, 2], tag_specs(20), seed=3, start=0.0, bad_rate=0.01)
    statuses = np.concatenate([signals.sample(float(t))[1].ravel() for t in range(500)])
    assert 0.003 < np.mean(statuses != 0) < 0.03
    assert set(FAULTS) == {
        "bearing_wear", "pump_off", "tubing_leak", "gas_lock", "flowline_blockage",
    }  # fmt: skip
    with pytest.raises(ValueError, match="unknown fault"):
        signals.set_fault(1, "meteor", 0.0)


@pytest.mark.parametrize("seed", [1, 17, 4242])
def test_the_demos_blockage_takes_tubing_pressure_over_its_alarm_limit_and_back(seed):
    # as the demo runs it (functions/local/demo_field.py): well 3, ramp 15 s
    now = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    history = SensorHistory(seed, now - timedelta(days=16))
    limit = alarm_limit(history, 3, now)
    start = now.timestamp()
    signals = FieldSignals([3], tag_specs(8), seed, start, 15.0, 0.0, history)
    column = signals.columns["tubing_pressure"]

    def pressures(first: int, last: int) -> list[float]:
        return [float(signals.sample(start + t)[0][0, column]) for t in range(first, last)]

    before = pressures(0, 60)
    signals.set_fault(3, "flowline_blockage", start + 60)
    during = pressures(80, 140)
    signals.set_fault(3, None, start + 140)
    after = pressures(141, 200)
    assert max(before) < limit < min(during) and max(after) < limit


def test_live_faults_parse_and_refuse_what_cannot_work():
    assert LiveFault.parse("3:flowline_blockage:20/600") == LiveFault(
        3, "flowline_blockage", 20.0, 600.0
    )
    assert str(LiveFault(3, "pump_off", 5.0)) == "3:pump_off:5"
    for bad in ("3:meteor:20", "0:pump_off:20", "3:pump_off:-1", "3:pump_off:x", "3:pump_off"):
        with pytest.raises(ValueError):
            LiveFault.parse(bad)
