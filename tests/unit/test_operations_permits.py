"""Permits: the status machine, expiry as of a date, reminders ahead of expiry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.core.common.errors import ConflictError, InputError
from shared.core.operations.model.permits import (
    Condition,
    Permit,
    PermitStatus,
    PermitType,
    ReminderKind,
    approve,
    change_status,
    default_reminder_policy,
    effective_status,
    expiry_reminders,
    meet_condition,
    new_permit,
)

POLICY = default_reminder_policy()
EXPIRES = date(2026, 6, 30)


def _approved(kind=PermitType.DRILLING, pid="p-1", conditions=()):
    permit = new_permit(
        Permit(pid, kind, "Railroad Commission of Texas", well_id="w-1", conditions=conditions)
    )
    permit = change_status(permit, PermitStatus.SUBMITTED)
    return approve(permit, "W1-889123", date(2024, 6, 30), EXPIRES)


def test_a_permit_goes_draft_submitted_approved_and_expires_by_date():
    permit = _approved()
    assert (permit.status, permit.number) == (PermitStatus.APPROVED, "W1-889123")
    assert effective_status(permit, EXPIRES - timedelta(days=1)) is PermitStatus.APPROVED
    assert effective_status(permit, EXPIRES) is PermitStatus.EXPIRED


def test_steps_the_machine_does_not_have_are_refused():
    draft = new_permit(Permit("p", PermitType.AIR, "TCEQ", facility_id="f-1"))
    with pytest.raises(ConflictError):
        approve(draft, "X", date(2025, 1, 1), None)  # must be submitted first
    with pytest.raises(ConflictError):
        change_status(_approved(), PermitStatus.DRAFT)
    denied = change_status(change_status(draft, PermitStatus.SUBMITTED), PermitStatus.DENIED)
    with pytest.raises(ConflictError):
        change_status(denied, PermitStatus.SUBMITTED)


def test_a_permit_needs_an_agency_a_subject_and_sane_dates():
    with pytest.raises(InputError) as caught:
        new_permit(Permit("p", PermitType.FLARING, " ", well_id="w"))
    assert caught.value.field == "agency"
    with pytest.raises(InputError) as caught:
        new_permit(Permit("p", PermitType.FLARING, "RRC"))
    assert caught.value.field == "well_id"
    submitted = change_status(
        new_permit(Permit("p", PermitType.FLARING, "RRC", well_id="w")), PermitStatus.SUBMITTED
    )
    with pytest.raises(InputError) as caught:
        approve(submitted, "F-1", date(2025, 5, 1), date(2025, 4, 1))
    assert caught.value.field == "expires_on"


def test_reminders_come_at_each_lead_time_the_nearest_reached_only():
    permit = _approved()  # drilling: 90, 30 and 7 days ahead
    assert expiry_reminders([permit], EXPIRES - timedelta(days=91), POLICY) == []
    (first,) = expiry_reminders([permit], EXPIRES - timedelta(days=90), POLICY)
    assert (first.kind, first.lead_days, first.due_on) == (
        ReminderKind.EXPIRING,
        90,
        date(2026, 4, 1),
    )
    # a week of downtime later, past the 30-day mark: only the 30-day reminder, not both
    (late,) = expiry_reminders([permit], EXPIRES - timedelta(days=25), POLICY)
    assert late.lead_days == 30
    assert late.reminder_key == "p-1/expiring/30/"
    (expired,) = expiry_reminders([permit], EXPIRES, POLICY)
    assert expired.kind is ReminderKind.EXPIRED


def test_lead_times_differ_by_permit_type():
    disposal = _approved(PermitType.DISPOSAL, "sw-1")
    flaring = _approved(PermitType.FLARING, "fl-1")
    today = EXPIRES - timedelta(days=100)
    assert [r.permit_id for r in expiry_reminders([disposal, flaring], today, POLICY)] == ["sw-1"]


def test_a_filed_renewal_stops_the_old_permits_reminders_unless_it_was_denied():
    old = _approved()
    renewal = change_status(
        new_permit(Permit("p-2", PermitType.DRILLING, "RRC", well_id="w-1", renewal_of="p-1")),
        PermitStatus.SUBMITTED,
    )
    today = EXPIRES - timedelta(days=10)
    assert expiry_reminders([old, renewal], today, POLICY) == []
    denied = change_status(renewal, PermitStatus.DENIED)
    assert [r.permit_id for r in expiry_reminders([old, denied], today, POLICY)] == ["p-1"]


def test_unmet_conditions_are_reminded_ahead_of_their_due_date_until_met():
    due = date(2025, 9, 1)
    permit = _approved(conditions=(Condition("Run a mechanical integrity test", due),))
    assert expiry_reminders([permit], due - timedelta(days=15), POLICY) == []
    (reminder,) = expiry_reminders([permit], due - timedelta(days=14), POLICY)
    assert (reminder.kind, reminder.deadline) == (ReminderKind.CONDITION_DUE, due)
    assert expiry_reminders([meet_condition(permit, 0)], due, POLICY) == []


@given(days_before=st.integers(-400, 400))
def test_the_reminder_lead_is_the_smallest_lead_reached(days_before):
    today = EXPIRES - timedelta(days=days_before)
    reminders = expiry_reminders([_approved()], today, POLICY)
    reached = [lead for lead in POLICY.lead_days[PermitType.DRILLING] if days_before <= lead]
    if days_before <= 0:
        assert [r.kind for r in reminders] == [ReminderKind.EXPIRED]
    elif reached:
        assert [r.lead_days for r in reminders] == [min(reached)]
    else:
        assert reminders == []
