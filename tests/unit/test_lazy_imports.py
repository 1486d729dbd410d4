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
)


def loaded_after(code: str) -> set[str]:
    """Top-level and dotted module names in sys.modules after running `code` afresh."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, cwd=ROOT, check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": "/tmp"},
    )  # fmt: skip
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_lambda_api_handler_imports_no_library_its_first_request_does_not_need() -> None:
    loaded = loaded_after("import functions.aws.api_handler")

    assert "functions.aws.api_handler" in loaded
    assert "fastapi" in loaded
    early = sorted(name for name in NOT_AT_COLD_START if name in loaded)
    assert early == [], f"imported at cold start: {early}"


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
