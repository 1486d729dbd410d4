"""The forecast endpoints fit a well's own production and project it."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from shared.core.decline.model.arps import Hyperbolic, ModifiedHyperbolic
from shared.core.decline.model.units import DeclineType, TimeUnit, nominal_per_day

SIG4 = 5e-5  # relative: 4 significant figures


@pytest.fixture
def declining_well(acme):
    """GIVEN a well with two years of daily oil following a known hyperbolic decline."""
    response = acme.client.post(
        "/api/v1/wells",
        json={"name": "Decline 1H", "well_type": "OIL", "status": "PRODUCING"},
        headers=acme.headers,
    )
    well_id = response.json()["id"]
    truth = Hyperbolic(qi=400.0, di=0.004, b=0.8)
    start = date.today() - timedelta(days=731)
    rows = [
        {
            "well_id": well_id,
            "production_date": (start + timedelta(days=day)).isoformat(),
            "oil_bbl": float(truth.rate(day + 0.5)),
            "gas_mcf": float(truth.rate(day + 0.5)) * 2.0,
            "hours_on": 24,
        }
        for day in range(730)
    ]
    written = acme.client.post(
        "/api/v1/production:batch", json={"rows": rows}, headers=acme.headers
    )
    assert written.status_code == 200, written.text
    return well_id, truth


def test_forecast_recovers_the_decline_and_reports_eur(acme, declining_well):
    well_id, truth = declining_well
    # WHEN the engineer asks for a 10-year forecast to 5 bbl/d
    response = acme.client.get(
        f"/api/v1/wells/{well_id}/forecast?months=120&economic_limit=5", headers=acme.headers
    )
    # THEN the fit recovers the initial rate, and EUR = produced + remaining
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["product"] == "oil"
    assert body["parameters"]["qi"] == pytest.approx(truth.qi, rel=0.03)
    assert body["eur"] == pytest.approx(body["produced"] + body["remaining"], rel=1e-9)
    assert body["produced"] == pytest.approx(
        sum(float(truth.rate(d + 0.5)) for d in range(730)), rel=0.01
    )
    rates = [point["rate"] for point in body["forecast"]]
    assert rates == sorted(rates, reverse=True) and len(rates) <= 120
    assert all(math.isfinite(rate) and rate >= 5 for rate in rates)


def test_forecast_png_is_an_image(acme, declining_well):
    well_id, _ = declining_well
    response = acme.client.get(
        f"/api/v1/wells/{well_id}/forecast.png?months=24", headers=acme.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_forecast_without_history_is_a_clear_422(acme):
    # GIVEN a well with no production
    well = acme.client.post(
        "/api/v1/wells", json={"name": "Dry", "well_type": "OIL"}, headers=acme.headers
    )
    # WHEN a forecast is asked for
    response = acme.client.get(f"/api/v1/wells/{well.json()['id']}/forecast", headers=acme.headers)
    # THEN a problem names what is missing
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == "production"


def test_forecast_rejects_bad_parameters_naming_them(acme, declining_well):
    well_id, _ = declining_well
    response = acme.client.get(
        f"/api/v1/wells/{well_id}/forecast?economic_limit=-1", headers=acme.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "economic_limit"
    response = acme.client.get(
        f"/api/v1/wells/{well_id}/forecast?product=water", headers=acme.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "product"


def test_the_forecast_of_the_published_curve_returns_its_values(acme):
    # GIVEN a well whose two years of daily oil follow the reference modified hyperbolic:
    # qi 5000 bbl/d, Di 90 %/yr secant effective, b 1.5, terminal 10 %/yr effective
    di = nominal_per_day(0.90, DeclineType.SECANT, TimeUnit.YEAR, b=1.5)
    dlim = nominal_per_day(0.10, DeclineType.TANGENT, TimeUnit.YEAR)
    truth = ModifiedHyperbolic(qi=5000.0, di=di, b=1.5, dlim=dlim)
    well = acme.client.post(
        "/api/v1/wells", json={"name": "Reference 1H", "well_type": "OIL"}, headers=acme.headers
    ).json()
    origin = date.today() - timedelta(days=731)
    rows = [
        {
            "well_id": well["id"],
            "production_date": (origin + timedelta(days=day)).isoformat(),
            "oil_bbl": float(truth.cumulative(day + 1) - truth.cumulative(day)),
            "hours_on": 24,
        }
        for day in range(730)
    ]
    for first in range(0, len(rows), 500):
        written = acme.client.post(
            "/api/v1/production:batch",
            json={"rows": rows[first : first + 500]},
            headers=acme.headers,
        )
        assert written.status_code == 200, written.text

    # WHEN its forecast to 10 bbl/d is asked for
    response = acme.client.get(
        f"/api/v1/wells/{well['id']}/forecast?months=120&economic_limit=10", headers=acme.headers
    )

    # THEN the fit returns the curve's parameters, switch point and EUR to 4 significant figures
    assert response.status_code == 200, response.text
    body = response.json()
    parameters = body["parameters"]
    assert body["model"] == "modified_hyperbolic"
    assert parameters["qi"] == pytest.approx(5000.0, rel=SIG4)
    assert parameters["b"] == pytest.approx(1.5, rel=SIG4)
    assert parameters["di"]["secant"] == pytest.approx(0.90, rel=SIG4)
    assert parameters["di"]["nominal"] == pytest.approx(20.41518440, rel=SIG4)
    assert parameters["dlim"]["tangent"] == pytest.approx(0.10, rel=SIG4)
    assert parameters["switch_time"] == pytest.approx(75.53790746, rel=SIG4)
    assert parameters["switch_rate"] == pytest.approx(149.3205994, rel=SIG4)
    assert body["eur"] == pytest.approx(1_339_357.502, rel=SIG4)
    # AND month m of the forecast is the curve's rate m average months after the history
    assert body["origin"] == origin.isoformat()
    for point in body["forecast"]:
        days = 730 + point["month"] * 365.25 / 12
        assert point["rate"] == pytest.approx(float(truth.rate(days)), rel=SIG4), point
