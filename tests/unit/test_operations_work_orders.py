"""Work orders: the status machine, closing twice, alerts and inspections, costs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.core.common.errors import ConflictError, InputError
from shared.core.operations.errors import StatusChangeError, WorkOrderClosedError
from shared.core.operations.model.work_order_sources import (
    AlertRef,
    InspectionRef,
    default_policy,
    from_alert,
    from_inspection,
)
from shared.core.operations.model.work_orders import (
    CLOSED,
    TRANSITIONS,
    CostCategory,
    CostLine,
    Downtime,
    NewWorkOrder,
    PartLine,
    Priority,
    Source,
    SourceKind,
    WorkOrderStatus,
    add_cost,
    add_part,
    assign,
    cancel,
    change_status,
    close,
    open_work_order,
    record_downtime,
    schedule,
)

NOW = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)


def _order(**overrides):
    new = NewWorkOrder("wo-1", "well-7", "Replace rod pump", **overrides)
    return open_work_order(new, NOW, "u-manager")


def test_a_work_order_goes_open_scheduled_in_progress_done_with_its_history():
    order = _order(priority=Priority.HIGH, due_date=date(2025, 6, 5))
    order = schedule(order, NOW + timedelta(days=1), NOW + timedelta(minutes=5), "u-manager")
    order = change_status(order, WorkOrderStatus.IN_PROGRESS, NOW + timedelta(days=1), "u-pumper")
    order = close(order, NOW + timedelta(days=1, hours=3), "u-pumper", "pump swapped")
    assert order.status is WorkOrderStatus.DONE
    assert [c.status for c in order.history] == ["open", "scheduled", "in_progress", "done"]
    assert order.closed_at == NOW + timedelta(days=1, hours=3)
    assert order.scheduled_for == NOW + timedelta(days=1)
    assert order.history[-1].note == "pump swapped"


def test_closing_twice_is_refused_and_says_it_is_closed():
    done = close(_order(), NOW, "u-pumper")
    with pytest.raises(WorkOrderClosedError) as caught:
        close(done, NOW + timedelta(hours=1), "u-other")
    assert isinstance(caught.value, ConflictError)  # a 409, never a 500
    assert "already done" in caught.value.detail
    cancelled = cancel(_order(), NOW, "u-manager", "duplicate of wo-0")
    with pytest.raises(WorkOrderClosedError):
        close(cancelled, NOW, "u-pumper")
    with pytest.raises(WorkOrderClosedError):
        assign(done, "Acme Well Service")


@given(
    path=st.lists(st.sampled_from(list(WorkOrderStatus)), min_size=1, max_size=6),
)
def test_only_the_machines_steps_are_allowed_and_closed_orders_never_change(path):
    order = _order()
    at = NOW
    for to in path:
        at += timedelta(minutes=1)
        before = order.status
        try:
            order = change_status(order, to, at, "u")
        except WorkOrderClosedError:
            assert before in CLOSED
            continue
        except StatusChangeError as refused:
            assert to not in TRANSITIONS[before]
            assert refused.allowed == list(TRANSITIONS[before])
            continue
        assert to in TRANSITIONS[before]
        assert order.history[-1].status is to


def test_a_step_back_in_time_is_refused():
    order = _order()
    with pytest.raises(InputError) as caught:
        close(order, NOW - timedelta(minutes=1), "u")
    assert caught.value.field == "at"


def test_a_work_order_needs_a_title_and_a_source_reference_unless_manual():
    with pytest.raises(InputError) as caught:
        open_work_order(NewWorkOrder("wo", "w", "  "), NOW, "u")
    assert caught.value.field == "title"
    with pytest.raises(InputError) as caught:
        _order(source=Source(SourceKind.ALARM))
    assert caught.value.field == "source.reference"
    with pytest.raises(InputError) as caught:
        _order(source=Source(SourceKind.MANUAL, "alert-1"))
    assert caught.value.field == "source.reference"
    with pytest.raises(InputError) as caught:
        open_work_order(NewWorkOrder("wo", "w", "x\u202eevil"), NOW, "u")
    assert caught.value.field == "title"


def test_an_alert_becomes_a_work_order_with_priority_and_due_date_from_the_policy():
    alert = AlertRef(
        "alert-9",
        SourceKind.PREDICTIVE_MAINTENANCE,
        "critical",
        "well-7",
        "Pump failure likely",
        "pump-3",
    )
    order = from_alert(alert, "wo-2", NOW, "system", default_policy())
    assert order.source == Source(SourceKind.PREDICTIVE_MAINTENANCE, "alert-9")
    assert order.priority is Priority.URGENT
    assert order.due_date == date(2025, 6, 3)  # urgent: within a day
    assert (order.equipment_id, order.well_id, order.title) == (
        "pump-3",
        "well-7",
        "Pump failure likely",
    )
    low = from_alert(
        AlertRef("a", SourceKind.ANOMALY, "low", "w", "Odd casing pressure"),
        "wo-3",
        NOW,
        "s",
        default_policy(),
    )
    assert (low.priority, low.due_date) == (Priority.LOW, date(2025, 7, 2))
    with pytest.raises(InputError) as caught:
        from_alert(
            AlertRef("a", SourceKind.ALARM, "apocalyptic", "w", "t"),
            "wo",
            NOW,
            "s",
            default_policy(),
        )
    assert caught.value.field == "severity"


def test_a_failed_inspection_becomes_a_work_order_and_a_passed_one_does_not():
    failed = InspectionRef("ev-1", "well-7", "sep-1", passed=False, failed_items=("relief valve",))
    order = from_inspection(failed, "wo-4", NOW, "u", default_policy())
    assert order.source == Source(SourceKind.INSPECTION, "ev-1")
    assert order.title == "Repair after failed inspection: relief valve"
    assert order.priority is Priority.HIGH
    with pytest.raises(InputError) as caught:
        from_inspection(
            InspectionRef("ev-2", "w", None, passed=True), "wo-5", NOW, "u", default_policy()
        )
    assert caught.value.field == "inspection"


def test_parts_and_costs_add_up_exactly_in_decimal():
    order = _order()
    order = add_part(order, PartLine("ROD-78", Decimal("12.5"), Decimal("18.3750")))
    order = add_part(order, PartLine("PUMP-2", Decimal(1), Decimal("4250.00")))
    order = add_cost(order, CostLine(CostCategory.LABOUR, Decimal("640.10")))
    order = add_cost(order, CostLine(CostCategory.TRUCKING, Decimal("0.20")))
    # 12.5 × 18.375 = 229.6875; + 4250 + 640.10 + 0.20
    assert order.total_cost == Decimal("5120.0000") - Decimal("0.0125")


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (PartLine("P", Decimal(0), Decimal(1)), "quantity"),
        (PartLine("P", Decimal(1), Decimal("-1")), "unit_cost"),
        (PartLine("P", Decimal(1), 1.5), "unit_cost"),
        (PartLine("P", Decimal(1), Decimal("NaN")), "unit_cost"),
        (PartLine("P", Decimal(1), Decimal("0.00001")), "unit_cost"),
        (PartLine("", Decimal(1), Decimal(1)), "part_number"),
    ],
)
def test_a_bad_part_line_names_its_field(line, field):
    with pytest.raises(InputError) as caught:
        add_part(_order(), line)
    assert caught.value.field == field


def test_a_cost_above_a_trillion_or_with_fractions_of_a_cent_is_refused():
    with pytest.raises(InputError):
        add_cost(_order(), CostLine(CostCategory.OTHER, Decimal("1e13")))
    with pytest.raises(InputError):
        add_cost(_order(), CostLine(CostCategory.OTHER, Decimal("1.001")))


def test_downtime_must_end_after_it_starts():
    with pytest.raises(InputError) as caught:
        record_downtime(_order(), Downtime(NOW, NOW))
    assert caught.value.field == "downtime.end"
    naive = datetime(2025, 6, 1)
    with pytest.raises(InputError) as caught:
        record_downtime(_order(), Downtime(naive, naive + timedelta(hours=1)))
    assert caught.value.field == "downtime.start"
    order = record_downtime(_order(), Downtime(NOW, NOW + timedelta(hours=2)))
    assert order.downtime == (Downtime(NOW, NOW + timedelta(hours=2)),)
