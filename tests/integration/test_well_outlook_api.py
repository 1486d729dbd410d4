"""A well's optimiser advice and water-cut outlook on the API, as the nightly scoring wrote
them: nothing before the first night, the newest night's figures after it, and a field
operator sees only the wells assigned to them."""

from __future__ import annotations

import uuid

from functions.local.scoring import run_nightly_scoring
from shared.adapters.memory.queue import InMemoryQueue
from shared.bootstrap import Platform
from shared.core.analytics.model.scoring import OPTIMIZER_MODEL, WATER_CUT_MODEL
from tests.integration.api_support import invite
from tests.integration.conftest import TenantSession
from tests.integration.test_scoring_support import NIGHT, build_field, rows_of


def outlook(session: TenantSession, well_id: str, headers: dict[str, str] | None = None):
    return session.client.get(
        f"/api/v1/wells/{well_id}/outlook", headers=headers or session.headers
    )


def test_the_well_page_gets_the_nights_choke_advice_and_water_cut_outlook(
    platform: Platform, acme: TenantSession
) -> None:
    # GIVEN three wells with readings and 60 days of production at a 24/64" choke
    field = build_field(platform, acme)
    well = field.well_ids[1]
    before = outlook(acme, well)
    assert before.status_code == 200, before.text
    assert before.json() == {"well_id": well, "optimizer": None, "water_cut": None}

    # WHEN the night is scored
    run_nightly_scoring(platform, InMemoryQueue(), NIGHT)

    # THEN the well's outlook carries that night's advice and forecast, as written
    body = outlook(acme, well).json()
    written = {
        row["model"]: row["values"]
        for row in rows_of(platform, acme.slug, "predictions")
        if str(row["well_id"]) == well
    }
    advice, cut = body["optimizer"], body["water_cut"]
    assert advice["night"] == cut["night"] == NIGHT.isoformat()
    assert advice["current_choke_64ths"] == 24.0
    assert advice["suggested_choke_64ths"] == written[OPTIMIZER_MODEL]["suggested_choke_64ths"]
    assert advice["expected_gain_pct"] == written[OPTIMIZER_MODEL]["expected_gain_pct"]
    # water is half the oil: a third of the liquid over the last 30 days
    assert round(cut["current_30d"], 3) == 0.333
    assert cut["predicted_30d"] == written[WATER_CUT_MODEL]["predicted_30d"]
    # AND the well without data has none, an unknown well is 404
    bare = outlook(acme, next(iter(field.no_data))).json()
    assert (bare["optimizer"], bare["water_cut"]) == (None, None)
    assert outlook(acme, str(uuid.uuid4())).status_code == 404


def test_a_field_operator_sees_the_outlook_of_assigned_wells_only(
    platform: Platform, acme: TenantSession
) -> None:
    field = build_field(platform, acme, faulty=0)
    pumper = invite(acme, "FIELD_OPERATOR")
    mine, other = field.well_ids[0], field.well_ids[1]
    url = f"/api/v1/wells/{mine}/assignments/{pumper['id']}"
    assert acme.client.put(url, headers=acme.headers).status_code == 200
    assert outlook(acme, mine, pumper["headers"]).status_code == 200
    assert outlook(acme, other, pumper["headers"]).status_code == 404
