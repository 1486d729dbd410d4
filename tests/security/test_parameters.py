"""Every path and query parameter of /openapi.json refuses what no database can hold.

Integers beyond an INTEGER column, text with NUL or other control characters, and
days or times outside 1900-2199 (or with no UTC value at all: year 1 with an offset)
are 422s naming the parameter. The list comes from the OpenAPI, so a new parameter is
swept as soon as it exists.
"""

from __future__ import annotations

import re
from typing import Any

from functions.api.schemas.common import INT32_MAX, PLAIN_TEXT_PATTERN
from tests.security.routes import PUBLIC, QUERY, RULES, Operation, operations, url_for
from tests.security.seed import Seeded

BAD_VALUES = {
    "integer": ["100000000000000", "-100000000000000", str(INT32_MAX + 1)],
    "text": ["a\x00b", "a\x01b", "\x1b[2J", "a\x85"],
    "date": ["0001-01-01", "9999-12-31", "1899-12-31"],
    "date-time": [
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "0001-01-01T00:00:00Z",
        "2200-01-01T00:00:00Z",
    ],
    "uuid": ["a\x00b", "00000000-0000-0000-0000-00000000000g"],
}


def _schema(parameter: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = parameter["schema"]
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return dict(option)
    return schema


def kind_of(schema: dict[str, Any]) -> str | None:
    """Which BAD_VALUES a parameter must refuse (None: an enum, which refuses anything else)."""
    if schema.get("type") == "integer":
        return "integer"
    if schema.get("type") != "string" or "enum" in schema or "$ref" in schema:
        return None
    return {"date": "date", "date-time": "date-time", "uuid": "uuid"}.get(
        schema.get("format", ""), "text"
    )


def parameters(spec: dict[str, Any]) -> list[tuple[Operation, dict[str, Any]]]:
    found = []
    for operation in operations(spec):
        item = spec["paths"][operation.path][operation.method.lower()]
        for parameter in item.get("parameters", []):
            if parameter["in"] in ("path", "query"):
                found.append((operation, parameter))
    return found


def test_every_integer_and_text_parameter_is_bounded_in_the_openapi(openapi):
    wrong = []
    for operation, parameter in parameters(openapi):
        schema, name = _schema(parameter), f"{operation.key} {parameter['name']}"
        kind = kind_of(schema)
        if kind == "integer" and not (
            "minimum" in schema and schema.get("maximum", INT32_MAX + 1) <= INT32_MAX
        ):
            wrong.append(f"{name}: integer without minimum/maximum within INTEGER")
        if kind == "text" and (
            schema.get("pattern") != PLAIN_TEXT_PATTERN or "maxLength" not in schema
        ):
            wrong.append(f"{name}: text without PlainText and a max_length")
    assert wrong == [], "use the types of functions/api/schemas/common.py"


def _request(seeded: Seeded, operation: Operation, parameter: dict[str, Any], value: str) -> Any:
    rule = RULES[operation.key]
    params = dict(QUERY.get(operation.key, {}))
    overrides = {}
    if parameter["in"] == "path":
        overrides[parameter["name"]] = "PLACEHOLDER"
    else:
        params[parameter["name"]] = value
    url = url_for(operation, seeded, overrides).replace("PLACEHOLDER", _escape(value))
    body = rule.body(seeded) if rule.body else None
    headers = seeded.headers["ADMIN"]
    if rule.csv is not None:
        headers = {**headers, "Content-Type": "text/csv"}
        return seeded.client.request(
            operation.method, url, params=params, content=rule.csv, headers=headers
        )
    return seeded.client.request(operation.method, url, params=params, json=body, headers=headers)


def _escape(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9:+\-]", lambda m: "".join(f"%{b:02X}" for b in m[0].encode()), value)


def test_every_parameter_refuses_what_no_database_can_hold(acme: Seeded, openapi):
    wrong = []
    for operation, parameter in parameters(openapi):
        if RULES[operation.key].roles == PUBLIC:
            continue
        kind = kind_of(_schema(parameter))
        for value in BAD_VALUES.get(kind or "", []):
            response = _request(acme, operation, parameter, value)
            fields = {e.get("field") for e in response.json().get("errors", [])}
            if response.status_code != 422 or parameter["name"] not in fields:
                wrong.append(
                    f"{operation.key} {parameter['name']}={value!r}: {response.status_code}"
                )
    assert wrong == []
