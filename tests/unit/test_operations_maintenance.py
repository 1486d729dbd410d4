"""Equipment metrics over work-order histories, against hand-computed figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from shared.core.common.errors import InputError
from shared.core.operations.model.maintenance import (
    Window,
    downtime,
    equipment_metrics,
    failures,
)
from shared.core.operations.model.work_orders import (
    CostCategory,
    CostLine,
    Downtime,
    NewWorkOrder,
    PartLine,
    add_cost,
    add_part,
    cancel,
    open_work_order,
    record_downtime,
)


def _at(day: int, hour: int = 0, month: int = 1) -> datetime:
    year = 2024 if month == 12 else 2025
    return datetime(year, month, day, hour, tzinfo=UTC)


def _wo(wid, created, equipment="pump-1", failure_at=None, downtime_spans=(), cost=None, parts=()):
    order = open_work_order(
        NewWorkOrder(wid, "well-1", "job", equipment_id=equipment, failure_at=failure_at),
        created,
        "u",
    )
    for start, end in downtime_spans:
        order = record_downtime(order, Downtime(start, end))
    for qty, unit in parts:
        order = add_part(order, PartLine("P", Decimal(qty), Decimal(unit)))
    if cost is not None:
        order = add_cost(order, CostLine(CostCategory.LABOUR, Decimal(cost)))
    return order


WINDOW = Window(_at(1), _at(11))  # 240 hours


def _history():
    return [
        # a failure on Jan 2 06:00, down 12 h; 2 parts at 100.50
        _wo(
            "wo1",
            _at(2, 6),
            failure_at=_at(2, 6),
            downtime_spans=[(_at(2, 6), _at(2, 18))],
            parts=[(2, "100.50")],
        ),
        # the same outage logged again by the contractor, overlapping: 06:00 → midnight in all
        _wo("wo2", _at(2, 7), downtime_spans=[(_at(2, 12), _at(3, 0))], cost="300"),
        # a second failure on Jan 8, down 6 h
        _wo("wo3", _at(8), failure_at=_at(8), downtime_spans=[(_at(8), _at(8, 6))], cost="50.25"),
        # a cancelled "failure" (false alarm) is not a failure, but its cost counts
        cancel(_wo("wo4", _at(9), failure_at=_at(9), cost="10"), _at(9, 1), "u", "false alarm"),
        # an outage from before the window: only its 2 hours inside count; its cost does not
        _wo(
            "wo5",
            _at(31, 20, month=12),
            failure_at=_at(31, 20, month=12),
            downtime_spans=[(_at(31, 20, month=12), _at(1, 2))],
            cost="999",
        ),
        # another piece of equipment
        _wo("wo6", _at(5), equipment="sep-2", downtime_spans=[(_at(5), _at(5, 1))]),
    ]


def test_metrics_per_equipment_match_the_hand_computation():
    pump, separator = equipment_metrics(_history(), WINDOW)
    # downtime: Jan 2 06:00-24:00 (18 h, overlaps merged) + Jan 8 6 h + Jan 1 00:00-02:00 = 26 h
    assert pump.equipment_id == "pump-1"
    assert pump.downtime_hours == Decimal("26.00")
    assert pump.uptime_hours == Decimal("214.00")
    # two failures in the window (Jan 2, Jan 8): 214 h / 2
    assert pump.failures == 2
    assert pump.mtbf_hours == Decimal("107.00")
    # 2 x 100.50 + 300 + 50.25 + 10 (cancelled, still spent); wo5 was created before the window
    assert pump.cost == Decimal("561.25")
    assert pump.work_orders == 5
    assert (separator.equipment_id, separator.failures, separator.mtbf_hours) == ("sep-2", 0, None)
    assert separator.downtime_hours == Decimal("1.00")


def test_downtime_counts_an_outage_once_however_many_orders_log_it():
    span = (_at(3), _at(3, 5))
    orders = [_wo(f"w{i}", _at(3), downtime_spans=[span]) for i in range(3)]
    assert downtime(orders, WINDOW) == timedelta(hours=5)


def test_one_failure_instant_named_by_two_orders_is_one_failure():
    orders = [_wo("a", _at(4), failure_at=_at(4, 3)), _wo("b", _at(4), failure_at=_at(4, 3))]
    assert failures(orders, WINDOW) == 1


def test_mtbf_hours_keep_the_hundredths():
    # 240 h, 0 downtime, 7 failures: 34.2857… → 34.29
    orders = [_wo(f"f{i}", _at(2 + i), failure_at=_at(2 + i)) for i in range(7)]
    (metrics,) = equipment_metrics(orders, WINDOW)
    assert metrics.mtbf_hours == Decimal("34.29")


def test_a_window_must_end_after_it_starts():
    with pytest.raises(InputError) as caught:
        Window(_at(2), _at(2))
    assert caught.value.field == "window.end"
