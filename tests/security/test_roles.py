"""Every role against every route of /openapi.json: the allowed ones answer, the rest
get 403, nobody gets a 5xx, and no route answers without a token unless it is public.

The route list comes from the OpenAPI, so a new route is covered as soon as it exists;
routes.RULES says who may call it, and a route missing there fails the first test.
"""

from __future__ import annotations

from tests.security.routes import GATEWAY, PUBLIC, RULES, call, operations
from tests.security.seed import ROLES, Seeded


def test_every_route_has_a_permission_rule(openapi):
    listed = {operation.key for operation in operations(openapi)}
    assert sorted(listed - RULES.keys()) == [], "add these routes to tests/security/routes.RULES"
    assert sorted(RULES.keys() - listed) == [], "these RULES name routes the API no longer has"


def test_each_role_gets_what_its_rule_says_and_never_a_server_error(acme: Seeded, openapi):
    wrong = []
    for operation in operations(openapi):
        rule = RULES[operation.key]
        for role in ROLES:
            allowed = role in rule.roles
            overrides = rule.fresh(acme) if rule.fresh and allowed else None
            status = call(acme, operation, acme.headers[role], overrides).status_code
            if rule.roles in (PUBLIC, GATEWAY):
                expected_ok = status < 500 and (rule.roles == PUBLIC or status == 401)
            elif allowed:
                expected_ok = status < 500 and status not in (401, 403)
            else:
                expected_ok = status == 403
            if not expected_ok:
                wrong.append(f"{operation.key} as {role}: {status}")
    assert wrong == []


def test_no_route_answers_without_a_token_unless_public(acme: Seeded, openapi):
    wrong = []
    for operation in operations(openapi):
        if RULES[operation.key].roles == PUBLIC:
            continue
        response = call(acme, operation, {"X-WellOS-Tenant": acme.slug})
        if response.status_code != 401:
            wrong.append(f"{operation.key}: {response.status_code}")
    assert wrong == []


def test_a_forged_or_garbled_token_is_401_everywhere(acme: Seeded, openapi):
    forged = acme.headers["ADMIN"]["Authorization"][:-4] + "AAAA"
    headers = [
        {"Authorization": forged},
        {"Authorization": "Bearer not.a.jwt"},
        {"Authorization": "Basic YWRtaW46YWRtaW4="},
    ]
    wrong = []
    for operation in operations(openapi):
        if RULES[operation.key].roles == PUBLIC:
            continue
        for extra in headers:
            status = call(acme, operation, {"X-WellOS-Tenant": acme.slug, **extra}).status_code
            if status != 401:
                wrong.append(f"{operation.key} with {extra['Authorization'][:12]}…: {status}")
    assert wrong == []


def test_a_field_operator_reaches_no_well_that_is_not_assigned_to_them(acme: Seeded, openapi):
    response = acme.client.post(
        "/api/v1/wells",
        json={"name": "Unassigned", "well_type": "OIL"},
        headers=acme.headers["ADMIN"],
    )
    assert response.status_code == 201, response.text
    unassigned = response.json()["id"]
    wrong = []
    for operation in operations(openapi):
        if "{well_id}" not in operation.path or "assignments" in operation.path:
            continue
        response = call(acme, operation, acme.headers["FIELD_OPERATOR"], {"well_id": unassigned})
        if response.status_code not in (403, 404):
            wrong.append(f"{operation.key}: {response.status_code}")
    assert wrong == []
