"""A cloud host's cold start imports only what serving its first request needs.

Importing the Lambda API handler builds the FastAPI app, and nothing more: the
wiring of every service and SQL adapter (`shared.bootstrap.wiring`) loads with
the first request, and the libraries of paths the API may never take in this
instance (Entra sign-in, scientific math, spreadsheets, PDFs, cloud SDKs of the
other cloud, migrations, scoring, charts) load when those paths run. Each import
runs in a fresh interpreter with an empty environment, as a cold start does.
Timings are in bench/cold_start.py, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

NOT_AT_COLD_START = (
    "shared.bootstrap.wiring",  # every service and SQL adapter: built on the first request
    "shared.adapters.sql",  # the SQL repositories and tables: with the wiring
    "msal",  # Entra sign-in
    "requests",
    "scipy",  # decline curve fitting
    "openpyxl",  # spreadsheet imports
    "fpdf",  # compliance PDFs
    "boto3",  # AWS adapters: the wiring picks them from settings
    "azure",  # the other cloud
    "alembic",  # migrations
    "onnxruntime",  # nightly scoring
    "matplotlib",  # forecast charts
    "argon2",  # password hashing: the wiring's
    "sqlalchemy",  # the database error handlers: added as the app starts serving
    "numpy",  # decline curves (forecast route), benchmarking, charts: on first use
    "shared.core.decline.model.arps",  # numpy's Arps models: the forecast service's
    "shared.core.analytics.services",  # scoring, benchmarking: the wiring's
    "shared.core.compliance.services.reminders",  # services a route names no type of
    "shared.core.operations.services.alarms",  # the alarm evaluator
    "shared.core.scada.services.drain",
)


def fresh(code: str, result: str) -> Any:
    """The JSON value of the expression `result` after running `code` in a fresh interpreter."""
    script = f"{code}\nimport json, sys\nprint(json.dumps({result}))"
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, cwd=ROOT, check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": "/tmp"},
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def loaded_after(code: str) -> set[str]:
    """Top-level and dotted module names in sys.modules after running `code` afresh."""
    return set(fresh(code, "sorted(sys.modules)"))


def test_the_lambda_api_handler_imports_no_library_its_first_request_does_not_need() -> None:
    loaded = loaded_after("import functions.aws.api_handler")

    assert "functions.aws.api_handler" in loaded
    assert "fastapi" in loaded
    early = sorted(name for name in NOT_AT_COLD_START if name in loaded)
    assert early == [], f"imported at cold start: {early}"


def test_the_azure_function_app_imports_only_its_own_cloud_at_cold_start() -> None:
    # The queue and timer blueprints name their queues at import; their services (the
    # wiring, SQLAlchemy, numpy for scoring) load with their first message.
    loaded = loaded_after("import function_app")

    assert "function_app" in loaded
    early = sorted(name for name in NOT_AT_COLD_START if name in loaded and name != "azure")
    assert early == [], f"imported at cold start: {early}"


def test_the_lambda_api_handler_builds_its_routes_on_first_use_not_at_import() -> None:
    # FastAPI analyses each endpoint (signature, dependencies, body and response models)
    # when a route is declared; the app's routes (functions.api.deferred_routes) wait.
    routes = (
        "[(r.path, 'dependant' in vars(r)) for included in api_handler.app.routes"
        " for r in getattr(getattr(included, 'original_router', None), 'routes', [])]"
    )
    declared = fresh("import functions.aws.api_handler as api_handler", routes)

    assert len(declared) > 150
    built = [path for path, analysed in declared if analysed]
    assert built == [], f"{len(built)} routes built at import, e.g. {built[:3]}"


def test_the_first_request_builds_the_copies_fastapi_serves_not_the_declared_routes() -> None:
    # FastAPI serves an included router through copies made from each route's declaration
    # for the routers a request passes; the compliance routes come last of all.
    code = (
        "import logging\n"
        "logging.disable(logging.CRITICAL)\n"
        "import functions.aws.api_handler as api_handler\n"
        "from fastapi.testclient import TestClient\n"
        "answer = TestClient(api_handler.app).get('/api/v1/compliance/tanks')\n"
        "declared = [r for included in api_handler.app.routes\n"
        "            for r in getattr(getattr(included, 'original_router', None), 'routes', [])]"
    )
    status, built = fresh(
        code, "[answer.status_code, [r.path for r in declared if 'dependant' in vars(r)]]"
    )

    assert status == 503  # no database configured: the platform's StartupError
    assert built == []


def test_the_api_answer_models_build_on_first_use_not_at_import() -> None:
    # Request bodies and query models stay eager: FastAPI builds their adapters as it
    # declares the route (functions.api.schemas.common.ApiModel says why). A generic
    # model (PageOut) is built when parametrized; PageOut[WellOut] and the others are not.
    code = (
        "import functions.aws.api_handler\n"
        "from functions.api.schemas.common import ApiModel\n"
        "def answers(model):\n"
        "    for sub in model.__subclasses__():\n"
        "        yield sub\n"
        "        yield from answers(sub)\n"
        "generic = lambda m: m.__pydantic_generic_metadata__['parameters']\n"
        "concrete = [m for m in answers(ApiModel) if not generic(m)]"
    )
    built = fresh(code, "[m.__name__ for m in concrete if m.__pydantic_complete__]")

    assert fresh(code, "len(concrete)") > 100
    assert built == [], f"built at import: {built}"


def test_the_wiring_loads_on_first_use_of_its_names() -> None:
    loaded = loaded_after(
        "import shared.bootstrap as bootstrap\n"
        "assert 'shared.bootstrap.wiring' not in __import__('sys').modules\n"
        "from shared.bootstrap import Platform, build_platform\n"
        "assert callable(build_platform) and Platform.__name__ == 'Platform'\n"
        "try:\n"
        "    bootstrap.no_such_name\n"
        "except AttributeError as error:\n"
        "    assert 'no_such_name' in str(error)\n"
        "else:\n"
        "    raise SystemExit('an unknown name resolved')\n"
    )

    assert "shared.bootstrap.wiring" in loaded
    assert "shared.adapters.sql.engines" in loaded


def test_the_entra_adapter_loads_msal_only_when_a_sign_in_runs() -> None:
    loaded = loaded_after(
        "from shared.adapters.security.entra import MsalEntraSignIn\n"
        "MsalEntraSignIn(timeout_s=1.0)._session().close()\n"
    )

    assert "requests" in loaded
    assert "msal" not in loaded
