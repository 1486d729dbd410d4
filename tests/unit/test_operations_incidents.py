"""Incidents and spills: checks, corrective actions, and the agencies to notify by when."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.core.common.errors import InputError
from shared.core.operations.model.incident_rules import (
    default_notification_rules,
    notifications_due,
)
from shared.core.operations.model.incidents import (
    CorrectiveAction,
    Incident,
    IncidentKind,
    Location,
    Material,
    Release,
    SentNotification,
    Unit,
    WaterContact,
    add_corrective_action,
    check_incident,
    complete_action,
    record_notification,
)

RULES = default_notification_rules()
FOUND = datetime(2025, 7, 14, 6, 30, tzinfo=UTC)
TX = Location("TX", "Reeves", well_id="w-12")


def _spill(*releases, kind=IncidentKind.SPILL, water=WaterContact.NONE, where=TX):
    return check_incident(
        Incident(
            "inc-1",
            kind,
            FOUND - timedelta(hours=2),
            FOUND,
            where,
            "Flowline split at the weld",
            "external corrosion",
            releases or (Release(Material.CRUDE_OIL, Decimal(10), Decimal(6)),),
            water=water,
        )
    )


def _due(incident, now=FOUND):
    return {d.rule_id: d for d in notifications_due(incident, RULES, now)}


def test_a_ten_barrel_crude_spill_in_texas_calls_for_notice_letter_and_h8():
    due = _due(_spill())
    assert set(due) == {"tx-rrc-swr20-notice", "tx-rrc-swr20-letter", "tx-rrc-h8"}
    notice, h8, letter = due["tx-rrc-swr20-notice"], due["tx-rrc-h8"], due["tx-rrc-swr20-letter"]
    assert (notice.immediately, notice.due_at) == (True, FOUND)
    assert h8.due_at == FOUND + timedelta(days=30)
    assert letter.due_at is None
    assert "§3.20" in notice.source and notice.confirmed
    assert not h8.confirmed  # the 30 days are recalled, the rule says so
    # soonest first; the follow-up without a deadline last
    assert [d.rule_id for d in notifications_due(_spill(), RULES, FOUND)][
        -1
    ] == "tx-rrc-swr20-letter"


def test_five_barrels_is_not_over_five_but_two_releases_adding_past_it_are():
    exactly_five = _due(_spill(Release(Material.CRUDE_OIL, Decimal(5))))
    assert "tx-rrc-h8" not in exactly_five
    assert "tx-rrc-swr20-notice" in exactly_five  # any spill is reported at once
    split = _spill(
        Release(Material.CRUDE_OIL, Decimal(5)), Release(Material.CONDENSATE, Decimal("0.5"))
    )
    assert "tx-rrc-h8" in _due(split)


@given(volume=st.integers(0, 4000).map(lambda tenths: Decimal(tenths) / 10))
def test_the_h8_is_due_exactly_when_more_than_five_barrels_of_oil_were_lost(volume):
    due = _due(_spill(Release(Material.CRUDE_OIL, volume)))
    assert ("tx-rrc-h8" in due) == (volume > 5)


def test_produced_water_needs_the_notice_but_no_h8():
    due = _due(_spill(Release(Material.PRODUCED_WATER, Decimal(80))))
    assert set(due) == {"tx-rrc-swr20-notice", "tx-rrc-swr20-letter"}


def test_oil_reaching_coastal_waters_adds_the_land_office_within_the_hour_and_the_nrc():
    due = _due(_spill(water=WaterContact.COASTAL))
    assert due["tx-glo-coastal"].due_at == FOUND + timedelta(hours=1)
    assert due["us-nrc-oil-sheen"].immediately
    creek = _due(_spill(water=WaterContact.SURFACE))
    assert "us-nrc-oil-sheen" in creek and "tx-glo-coastal" not in creek


def test_texas_rules_stay_in_texas():
    oklahoma = Location("OK", "Kingfisher")
    assert _due(_spill(where=oklahoma)) == {}
    assert set(_due(_spill(where=oklahoma, water=WaterContact.SURFACE))) == {"us-nrc-oil-sheen"}


def test_an_injury_alone_calls_for_none_of_these_notices():
    assert _due(_spill(Release(Material.CHEMICAL, Decimal(0)), kind=IncidentKind.INJURY)) == {}


def test_overdue_until_sent_and_a_notice_is_recorded_once():
    incident = _spill()
    later = FOUND + timedelta(hours=3)
    assert _due(incident, later)["tx-rrc-swr20-notice"].overdue
    assert not _due(incident, later)["tx-rrc-h8"].overdue
    sent = record_notification(
        incident, SentNotification("tx-rrc-swr20-notice", FOUND + timedelta(minutes=20), "D8-1123")
    )
    notice = _due(sent, later)["tx-rrc-swr20-notice"]
    assert (notice.overdue, notice.sent_at) == (False, FOUND + timedelta(minutes=20))
    with pytest.raises(InputError) as caught:
        record_notification(sent, SentNotification("tx-rrc-swr20-notice", later))
    assert caught.value.field == "rule_id"
    assert _due(incident, FOUND + timedelta(days=31))["tx-rrc-h8"].overdue


@pytest.mark.parametrize(
    ("incident", "field"),
    [
        (
            dict(releases=(Release(Material.CRUDE_OIL, Decimal(3), Decimal(4)),)),
            "releases.0.recovered",
        ),
        (dict(releases=(Release(Material.NATURAL_GAS, Decimal(3)),)), "releases.0.unit"),
        (
            dict(releases=(Release(Material.CRUDE_OIL, Decimal(3), unit=Unit.MCF),)),
            "releases.0.unit",
        ),
        (dict(releases=(Release(Material.CRUDE_OIL, Decimal(-3)),)), "releases.0.released"),
        (dict(occurred_at=FOUND + timedelta(hours=1)), "discovered_at"),
        (dict(location=Location("Texas")), "location.state"),
        (dict(location=Location("TX", latitude=123.0)), "location.latitude"),
        (dict(description=""), "description"),
    ],
)
def test_an_implausible_incident_names_the_field(incident, field):
    base = dict(
        incident_id="inc",
        kind=IncidentKind.SPILL,
        occurred_at=FOUND,
        discovered_at=FOUND,
        location=TX,
        description="leak",
    )
    with pytest.raises(InputError) as caught:
        check_incident(Incident(**{**base, **incident}))
    assert caught.value.field == field


def test_corrective_actions_are_tracked_to_done():
    incident = add_corrective_action(
        _spill(), CorrectiveAction("Replace 40 ft of flowline", "Acme Pipe", date(2025, 7, 30))
    )
    incident = complete_action(incident, 0, date(2025, 7, 22))
    assert incident.corrective_actions[0].done_on == date(2025, 7, 22)
    with pytest.raises(InputError):
        complete_action(incident, 3, date(2025, 7, 22))


def test_every_rule_names_its_source_and_link():
    for rule in RULES.rules:
        assert rule.source.strip() and rule.source_url.startswith("http")
