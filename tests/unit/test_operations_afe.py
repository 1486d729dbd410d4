"""AFEs: estimate, the approval saga by amount and role, reminders, partners, overruns."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.core.common.errors import ConflictError, InputError, PermissionDeniedError
from shared.core.operations.errors import ApprovalOrderError, ApprovalRoleError, RulebookError
from shared.core.operations.model.afe import (
    ActualCost,
    AfePolicy,
    AfeStatus,
    Election,
    EstimateLine,
    NewAfe,
    PartnerInterest,
    close_afe,
    default_afe_policy,
    draft_afe,
    post_actual,
)
from shared.core.operations.model.afe_approval import (
    consent_summary,
    current_level,
    decide,
    elect,
    reminder_due,
    revise,
    submit,
)
from shared.core.operations.model.afe_budget import budget_vs_actual, overrun_alerts
from shared.core.operations.model.rulebook import parse_rulebook

T = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
POLICY = default_afe_policy()
H = timedelta(hours=1)


def _afe(*lines, partners=()):
    estimate = lines or (
        EstimateLine("idc", Decimal("150000.00")),
        EstimateLine("tcc", Decimal("80000.00")),
        EstimateLine("contingency", Decimal("30000.00")),
    )
    new = NewAfe(
        "afe-1",
        "AFE-2025-014",
        "Drill and complete Smith 4H",
        estimate,
        well_id="w-4",
        partners=partners,
    )
    return draft_afe(new, POLICY, T)


def _approved(*lines, **kwargs):
    afe = submit(_afe(*lines, **kwargs), POLICY, T)
    for number, level in enumerate(afe.levels, start=1):
        afe = decide(afe, level.role, f"u-{level.role}", True, T + number * H)
    assert afe.status is AfeStatus.APPROVED
    return afe


def test_the_total_fixes_the_levels_and_each_level_decides_in_order():
    afe = submit(_afe(), POLICY, T)  # 260,000: manager, then admin (from 250,000)
    assert afe.total_estimate == Decimal("260000.00")
    assert [level.role for level in afe.levels] == ["MANAGER", "ADMIN"]
    assert current_level(afe) == 0
    afe = decide(afe, "MANAGER", "u-mgr", True, T + H)
    assert (afe.status, current_level(afe)) == (AfeStatus.SUBMITTED, 1)
    afe = decide(afe, "ADMIN", "u-admin", True, T + 2 * H)
    assert afe.status is AfeStatus.APPROVED
    assert afe.approved_at == T + 2 * H
    small = submit(_afe(EstimateLine("workover", Decimal("40000"))), POLICY, T)
    assert [level.role for level in small.levels] == ["MANAGER"]
    assert decide(small, "MANAGER", "u", True, T).status is AfeStatus.APPROVED


def test_an_approval_by_the_wrong_role_is_refused_with_403():
    afe = submit(_afe(), POLICY, T)
    with pytest.raises(ApprovalRoleError) as caught:
        decide(afe, "ADMIN", "u-admin", True, T + H)  # the manager's level comes first
    assert isinstance(caught.value, PermissionDeniedError)
    assert (caught.value.required_role, caught.value.field) == ("MANAGER", "role")
    with pytest.raises(ApprovalRoleError):
        decide(afe, "FIELD_OPERATOR", "u-pumper", True, T + H)


def test_a_decision_out_of_turn_is_a_409():
    with pytest.raises(ApprovalOrderError) as caught:
        decide(_afe(), "MANAGER", "u", True, T)  # still a draft
    assert isinstance(caught.value, ConflictError)
    assert caught.value.allowed == ["submitted"]
    with pytest.raises(ApprovalOrderError):
        decide(_approved(), "ADMIN", "u", True, T + 3 * H)
    with pytest.raises(ApprovalOrderError):
        submit(submit(_afe(), POLICY, T), POLICY, T)


def test_a_rejection_ends_the_saga_and_a_revision_starts_over():
    afe = decide(submit(_afe(), POLICY, T), "MANAGER", "u-mgr", True, T + H)
    with pytest.raises(InputError) as caught:
        decide(afe, "ADMIN", "u-admin", False, T + 2 * H)
    assert caught.value.field == "note"
    afe = decide(afe, "ADMIN", "u-admin", False, T + 2 * H, "rig rate too high")
    assert afe.status is AfeStatus.REJECTED
    afe = revise(afe, [EstimateLine("idc", Decimal("200000"))], POLICY)
    assert afe.status is AfeStatus.DRAFT
    again = submit(afe, POLICY, T + 5 * H)
    assert [level.role for level in again.levels] == ["MANAGER"]
    assert again.decisions == ()


def test_reminders_fall_due_after_the_wait_and_then_every_interval():
    afe = submit(_afe(), POLICY, T)
    assert reminder_due(afe, T + 47 * H) is None
    first = reminder_due(afe, T + 48 * H)
    assert (first.level, first.role, first.ordinal, first.waiting_since) == (0, "MANAGER", 1, T)
    assert reminder_due(afe, T + 71 * H).ordinal == 1
    assert reminder_due(afe, T + 72 * H).ordinal == 2
    # the manager decides at +50 h: the admin's level waits from then, 72 h before a reminder
    afe = decide(afe, "MANAGER", "u", True, T + 50 * H)
    assert reminder_due(afe, T + 121 * H) is None
    admin = reminder_due(afe, T + 122 * H)
    assert (admin.level, admin.role, admin.ordinal) == (1, "ADMIN", 1)
    assert admin.reminder_key == "afe-1/1/1"
    assert reminder_due(_approved(), T + 1000 * H) is None


def test_partners_elect_once_and_the_silent_are_deemed_non_consent_after_the_deadline():
    partners = (PartnerInterest("p-1", Decimal("0.25")), PartnerInterest("p-2", Decimal("0.125")))
    with pytest.raises(ConflictError):
        elect(_afe(partners=partners), "p-1", Election.CONSENT, T)  # not approved yet
    afe = _approved(partners=partners)
    afe = elect(afe, "p-1", Election.CONSENT, T + 24 * H)
    with pytest.raises(ConflictError):
        elect(afe, "p-1", Election.NON_CONSENT, T + 25 * H)
    with pytest.raises(InputError) as caught:
        elect(afe, "p-9", Election.CONSENT, T + 25 * H)
    assert caught.value.field == "partner_id"
    during = consent_summary(afe, POLICY, T + 10 * 24 * H)
    assert (during.consented, during.pending, during.complete) == (
        Decimal("0.25"),
        Decimal("0.125"),
        False,
    )
    assert during.deadline == T + 2 * H + timedelta(days=30)
    after = consent_summary(afe, POLICY, T + 2 * H + timedelta(days=30))
    assert (after.non_consented, after.pending, after.complete) == (Decimal("0.125"), 0, True)


def test_partner_interests_must_be_fractions_leaving_the_operator_a_share():
    with pytest.raises(InputError) as caught:
        _afe(partners=(PartnerInterest("p", Decimal("1.2")),))
    assert caught.value.field == "partners.0.working_interest"
    with pytest.raises(InputError) as caught:
        _afe(partners=(PartnerInterest("a", Decimal("0.6")), PartnerInterest("b", Decimal("0.4"))))
    assert caught.value.field == "partners"


def test_costs_post_only_to_an_approved_afe_and_compare_with_the_estimate():
    with pytest.raises(ConflictError):
        post_actual(_afe(), ActualCost("idc", Decimal(1), T), POLICY)
    afe = _approved()
    for category, amount in [
        ("idc", "100000"),
        ("idc", "40000"),
        ("tcc", "85000"),
        ("land_legal", "500"),
    ]:
        afe = post_actual(afe, ActualCost(category, Decimal(amount), T + 3 * H, "INV-1"), POLICY)
    rows = {row.scope: row for row in budget_vs_actual(afe)}
    assert (rows["idc"].actual, rows["idc"].variance, rows["idc"].percent_used) == (
        Decimal(140000),
        Decimal("-10000.00"),
        Decimal("93.3"),
    )
    assert rows["tcc"].percent_used == Decimal("106.3")
    assert rows["contingency"].actual == 0
    assert (rows["land_legal"].estimate, rows["land_legal"].percent_used) == (0, None)
    assert (rows["total"].estimate, rows["total"].actual) == (Decimal("260000.00"), Decimal(225500))
    alerts = {a.scope: (a.at_percent, a.level) for a in overrun_alerts(afe, POLICY)}
    # idc at 93.3 %: warning; tcc at 106.3 %: overrun; an unestimated category: the top
    # threshold; the total (86.7 %) and the untouched contingency: nothing
    assert alerts == {
        "idc": (Decimal(90), "warning"),
        "tcc": (Decimal(100), "overrun"),
        "land_legal": (Decimal(110), "supplement_required"),
    }
    closed = close_afe(afe)
    with pytest.raises(ConflictError):
        post_actual(closed, ActualCost("idc", Decimal(1), T), POLICY)


@given(
    estimate=st.integers(1, 10**9).map(lambda c: Decimal(c) / 100),
    actual=st.integers(1, 2 * 10**9).map(lambda c: Decimal(c) / 100),
)
def test_the_alert_is_the_highest_threshold_the_actual_reaches(estimate, actual):
    afe = _approved(EstimateLine("idc", estimate))
    afe = post_actual(afe, ActualCost("idc", actual, T + 3 * H), POLICY)
    alerts = {a.scope: a.at_percent for a in overrun_alerts(afe, POLICY)}
    reached = [
        t.at_percent for t in POLICY.overrun_alerts if actual / estimate * 100 >= t.at_percent
    ]
    assert alerts.get("idc") == (max(reached) if reached else None)


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ((EstimateLine("caviar", Decimal(1)),), "estimate.0.category"),
        ((EstimateLine("idc", Decimal(1)), EstimateLine("idc", Decimal(2))), "estimate.1.category"),
        ((EstimateLine("idc", Decimal("-5")),), "estimate.0.amount"),
        ((EstimateLine("idc", Decimal("0")),), "estimate"),
        ((EstimateLine("idc", 12.5),), "estimate.0.amount"),
    ],
)
def test_a_bad_estimate_names_the_line_and_field(lines, field):
    with pytest.raises(InputError) as caught:
        _afe(*lines)
    assert caught.value.field == field


def test_a_policy_with_levels_out_of_order_does_not_load():
    data = json.loads(POLICY.model_dump_json())
    data["levels"].reverse()
    with pytest.raises(RulebookError) as caught:
        parse_rulebook("afe_policy.json", json.dumps(data), AfePolicy)
    assert caught.value.field == "afe_policy.json:levels"
