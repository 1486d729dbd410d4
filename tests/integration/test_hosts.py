"""One app, three hosts: local (httpx), Azure Functions (AsgiFunctionApp), AWS Lambda (Mangum).

Each request goes through all three: a TestClient against the ASGI app, a real
`func.HttpRequest` handed to the function the AsgiFunctionApp registered, and an
API Gateway HTTP API (payload 2.0) event handed to the Lambda handler.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import azure.functions as func
import pytest
from fastapi.testclient import TestClient

from functions.api.app import create_app
from functions.aws.http import build_handler, logger
from functions.azure.http import build_function_app
from shared.bootstrap import Platform

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "tests" / "events"
COMPARED_HEADERS = ("content-type", "x-request-id", "www-authenticate", "retry-after")


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    json_body: Any = None
    host: str = "testserver"

    @property
    def body(self) -> bytes:
        return b"" if self.json_body is None else json.dumps(self.json_body).encode()

    @property
    def all_headers(self) -> dict[str, str]:
        headers = {"host": self.host, **{k.lower(): v for k, v in self.headers.items()}}
        if self.body:
            headers["content-type"] = "application/json"
        return headers


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


def _answer(status: int, headers: dict[str, str], body: bytes) -> Answer:
    lowered = {k.lower(): v for k, v in headers.items()}
    kept = {name: lowered[name] for name in COMPARED_HEADERS if name in lowered}
    return Answer(status, kept, json.loads(body) if body else None)


@dataclass
class FunctionsContext:
    """What the Functions worker hands a function; AsgiMiddleware reads these attributes."""

    invocation_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_name: str = "http_app_func"
    function_directory: str = "/home/site/wwwroot"
    thread_local_storage: threading.local = field(default_factory=threading.local)
    trace_context: Any = None
    retry_context: Any = None


@dataclass
class LambdaContext:
    """What the Lambda runtime hands a handler; Powertools reads the first four."""

    function_name: str = "wellos-api"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:wellos-api"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = "/aws/lambda/wellos-api"
    log_stream_name: str = "2025/03/12/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def api_gateway_event(call: Call) -> dict[str, Any]:
    """A canned HTTP API event with this call's method, path, query, headers and body."""
    name = "apigw_v2_get.json" if call.method == "GET" else "apigw_v2_post.json"
    event: dict[str, Any] = copy.deepcopy(json.loads((EVENTS / name).read_text()))
    event["headers"] = {
        **{k: v for k, v in event["headers"].items() if k.startswith("x-")},
        **call.all_headers,
        "content-length": str(len(call.body)),
    }
    event.update(rawPath=call.path, rawQueryString=call.query, body=call.body.decode())
    event["queryStringParameters"] = dict(parse_qsl(call.query)) or None
    event["requestContext"]["http"].update(method=call.method, path=call.path)
    event["requestContext"]["requestId"] = base64.b64encode(uuid.uuid4().bytes[:10]).decode()
    return {k: v for k, v in event.items() if v is not None}


Driver = Callable[[Call], Answer]


@pytest.fixture
def hosts(platform: Platform) -> Iterator[dict[str, Driver]]:
    """The three hosts, each around its own app built from the test's platform."""
    with asyncio.Runner() as runner, TestClient(create_app(platform)) as local:
        runner.get_loop()  # the worker's loop; Mangum picks it up as the current one
        function_app = build_function_app(create_app(platform))
        (function,) = function_app.get_functions()
        lambda_handler = build_handler(create_app(platform), platform.settings.base_domain)

        def via_local(call: Call) -> Answer:
            url = f"{call.path}?{call.query}" if call.query else call.path
            r = local.request(call.method, url, headers=call.all_headers, content=call.body)
            return _answer(r.status_code, dict(r.headers), r.content)

        def via_azure(call: Call) -> Answer:
            request = func.HttpRequest(
                method=call.method,
                url=f"https://{call.host}{call.path}" + (f"?{call.query}" if call.query else ""),
                headers=call.all_headers,
                params=dict(parse_qsl(call.query)),
                route_params={"route": call.path.lstrip("/")},
                body=call.body,
            )
            user_function = function.get_user_function()
            response = runner.run(user_function(request, FunctionsContext()))
            return _answer(response.status_code, dict(response.headers), response.get_body())

        def via_aws(call: Call) -> Answer:
            result = lambda_handler(api_gateway_event(call), LambdaContext())
            # Every answer here is JSON or problem JSON: API Gateway must get it as text.
            assert result["isBase64Encoded"] is False
            raw = result.get("body", "").encode()
            return _answer(result["statusCode"], result.get("headers", {}), raw)

        yield {"local": via_local, "azure": via_azure, "aws": via_aws}
        if function_app.startup_task_done:  # shut the ASGI lifespan down as the worker would
            runner.run(function_app.middleware.notify_shutdown())
            function_app.startup_task_done = False


def same_everywhere(hosts: dict[str, Driver], call: Call) -> Answer:
    answers = {name: drive(call) for name, drive in hosts.items()}
    for name in ("azure", "aws"):
        assert answers[name] == answers["local"], f"{name} differs from local"
    return answers["local"]


def test_wells_list_is_the_same_on_every_host(acme, hosts):
    # GIVEN a tenant with a well
    created = acme.client.post(
        "/api/v1/wells", headers=acme.headers, json={"name": "Smith 1H", "well_type": "OIL"}
    )
    assert created.status_code == 201, created.text
    # WHEN the admin lists wells through each host
    call = Call("GET", "/api/v1/wells", "limit=10", {**acme.headers, "X-Request-ID": "req-w1"})
    answer = same_everywhere(hosts, call)
    # THEN every host answers 200 with the same page, JSON and the caller's request id
    assert answer.status == 200
    assert answer.headers == {"content-type": "application/json", "x-request-id": "req-w1"}
    assert [well["name"] for well in answer.body["items"]] == ["Smith 1H"]


def test_tenant_subdomain_routes_the_same_on_every_host(acme, hosts):
    # GIVEN a tenant with a well and a production day
    well = acme.client.post(
        "/api/v1/wells", headers=acme.headers, json={"name": "Jones 2", "well_type": "GAS"}
    ).json()
    day = acme.client.put(
        f"/api/v1/wells/{well['id']}/production/2025-01-02",
        headers=acme.headers,
        json={"oil_bbl": 12.5, "gas_mcf": 300, "hours_on": 24},
    )
    assert day.status_code == 201, day.text
    # WHEN its production is read at acme.<base domain>, with no tenant header
    token = {"Authorization": acme.headers["Authorization"], "X-Request-ID": "req-p1"}
    call = Call(
        "GET", f"/api/v1/wells/{well['id']}/production", "from=2025-01-01&to=2025-01-31", token
    )
    answer = same_everywhere(hosts, replace(call, host="acme.localhost"))
    # THEN every host finds the tenant and the query range
    assert answer.status == 200
    assert answer.body["days"] == 1
    assert answer.body["items"][0]["oil_bbl"] == 12.5


def test_unknown_tenant_is_the_same_problem_on_every_host(platform, hosts):
    # GIVEN a platform without the tenant "ghost"
    call = Call("GET", "/api/v1/wells", "", {"X-WellOS-Tenant": "ghost", "X-Request-ID": "req-u"})
    # WHEN a request names it
    answer = same_everywhere(hosts, call)
    # THEN every host returns the same 404 problem document
    assert answer.status == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.body["instance"] == "/api/v1/wells"
    assert answer.body["request_id"] == "req-u"


def test_invalid_input_is_the_same_problem_on_every_host(acme, hosts):
    # GIVEN a logged-in admin
    headers = {**acme.headers, "X-Request-ID": "req-v"}
    # WHEN they create a well with no name and an unknown well type
    call = Call("POST", "/api/v1/wells", "", headers, {"well_type": "LAVA"})
    answer = same_everywhere(hosts, call)
    # THEN every host returns the same 422 problem naming both fields
    assert answer.status == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert {error["field"] for error in answer.body["errors"]} == {"name", "well_type"}


def test_login_works_the_same_on_every_host(acme, hosts):
    # GIVEN the tenant's admin credentials
    credentials = {"email": acme.created.admin_email, "password": acme.created.admin_password}
    login = Call("POST", "/api/v1/auth/login", "", {"X-WellOS-Tenant": "acme"}, credentials)
    # WHEN the admin logs in through each host
    answers = {name: drive(login) for name, drive in hosts.items()}
    # THEN each host issues a bearer token pair, and each host's token works on every host
    for name, answer in answers.items():
        assert answer.status == 200, (name, answer.body)
        assert answer.headers["content-type"] == "application/json"
        assert answer.body["token_type"].lower() == "bearer"
        bearer = {
            "X-WellOS-Tenant": "acme",
            "Authorization": f"Bearer {answer.body['access_token']}",
            "X-Request-ID": f"req-{name}",
        }
        assert same_everywhere(hosts, Call("GET", "/api/v1/wells", "", bearer)).status == 200


def test_lambda_logs_and_responses_carry_api_gateways_request_id(acme, platform):
    # GIVEN a Lambda handler and an API Gateway event without X-Request-ID
    call = Call("GET", "/api/v1/wells", "", acme.headers, host="acme.localhost")
    event = api_gateway_event(call)
    with asyncio.Runner() as runner:
        runner.get_loop()
        handler = build_handler(create_app(platform), platform.settings.base_domain)
        # WHEN it serves the request
        result = handler(event, LambdaContext())
    # THEN the response and the Powertools log keys carry API Gateway's id and the tenant
    request_id = event["requestContext"]["requestId"]
    assert result["statusCode"] == 200
    assert result["headers"]["x-request-id"] == request_id
    keys = logger.get_current_keys()
    assert (keys["tenant"], keys["request_id"]) == ("acme", request_id)
    assert keys["function_name"] == "wellos-api"


def test_azure_function_is_anonymous_and_catches_every_route_and_method():
    # GIVEN the root function_app module and host.json
    import function_app

    host = json.loads((ROOT / "host.json").read_text())
    # WHEN the Functions host indexes them
    functions = {f.get_function_name(): f for f in function_app.app.get_functions()}
    trigger = functions["http_app_func"].get_trigger()
    # THEN one anonymous HTTP function takes every method on every path, with no /api prefix
    assert trigger.auth_level == func.AuthLevel.ANONYMOUS
    assert trigger.route == "/{*route}"
    assert {m.value for m in trigger.methods} >= {"GET", "POST", "PUT", "PATCH", "DELETE"}
    assert host["extensions"]["http"]["routePrefix"] == ""


IMPORT_PROBE = """
import json, socket
attempts = []
def refuse(self, address, *args):
    attempts.append(repr(address))
    raise OSError("this probe allows no connection")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
import function_app
import functions.aws.api_handler as aws
print(json.dumps({"attempts": attempts, "lambda_serverless": aws.settings.serverless}))
"""


def test_importing_the_cloud_entry_points_opens_no_connection(tmp_path):
    # GIVEN a master database URL nothing answers at, and an empty state directory
    env = {k: v for k, v in os.environ.items() if not k.startswith("WELLOS_")}
    env.update(
        WELLOS_DATABASE_URL="postgresql://wellos@192.0.2.1:5432/wellos",
        XDG_STATE_HOME=str(tmp_path),
    )
    # WHEN a fresh interpreter imports the Azure and AWS entry points
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # THEN both import, with no connection attempt, nothing written, and NullPool for Lambda
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"attempts": [], "lambda_serverless": True}
    assert list(tmp_path.iterdir()) == []
