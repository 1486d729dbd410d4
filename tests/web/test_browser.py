"""The office app in a real Chromium: Playwright walks each page of web/e2e/ on a seeded
platform, with axe-core on each; screenshots of the main pages go to a temporary folder,
or to docs/screenshots/ with WELLOS_UPDATE_SCREENSHOTS=1.

The walk runs once per session; each spec file is one test here, failing with the
browser's own messages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.conftest import TENANT, Api, arrange_conflict, arrange_links, import_file
from tests.web.host import ROOT, WEB, Host, find_chromium

SPECS = sorted(path.name for path in (WEB / "e2e").glob("*.spec.ts"))
DOC_SCREENSHOTS = ROOT / "docs" / "screenshots"
WALK_TIMEOUT_S = 600

sys.path.insert(0, str(WEB / "scripts"))
from toolchain import node_command, node_env  # noqa: E402


def _printed(result: dict[str, Any]) -> str:
    """What a failed walk printed (support.ts prints its API calls and page loads)."""
    return "".join(part.get("text", "") for part in result.get("stdout", []))


def _flatten(suite: dict[str, Any], file: str, out: dict[str, list[tuple[str, str, str]]]) -> None:
    file = suite.get("file", file)
    for spec in suite.get("specs", []):
        for test in spec.get("tests", []):
            results = test.get("results", [])
            status = results[-1]["status"] if results else test.get("status", "skipped")
            if len(results) > 1 and status == "passed":
                warnings.warn(f"{spec['title']} passed on its retry (flaky)", stacklevel=1)
            errors = "\n".join(
                [
                    error.get("message", "")
                    for result in results
                    for error in result.get("errors", [])
                ]
                + [_printed(result) for result in results if result.get("status") != "passed"]
            )
            out.setdefault(Path(file).name, []).append((spec["title"], status, errors))
    for child in suite.get("suites", []):
        _flatten(child, file, out)


@pytest.fixture(scope="session")
def walk(host: Host, etl_source: bool, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Arrange a conflict and an import file, then run every spec once; results by file."""
    folder = tmp_path_factory.mktemp("e2e")
    api = Api(host, TENANT)
    links = arrange_links(api)
    conflict_well = arrange_conflict(api)
    csv = import_file(api, folder)
    # the README's pictures are refreshed on request only, so a test run leaves the tree clean
    update = os.environ.get("WELLOS_UPDATE_SCREENSHOTS") == "1"
    screenshots = DOC_SCREENSHOTS if update else folder / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    tenant = host.tenants[TENANT]
    env = {
        **node_env(),
        "WELLOS_E2E_URL": host.url(TENANT),
        "WELLOS_E2E_PLAIN_URL": f"http://localhost:{host.port}",
        "WELLOS_E2E_TENANT": TENANT,
        "WELLOS_E2E_EMAIL": tenant["admin_email"],
        "WELLOS_E2E_PASSWORD": tenant["admin_password"],
        "WELLOS_E2E_SCREENSHOTS": str(screenshots),
        "WELLOS_E2E_CONFLICT_WELL": conflict_well,
        "WELLOS_E2E_IMPORT_FILE": str(csv),
        "WELLOS_E2E_ETL": "1" if etl_source else "0",
        # the e-mails of the identity flows, as the console notifier prints them
        "WELLOS_E2E_MAIL_LOG": str(host.state_dir / "host.log"),
        "WELLOS_E2E_INVITEE": links["invitee"],
        "WELLOS_E2E_FORGETFUL": links["forgetful"],
        "WELLOS_E2E_REPORT": str(folder / "report.json"),
        "WELLOS_E2E_OUTPUT": str(folder / "results"),
        "WELLOS_CHROMIUM": find_chromium() or "",
    }
    cli = WEB / "node_modules" / "@playwright" / "test" / "cli.js"
    # WELLOS_E2E_ONLY="10-identity 11-audit" walks only those spec files (a quicker loop)
    only = os.environ.get("WELLOS_E2E_ONLY", "").split()
    command = [*node_command(), str(cli), "test", *only]
    done = subprocess.run(
        command, cwd=WEB, env=env, capture_output=True, text=True, timeout=WALK_TIMEOUT_S
    )
    report_path = folder / "report.json"
    if not report_path.exists():
        pytest.fail(f"Playwright wrote no report:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    report = json.loads(report_path.read_text())
    by_file: dict[str, list[tuple[str, str, str]]] = {}
    for suite in report.get("suites", []):
        _flatten(suite, "", by_file)
    return {
        "by_file": by_file,
        "errors": report.get("errors", []),
        "etl": etl_source,
        "only": only,
        "server_log": host.state_dir / "host.log",
    }


def _server_problems(log: Path, lines: int = 40) -> str:
    """The host's warnings and errors, so a failed walk shows the server's side too."""
    if not log.exists():
        return "(no server log)"
    marks = ("WARNING", "ERROR", "CRITICAL", "Traceback")
    lines_of_log = log.read_text(errors="replace").splitlines()
    kept = [line for line in lines_of_log if any(mark in line for mark in marks)]
    return "\n".join(kept[-lines:]) or "(the server logged no warning or error)"


@pytest.mark.timeout(WALK_TIMEOUT_S + 300)  # the first one starts the host and runs the walk
@pytest.mark.parametrize("spec", SPECS)
def test_the_office_user_walks_the_app(walk: dict[str, Any], spec: str) -> None:
    assert not walk["errors"], walk["errors"]
    if walk["only"] and not any(spec.startswith(name) for name in walk["only"]):
        pytest.skip(f"not in WELLOS_E2E_ONLY ({' '.join(walk['only'])})")
    results = walk["by_file"].get(spec)
    assert results, f"{spec} ran no test"
    failed = [
        f"{title}: {status}\n{errors}"
        for title, status, errors in results
        if status not in ("passed", "skipped")
    ]
    server = _server_problems(walk["server_log"])
    assert not failed, "\n\n".join(failed) + "\n\nserver log:\n" + server
    if spec.startswith("07") and not walk["etl"]:
        pytest.skip("ETL walk needs MariaDB/MySQL on 127.0.0.1:3306 (WELLOS_TEST_MYSQL_URL)")


def test_the_demo_names_each_tenants_app_and_serves_it(host: Host) -> None:
    for slug, tenant in host.tenants.items():
        assert tenant["app_url"] == f"http://{slug}.localhost:{host.port}/"
        page = httpx.get(f"{host.api}/wells", headers={"Host": f"{slug}.localhost:{host.port}"})
        assert page.status_code == 200
        assert '<div id="root"></div>' in page.text
