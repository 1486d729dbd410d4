"""Session fixtures: the CDK app synthesized once per session (synth takes ~15 s).

`dev_synth` runs `python3 infra/cdk/app.py` as an operator would (CDK_OUTDIR set,
the context of cdk.json plus a certificate, so the custom domains exist);
`prod_stack` builds the prod stack in-process, for cdk-nag's annotations.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CDK_DIR = ROOT / "infra" / "cdk"
DOMAIN = "wellos.example.com"
CERTIFICATE = "arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000"
SES_SENDER = "noreply@wellos.example.com"
QUIET_NODE = {"JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1"}
if str(CDK_DIR) not in sys.path:
    sys.path.append(str(CDK_DIR))  # infra/cdk: its package `wellos_cdk` and its entry `app`


@dataclass(frozen=True)
class Synth:
    outdir: Path
    stack_name: str

    @property
    def template_path(self) -> Path:
        return self.outdir / f"{self.stack_name}.template.json"

    @property
    def template(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.template_path.read_text())
        return data

    @property
    def nag_report(self) -> Path:
        return next(self.outdir.glob(f"AwsSolutions-*{self.stack_name}-NagReport.csv"))


@pytest.fixture(scope="session")
def dev_synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    outdir = tmp_path_factory.mktemp("cdk-dev")
    context = {"wellos:certificateArn": CERTIFICATE, "wellos:domain": DOMAIN}
    environment = {
        **os.environ,
        **QUIET_NODE,
        "CDK_OUTDIR": str(outdir),
        "CDK_CONTEXT_JSON": json.dumps({**_cdk_json_context(), **context}),
    }
    result = subprocess.run(
        [sys.executable, str(CDK_DIR / "app.py")],
        cwd=CDK_DIR, env=environment, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    return Synth(outdir, "WellOS-dev")


def _cdk_json_context() -> dict[str, Any]:
    context: dict[str, Any] = json.loads((CDK_DIR / "cdk.json").read_text())["context"]
    return context


@pytest.fixture(scope="session")
def cdk_modules() -> Iterator[None]:
    """Node's end-of-life notice silenced for the in-process jsii runtime."""
    saved = {key: os.environ.get(key) for key in QUIET_NODE}
    os.environ.update(QUIET_NODE)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)


@pytest.fixture(scope="session")
def prod_stack(cdk_modules: None, tmp_path_factory: pytest.TempPathFactory) -> Any:
    import app as cdk_app  # infra/cdk/app.py

    outdir = tmp_path_factory.mktemp("cdk-prod")
    context = {
        "wellos:environment": "prod",
        "wellos:certificateArn": CERTIFICATE,
        "wellos:sesSender": SES_SENDER,
    }
    application = cdk_app.build_app(outdir=str(outdir), context=context)
    application.synth()
    return application.node.find_child("WellOS-prod")


@pytest.fixture(scope="module")
def master_database(pg_server_url: str) -> Iterator[str]:
    """A rehearsal's own master database on the test server, dropped afterwards."""
    import sqlalchemy as sa

    from shared.adapters.sql.urls import connectable, normalize_url
    from tests.conftest import _admin_engine

    name = f"wt_rehearsal_{uuid.uuid4().hex[:8]}"
    try:
        engine = _admin_engine(pg_server_url)
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        pytest.skip(f"the rehearsal needs PostgreSQL: {exc.__class__.__name__}")
    yield connectable(normalize_url(pg_server_url), name)
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
