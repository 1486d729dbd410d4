"""Imports span the tenant's wells: field operators, who see only their assigned wells,
cannot read an import or its per-row results (403); office roles can."""

from __future__ import annotations

import uuid

from functions.local.etl_runner import run_etl_tick
from tests.integration import api_support
from tests.integration.api_support import assign, create_well, invite, unique_api_number

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme
IMPORTS = "/api/v1/imports"


def test_a_field_operator_cannot_read_an_import_that_touched_unassigned_wells(
    mod_platform, mod_acme
):
    # GIVEN a pumper assigned to one of two wells, and an import of both wells' production
    apis = [unique_api_number() for _ in range(2)]
    wells = [create_well(mod_acme, api_number=api, status="PRODUCING") for api in apis]
    pumper = invite(mod_acme, "FIELD_OPERATOR")
    assign(mod_acme, wells[0]["id"], pumper["id"])
    rows = "".join(f"{api},03/0{day}/2024,{10 + day},{100 + day},1\n"
                   for api in apis for day in (1, 2))  # fmt: skip
    csv = ("API #,Prod Date,Oil (bbl),Gas Mcf,Water bbl\n" + rows).encode()
    preview = mod_acme.client.post(
        f"{IMPORTS}?kind=production&filename=march-{uuid.uuid4().hex[:6]}.csv",
        content=csv,
        headers={**mod_acme.headers, "Content-Type": "text/csv"},
    ).json()
    import_id = preview["import"]["id"]
    confirm = f"{IMPORTS}/{import_id}/confirm"
    mapping = preview["suggested_mapping"]
    assert mod_acme.client.post(confirm, json=mapping, headers=mod_acme.headers).status_code == 202
    assert run_etl_tick(mod_platform, mod_platform.queue, schedule=False).imports == 1
    # WHEN the pumper asks for the import and its rows
    detail = mod_acme.client.get(f"{IMPORTS}/{import_id}?limit=500", headers=pumper["headers"])
    rows_only = mod_acme.client.get(
        f"{IMPORTS}/{import_id}?rows=inserted", headers=pumper["headers"]
    )
    # THEN both are refused, saying why, and show nothing of the other well
    assert (detail.status_code, rows_only.status_code) == (403, 403)
    assert detail.headers["content-type"] == "application/problem+json"
    assert "field operators" in detail.json()["detail"]
    assert apis[1] not in detail.text
    # AND a manager reads every row
    manager = invite(mod_acme, "MANAGER")
    read = mod_acme.client.get(f"{IMPORTS}/{import_id}?limit=500", headers=manager["headers"])
    assert read.status_code == 200
    assert len(read.json()["rows"]) == 4
