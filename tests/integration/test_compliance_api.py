"""Month-end on real PostgreSQL: tanks, gauges and run tickets in; lease balances,
Form PR, the severance tax report and owner revenue out; bad input refused naming
the field with nothing written; filed months frozen until amended."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.integration import api_support
from tests.integration.api_support import create_well, invite, problem_field
from tests.integration.compliance_support import (
    BASE,
    PERIOD,
    STRAPPING,
    gauge,
    month,
    new_lease,
    ok,
    ticket,
)
from tests.integration.conftest import TenantSession
from tests.integration.sync_support import device, production

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme


def test_a_run_ticket_gets_its_net_standard_volume(mod_acme: TenantSession) -> None:
    # GIVEN a lease's balanced month WHEN its run tickets are listed
    lease = month(mod_acme)
    url = f"{BASE}/run-tickets"
    tickets = ok(
        mod_acme.client.get(
            url, params={"period": PERIOD, "lease_id": lease.lease_id}, headers=mod_acme.headers
        )
    )

    # THEN the haul is 300 bbl gross observed and, at 60 °F and no BS&W, 300 bbl net
    assert len(tickets) == 1
    item = tickets[0]
    assert Decimal(str(item["gross_observed_bbl"])) == Decimal("300.00")
    assert Decimal(str(item["net_standard_bbl"])) == Decimal("300.00")
    assert Decimal(str(item["api_gravity_60"])) == Decimal("40.0")
    assert (item["purchaser"], item["seal_off"], item["seal_on"]) == (
        "Plains Marketing",
        "S-1001",
        "S-1002",
    )


def test_a_warm_wet_haul_is_corrected_to_60_f_and_net_of_bsw(mod_acme: TenantSession) -> None:
    lease = month(mod_acme)
    body = ok(
        ticket(
            mod_acme,
            lease.tank_id,
            observed_temperature_f="85.0",
            observed_gravity="41.2",
            bsw_percent="0.5",
        ),
        201,
    )
    # 300 bbl at 85 °F shrink at 60 °F; 0.5 % S&W comes off the gross standard volume
    gsv, nsv = Decimal(str(body["gross_standard_bbl"])), Decimal(str(body["net_standard_bbl"]))
    assert Decimal("290") < gsv < Decimal("300")
    assert nsv == gsv - (gsv * Decimal("0.005")).quantize(Decimal("0.01"))
    assert Decimal(str(body["api_gravity_60"])) < Decimal("41.2")


def test_bad_tickets_are_refused_naming_the_field_and_nothing_is_written(
    mod_acme: TenantSession,
) -> None:
    lease = month(mod_acme)
    cases = {
        "closing_gauge": {"opening_gauge": "2' 6\"", "closing_gauge": "15' 0\""},
        "observed_temperature_f": {"observed_temperature_f": "400.0"},
        "observed_gravity": {"observed_gravity": "150.0"},
        "bsw_percent": {"bsw_percent": "100"},
        "opening_gauge": {"opening_gauge": "25' 0\""},  # above the strapping table
    }
    for field, values in cases.items():
        response = ticket(mod_acme, lease.tank_id, **values)
        assert response.status_code == 422, (field, response.text)
        assert problem_field(response) == field, response.text
    listed = ok(
        mod_acme.client.get(
            f"{BASE}/run-tickets",
            params={"period": PERIOD, "lease_id": lease.lease_id},
            headers=mod_acme.headers,
        )
    )
    assert len(listed) == 1  # only the month's good ticket


def test_month_end_balances_and_lists_problems_with_numbers(mod_acme: TenantSession) -> None:
    good = month(mod_acme)
    off = month(mod_acme, closing="5' 0\"")  # 10 bbl short in the tank

    balanced = ok(
        mod_acme.client.get(
            f"{BASE}/leases/{good.lease_id}/month-end/{PERIOD}", headers=mod_acme.headers
        )
    )
    unbalanced = ok(
        mod_acme.client.get(
            f"{BASE}/leases/{off.lease_id}/month-end/{PERIOD}", headers=mod_acme.headers
        )
    )

    oil = balanced["products"]["oil"]
    assert (
        oil["opening_inventory"],
        oil["produced"],
        oil["disposed"],
        oil["closing_inventory"],
    ) == ("120.00", "310.00", "300.00", "130.00")
    assert oil["producing_days"] == 31
    assert balanced["products"]["gas"]["produced"] == "1240.00"
    assert balanced["balanced"] is True and balanced["problems"] == []
    [problem] = unbalanced["problems"]
    assert (problem["product"], problem["code"], problem["field"]) == (
        "oil",
        "inventory_out_of_balance",
        "closing_inventory",
    )
    assert problem["numbers"]["expected_closing"] == "130.00"
    assert problem["numbers"]["difference"] == "-10.00"


def test_form_pr_draft_validated_filed_amended_with_the_month_frozen_while_filed(
    mod_acme: TenantSession,
) -> None:
    lease = month(mod_acme)
    ok(
        mod_acme.client.put(
            f"{BASE}/leases/{lease.lease_id}/profile",
            json={
                "state": "TX",
                "operator_number": "700001",
                "district": "08",
                "state_lease_number": "12345",
            },
            headers=mod_acme.headers,
        )
    )
    body = {"operator_number": "700001", "period": PERIOD}
    filing = ok(mod_acme.client.post(f"{BASE}/form-pr", json=body, headers=mod_acme.headers), 201)
    url = f"{BASE}/form-pr/{filing['id']}"
    assert filing["status"] == "draft"

    filed_too_early = mod_acme.client.post(f"{url}/file", headers=mod_acme.headers)
    validated = ok(mod_acme.client.post(f"{url}/validate", headers=mod_acme.headers))
    filed = ok(mod_acme.client.post(f"{url}/file", headers=mod_acme.headers))
    frozen = gauge(mod_acme, lease.tank_id, "2026-10-15", "8' 0\"")
    amended = ok(mod_acme.client.post(f"{url}/amend", headers=mod_acme.headers))
    reopened = gauge(mod_acme, lease.tank_id, "2026-10-15", "8' 0\"")
    refiled = ok(mod_acme.client.post(f"{url}/validate", headers=mod_acme.headers))

    assert filed_too_early.status_code == 409
    assert validated["status"] == "validated" and validated["problems"] == []
    assert filed["status"] == "filed" and filed["filed_at"]
    assert frozen.status_code == 409 and problem_field(frozen) == "gauge_date"
    assert amended["status"] == "amended" and amended["amended"] is True
    assert reopened.status_code == 200
    assert refiled["status"] == "validated" and refiled["amended"] is True
    oil_row = next(row for row in refiled["rows"] if row["product"] == "oil")
    assert [(d["code"], d["volume"]) for d in oil_row["dispositions"]] == [("1", "300.00")]
    gas_row = next(row for row in refiled["rows"] if row["product"] == "gas")
    assert [(d["code"], d["volume"]) for d in gas_row["dispositions"]] == [
        ("2", "1200.00"),
        ("3", "40.00"),
    ]

    text = mod_acme.client.get(f"{url}/export", headers=mod_acme.headers)
    lines = text.text.split("\r\n")
    assert lines[0] == "H700001202610" + "00001" + "Y"
    # district, lease number, gas id and field number (none: the PUT replaced the profile)
    assert lines[1] == "L0801234500000000000000O00000012000000031000000013031"
    as_csv = mod_acme.client.get(
        f"{url}/export", params={"format": "csv"}, headers=mod_acme.headers
    )
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert {(r["product"], r["disposition_code"], r["volume"]) for r in rows} == {
        ("oil", "1", "300.00"),
        ("gas", "2", "1200.00"),
        ("gas", "3", "40.00"),
    }
    xlsx = mod_acme.client.get(f"{url}/export", params={"format": "xlsx"}, headers=mod_acme.headers)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_filing_with_problems_stays_draft_and_lists_them(mod_acme: TenantSession) -> None:
    lease = month(mod_acme, closing="5' 0\"")
    ok(
        mod_acme.client.put(
            f"{BASE}/leases/{lease.lease_id}/profile",
            json={"state": "TX", "operator_number": "700002"},
            headers=mod_acme.headers,
        )
    )
    body = {"operator_number": "700002", "period": PERIOD}
    filing = ok(mod_acme.client.post(f"{BASE}/form-pr", json=body, headers=mod_acme.headers), 201)
    checked = ok(
        mod_acme.client.post(f"{BASE}/form-pr/{filing['id']}/validate", headers=mod_acme.headers)
    )
    assert checked["status"] == "draft"
    assert [p["code"] for p in checked["problems"]] == ["inventory_out_of_balance"]


def test_severance_report_and_owner_revenue_to_the_cent(mod_acme: TenantSession) -> None:
    lease = month(mod_acme)
    ok(
        mod_acme.client.put(
            f"{BASE}/leases/{lease.lease_id}/profile",
            json={"state": "TX", "operator_number": "700003"},
            headers=mod_acme.headers,
        )
    )
    owners = [
        ok(mod_acme.client.post(f"{BASE}/owners", json=body, headers=mod_acme.headers), 201)
        for body in (
            {"name": "Royalty Owner", "tax_id": "12-3456789", "address": "1 Main St, Midland TX"},
            {"name": "ORRI Holder", "tax_id": "98-7654321", "address": "2 Oak St, Austin TX"},
            {"name": "Operator WI", "tax_id": "55-5555555", "address": "3 Elm St, Dallas TX"},
            {"name": "Unknown Heir"},
        )
    ]
    shares = ("0.1875", "0.03125", "0.7779166667", "0.0033333333")
    lines = [
        {
            "owner_id": owner["id"],
            "interest_type": kind,
            "product": product,
            "decimal_interest": share,
            "effective_from": "2020-01-01",
        }
        for owner, kind, share in zip(
            owners, ("royalty", "overriding_royalty", "working", "royalty"), shares, strict=True
        )
        for product in ("oil", "gas")
    ]
    bad = [dict(line, decimal_interest="0.5") if i == 0 else line for i, line in enumerate(lines)]
    url = f"{BASE}/leases/{lease.lease_id}/interests"
    refused = mod_acme.client.put(url, json={"interests": bad}, headers=mod_acme.headers)
    assert refused.status_code == 422 and problem_field(refused) == "interests[oil]"
    assert ok(mod_acme.client.get(url, headers=mod_acme.headers)) == []
    ok(mod_acme.client.put(url, json={"interests": lines}, headers=mod_acme.headers))

    report = ok(
        mod_acme.client.get(
            f"{BASE}/severance", params={"state": "TX", "period": PERIOD}, headers=mod_acme.headers
        )
    )
    mine = [line for line in report["lines"] if line["lease_id"] == lease.lease_id]
    oil = next(line for line in mine if line["product"] == "oil")
    gas = next(line for line in mine if line["product"] == "gas")
    # Texas: oil 4.6 % of 300 bbl × $75 = $1,035.00; gas 7.5 % of 1200 Mcf × $3 = $270.00
    assert Decimal(oil["gross_value"]) == Decimal(22500)
    assert Decimal(oil["tax"]) == Decimal("1035.00")
    assert Decimal(gas["tax"]) == Decimal("270.00")
    assert oil["due_date"] == "2026-11-25"
    assert report["due_dates"]

    revenue = ok(
        mod_acme.client.get(f"{BASE}/revenue", params={"period": PERIOD}, headers=mod_acme.headers)
    )
    mine_rev = [item for item in revenue["leases"] if item["lease_id"] == lease.lease_id]
    for item in mine_rev:
        assert sum(Decimal(s["amount"]) for s in item["shares"]) == Decimal(item["net"])
    heir = next(s for s in mine_rev[0]["shares"] if s["owner_id"] == owners[3]["id"])
    assert heir["suspense"] == ["missing tax id", "missing address"]
    assert Decimal(revenue["distributed"]) == Decimal(revenue["net_revenue"])
    register = mod_acme.client.get(
        f"{BASE}/revenue/export", params={"period": PERIOD}, headers=mod_acme.headers
    )
    assert register.status_code == 200 and "Royalty Owner" in register.text


def test_roles_field_operators_gauge_their_leases_viewers_read_only(
    mod_acme: TenantSession,
) -> None:
    lease = month(mod_acme)
    other = month(mod_acme)
    operator = invite(mod_acme, "FIELD_OPERATOR")
    viewer = invite(mod_acme, "VIEWER")
    ok(
        mod_acme.client.put(
            f"/api/v1/wells/{lease.well_id}/assignments/{operator['id']}", headers=mod_acme.headers
        )
    )

    mine = gauge(mod_acme, lease.tank_id, "2026-11-02", "6' 0\"", operator["headers"])
    theirs = gauge(mod_acme, other.tank_id, "2026-11-02", "6' 0\"", operator["headers"])
    by_viewer = gauge(mod_acme, lease.tank_id, "2026-11-02", "6' 0\"", viewer["headers"])
    tank = mod_acme.client.post(
        f"{BASE}/tanks",
        json={
            "lease_id": lease.lease_id,
            "name": "T9",
            "strapping": [
                {"height_inches": 0, "volume_bbl": 0},
                {"height_inches": 10, "volume_bbl": 5},
            ],
        },
        headers=operator["headers"],
    )
    export = mod_acme.client.get(
        f"{BASE}/severance/export",
        params={"state": "TX", "period": PERIOD},
        headers=operator["headers"],
    )
    read = mod_acme.client.get(
        f"{BASE}/month-end", params={"period": PERIOD}, headers=viewer["headers"]
    )

    assert mine.status_code == 200 and Decimal(str(mine.json()["volume_bbl"])) == Decimal(144)
    assert mine.json()["source"] == "field"
    assert theirs.status_code == 404
    assert by_viewer.status_code == 403
    assert tank.status_code == 403
    assert export.status_code == 403
    assert read.status_code == 200 and len(read.json()) >= 2


def test_a_strapping_table_that_falls_is_refused_naming_the_row(mod_acme: TenantSession) -> None:
    lease_id = new_lease(mod_acme)
    body = {
        "lease_id": lease_id,
        "name": "Bad",
        "strapping": [
            {"height_inches": 0, "volume_bbl": 0},
            {"height_inches": 10, "volume_bbl": 5},
            {"height_inches": 20, "volume_bbl": 4},
        ],
    }
    response = mod_acme.client.post(f"{BASE}/tanks", json=body, headers=mod_acme.headers)
    assert response.status_code == 422
    assert problem_field(response) == "strapping[2].volume_bbl"
    listed = ok(
        mod_acme.client.get(
            f"{BASE}/tanks", params={"lease_id": lease_id}, headers=mod_acme.headers
        )
    )
    assert listed == []


def test_calendar_lists_the_dues_of_the_year(mod_acme: TenantSession) -> None:
    items = ok(
        mod_acme.client.get(f"{BASE}/calendar", params={"year": 2026}, headers=mod_acme.headers)
    )
    form_pr = [i for i in items if i["obligation"] == "tx_form_pr"]
    assert len(form_pr) == 12
    assert {"period": "2026-10", "due": "2026-11-30"}.items() <= next(
        i for i in form_pr if i["period"] == "2026-10"
    ).items()


def test_emissions_per_facility_and_month(mod_acme: TenantSession) -> None:
    month(mod_acme)  # production for the intensity
    body = {"name": "Battery 7", "facility_type": "TANK_BATTERY"}
    facility = ok(
        mod_acme.client.post("/api/v1/facilities", json=body, headers=mod_acme.headers), 201
    )
    entries = [
        {
            "facility_id": facility["id"],
            "period": PERIOD,
            "source_kind": "combustion",
            "gas_scf": 1_000_000,
        },
        {
            "facility_id": facility["id"],
            "period": PERIOD,
            "source_kind": "flare",
            "gas_scf": 500_000,
            "composition": {"CH4": 0.85, "C2H6": 0.07, "C3H8": 0.03, "CO2": 0.02},
            "efficiency": 0.98,
        },
    ]
    for entry in entries:
        ok(mod_acme.client.post(f"{BASE}/emissions", json=entry, headers=mod_acme.headers), 201)
    bad = dict(entries[1], composition={"CH4": 0.9, "CO2": 0.3})
    refused = mod_acme.client.post(f"{BASE}/emissions", json=bad, headers=mod_acme.headers)

    report = ok(
        mod_acme.client.get(
            f"{BASE}/emissions", params={"period": PERIOD}, headers=mod_acme.headers
        )
    )

    assert refused.status_code == 422 and problem_field(refused) == "composition"
    [mine] = [f for f in report["facilities"] if f["facility_id"] == facility["id"]]
    combustion, flare = mine["sources"]
    # subpart C: 1,000,000 scf × 1.026e-3 mmBtu/scf × 53.06 kg/mmBtu = 54.43956 t CO2
    assert combustion["co2_t"] == pytest.approx(54.43956, abs=1e-5)
    assert flare["ch4_t"] > 0 and flare["co2_t"] > combustion["co2_t"] / 2
    assert report["gwp"] == "AR5"  # Table A-1 for reporting year 2026
    assert report["intensity_kg_co2e_per_boe"] > 0


def test_month_end_and_run_tickets_export_as_csv_and_xlsx(mod_acme: TenantSession) -> None:
    lease = month(mod_acme, closing="5' 0\"")
    viewer = invite(mod_acme, "VIEWER")
    params = {"period": PERIOD}
    as_csv = mod_acme.client.get(
        f"{BASE}/month-end/export", params=params, headers=mod_acme.headers
    )
    tickets = mod_acme.client.get(
        f"{BASE}/run-tickets/export",
        params={**params, "format": "xlsx", "lease_id": lease.lease_id},
        headers=mod_acme.headers,
    )
    refused = mod_acme.client.get(
        f"{BASE}/month-end/export", params=params, headers=viewer["headers"]
    )

    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    number = ok(mod_acme.client.get(f"/api/v1/leases/{lease.lease_id}", headers=mod_acme.headers))
    [oil] = [
        r for r in rows if r["product"] == "oil" and r["lease_number"] == number["lease_number"]
    ]
    assert oil["closing_inventory"] == "120.00" and "differs" in oil["problems"]
    assert tickets.status_code == 200 and tickets.content[:2] == b"PK"
    assert tickets.headers["content-disposition"].endswith('.xlsx"')
    assert refused.status_code == 403


def test_synced_tank_gauges_become_daily_gauges_and_office_gauges_win(
    mod_acme: TenantSession,
) -> None:
    # GIVEN a lease with a tank "T-1" and a field operator who logged a day with its gauge
    lease_id = new_lease(mod_acme)
    well = create_well(mod_acme, lease_id=lease_id)
    operator = invite(mod_acme, "FIELD_OPERATOR")
    ok(
        mod_acme.client.put(
            f"/api/v1/wells/{well['id']}/assignments/{operator['id']}", headers=mod_acme.headers
        )
    )
    tank = ok(
        mod_acme.client.post(
            f"{BASE}/tanks",
            json={"lease_id": lease_id, "name": "T-1", "strapping": STRAPPING},
            headers=mod_acme.headers,
        ),
        201,
    )
    now = datetime.now(UTC)
    day, other = (now - timedelta(days=2)).date(), (now - timedelta(days=3)).date()
    events = [
        production(
            well["id"],
            day,
            now,
            oil=20.0,
            seq=1,
            tank_gauges=[{"tank": "T-1", "level_in": 96.5}, {"tank": "T-9", "level_in": 3}],
        ),
        production(
            well["id"], other, now, oil=21.0, seq=2, tank_gauges=[{"tank": "t-1", "level_in": 90}]
        ),
    ]
    body = {"device": device("tab-c"), "events": events}
    ok(mod_acme.client.post("/api/v1/sync", json=body, headers=operator["headers"]))
    ok(gauge(mod_acme, tank["id"], other.isoformat(), "7' 0\""))  # the office's own gauge

    # WHEN the office imports the month's synced gauges
    url = f"{BASE}/leases/{lease_id}/gauges:import-sync"
    counts = ok(
        mod_acme.client.post(url, params={"period": f"{day:%Y-%m}"}, headers=mod_acme.headers)
    )

    # THEN the day's gauge is strapped (96.5 in × 2 bbl/in), the office's day is kept
    listed = ok(
        mod_acme.client.get(
            f"{BASE}/tanks/{tank['id']}/gauges",
            params={"start": other.isoformat(), "end": day.isoformat()},
            headers=mod_acme.headers,
        )
    )
    by_day = {g["gauge_date"]: (g["source"], Decimal(str(g["volume_bbl"]))) for g in listed}
    assert by_day[day.isoformat()] == ("sync", Decimal(193))
    assert by_day[other.isoformat()] == ("office", Decimal(168))
    if f"{day:%Y-%m}" == f"{other:%Y-%m}":
        assert counts == {"imported": 1, "kept_office": 1, "unmatched": 1}


def test_settings_choose_the_form_pr_due_date_reading_and_the_gwp_set(
    mod_acme: TenantSession,
) -> None:
    manager = invite(mod_acme, "MANAGER")
    url = f"{BASE}/settings"
    defaults = ok(mod_acme.client.get(url, headers=mod_acme.headers))
    refused = mod_acme.client.put(url, json={"gwp": "AR5"}, headers=manager["headers"])
    bad = mod_acme.client.put(url, json={"gwp": "AR9"}, headers=mod_acme.headers)
    changed = ok(
        mod_acme.client.put(
            url,
            json={"form_pr_due_date_variant": "fifteenth_second_month", "gwp": "AR4"},
            headers=mod_acme.headers,
        )
    )
    items = ok(
        mod_acme.client.get(f"{BASE}/calendar", params={"year": 2026}, headers=mod_acme.headers)
    )
    emissions = ok(
        mod_acme.client.get(
            f"{BASE}/emissions", params={"period": PERIOD}, headers=mod_acme.headers
        )
    )
    ok(
        mod_acme.client.put(
            url,
            json={"form_pr_due_date_variant": "last_day_following_month", "gwp": "table_a1"},
            headers=mod_acme.headers,
        )
    )

    assert defaults["form_pr_due_date_variant"]["value"] == "last_day_following_month"
    assert defaults["gwp"]["value"] == "table_a1"
    assert refused.status_code == 403
    assert bad.status_code == 422 and problem_field(bad) == "gwp"
    assert changed["gwp"]["value"] == "AR4"
    october = next(i for i in items if i["obligation"] == "tx_form_pr" and i["period"] == "2026-10")
    assert october["due"] == "2026-12-15"
    assert emissions["gwp"] == "AR4"


def test_pneumatic_devices_and_storage_tanks_for_the_month(mod_acme: TenantSession) -> None:
    body = {"name": "Pad 3", "facility_type": "WELL_PAD"}
    facility = ok(
        mod_acme.client.post("/api/v1/facilities", json=body, headers=mod_acme.headers), 201
    )
    common = {"facility_id": facility["id"], "period": PERIOD}
    pneumatic = {
        **common,
        "source_kind": "pneumatic",
        "device_counts": {"intermittent_bleed": 4, "low_bleed": 2},
        "ch4_mole_fraction": 0.8,
        "co2_mole_fraction": 0.02,
    }
    tanks = {**common, "source_kind": "storage_tank", "units": 2, "liquid": "crude_oil"}
    for entry in (pneumatic, tanks):
        ok(mod_acme.client.post(f"{BASE}/emissions", json=entry, headers=mod_acme.headers), 201)
    no_counts = mod_acme.client.post(
        f"{BASE}/emissions", json={**common, "source_kind": "pneumatic"}, headers=mod_acme.headers
    )
    bad_kind = mod_acme.client.post(
        f"{BASE}/emissions",
        json={**pneumatic, "device_counts": {"geyser": 1}},
        headers=mod_acme.headers,
    )
    report = ok(
        mod_acme.client.get(
            f"{BASE}/emissions", params={"period": PERIOD}, headers=mod_acme.headers
        )
    )

    assert no_counts.status_code == 422 and problem_field(no_counts) == "device_counts"
    assert bad_kind.status_code == 422 and problem_field(bad_kind) == "counts"
    [mine] = [f for f in report["facilities"] if f["facility_id"] == facility["id"]]
    by_kind = {s["source_kind"]: s for s in mine["sources"]}
    assert by_kind["pneumatic"]["ch4_t"] > 0 and "W-1B" in by_kind["pneumatic"]["method"]
    assert (
        by_kind["storage_tank"]["ch4_t"] > 0
        and "31 days of 2026" in by_kind["storage_tank"]["method"]
    )
