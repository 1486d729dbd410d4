"""Path and query values a database cannot hold are 422s naming the parameter.

The cases schemathesis found as 500s: ids beyond an INTEGER column, NUL and other
control characters in text filters, days and times outside every backend's range.
tests/security/ sweeps every parameter of the OpenAPI the same way.
"""

from __future__ import annotations

import pytest

from tests.integration import api_support
from tests.integration.api_support import create_well, problem_field
from tests.integration.ingest_support import build_site

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme


@pytest.fixture(scope="module")
def site(mod_acme):
    return build_site(mod_acme, tag_names=("tubing_pressure",))


@pytest.mark.parametrize("tag_id", [10**14, -(10**14), 2**31, 0])
@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_a_tag_id_beyond_the_column_is_422(mod_acme, site, tag_id, method):
    url = f"/api/v1/scada/connections/{site.connection_id}/tags/{tag_id}"
    body = {"unit": "psi"} if method == "PATCH" else None
    response = mod_acme.client.request(method, url, json=body, headers=mod_acme.headers)
    assert response.status_code == 422, response.text
    assert problem_field(response) == "tag_id"


def test_the_largest_tag_id_is_simply_not_found(mod_acme, site):
    url = f"/api/v1/scada/connections/{site.connection_id}/tags/{2**31 - 1}"
    assert mod_acme.client.get(url, headers=mod_acme.headers).status_code == 404


@pytest.mark.parametrize("text", ["a\x00b", "a\x01b", "\x1b[31m", "a\x7f", "a\x85b"])
@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/v1/conflicts", "type"),
        ("/api/v1/wells", "q"),
        ("/api/v1/facilities", "facility_type"),
        ("/api/v1/equipment", "equipment_type"),
        ("/api/v1/sync/changes", "since"),
    ],
)
def test_control_characters_in_a_text_filter_are_422(mod_acme, path, param, text):
    response = mod_acme.client.get(path, params={param: text}, headers=mod_acme.headers)
    assert response.status_code == 422, response.text
    assert problem_field(response) == param


def test_control_characters_in_a_reading_tag_are_422(mod_acme, site):
    url = f"/api/v1/wells/{site.wells[0]['id']}/readings"
    response = mod_acme.client.get(url, params={"tag": "a\x00"}, headers=mod_acme.headers)
    assert response.status_code == 422, response.text
    assert problem_field(response) == "tag"


def test_ordinary_text_filters_still_work(mod_acme):
    for path, param in [("/api/v1/conflicts", "type"), ("/api/v1/wells", "q")]:
        response = mod_acme.client.get(
            path, params={param: "Smith #2 – Ost"}, headers=mod_acme.headers
        )
        assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("suffix", "params", "field"),
    [
        ("/production/0001-01-05", {}, "production_date"),
        ("/production/1899-12-31", {}, "production_date"),
        ("/production", {"to": "0001-01-05"}, "to"),
        ("/production", {"from": "9999-12-31"}, "from"),
        ("/readings", {"from": "1899-12-31T23:59:59Z"}, "from"),
        ("/readings", {"to": "2200-01-01T00:00:00+00:00"}, "to"),
        ("/readings", {"offset": 10**14}, "offset"),
    ],
)
def test_days_times_and_offsets_outside_every_backend_are_422(mod_acme, suffix, params, field):
    well = create_well(mod_acme)
    url = f"/api/v1/wells/{well['id']}{suffix}"
    response = mod_acme.client.get(url, params=params, headers=mod_acme.headers)
    assert response.status_code == 422, response.text
    assert problem_field(response) == field
