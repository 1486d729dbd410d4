"""Another tenant's valid token, on every route of /openapi.json: 401/403/404, never a
2xx with data, never a 5xx; and another tenant's ids are unknown in your own tenant.
"""

from __future__ import annotations

from typing import Any

from tests.security.routes import PUBLIC, RULES, call, operations, url_for
from tests.security.seed import Seeded


def leaked(seeded: Seeded, response: Any) -> list[str]:
    """The seeded tenant's ids and names in an answer, other than those the caller sent."""
    sent = str(response.request.url)
    return sorted(s for s in seeded.secrets if s in response.text and s not in sent)


def test_a_token_of_another_tenant_opens_nothing(acme: Seeded, permian: Seeded, openapi):
    wrong = []
    for operation in operations(openapi):
        if RULES[operation.key].roles == PUBLIC:
            continue
        for role in ("ADMIN", "FIELD_OPERATOR"):
            # permian's token, sent to acme by header and by subdomain
            by_header = {**permian.headers[role], "X-WellOS-Tenant": acme.slug}
            by_host = {
                "Authorization": permian.headers[role]["Authorization"],
                "Host": f"{acme.slug}.localhost",
            }
            for headers in (by_header, by_host):
                response = call(acme, operation, headers)
                if response.status_code not in (401, 403, 404) or leaked(acme, response):
                    wrong.append(f"{operation.key} as permian {role}: {response.status_code}")
    assert wrong == []


def test_ids_of_another_tenant_are_unknown_in_yours(acme: Seeded, permian: Seeded, openapi):
    wrong = []
    for operation in operations(openapi):
        rule = RULES[operation.key]
        if rule.roles == PUBLIC:
            continue
        # permian's admin, in permian, naming acme's ids in the path
        headers = permian.headers["ADMIN"]
        response = call(permian, operation, headers, overrides=acme.ids)
        names_ids = "{" in operation.path
        refused = 400 <= response.status_code < 500
        if response.status_code >= 500 or (names_ids and not refused):
            wrong.append(f"{operation.key}: {response.status_code} at {url_for(operation, acme)}")
        elif leaked(acme, response):
            wrong.append(f"{operation.key}: acme's data in permian's answer")
    assert wrong == []
