#!/usr/bin/env python3
"""The WellOS AWS CDK app: `cdk deploy` from infra/cdk, or `python3 app.py` to synthesize.

Context (cdk.json or `-c`): wellos:environment (dev|prod), wellos:domain (tenants live at
`{slug}.{domain}`), wellos:certificateArn (an ACM certificate for `*.{domain}` and
`{domain}` in the stack's region; no custom domain and no office app without it),
wellos:webCertificateArn (the same names' certificate in us-east-1 for CloudFront; defaults
to wellos:certificateArn, right when the stack is in us-east-1), wellos:architecture
(arm64|x86_64), wellos:packages (the output folder of `wellos package aws`; without it the
image contexts are staged here), wellos:alarmEmail, wellos:sesSender.
The output folder is CDK_OUTDIR when set (the CDK CLI sets it), else cdk.out.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]  # wellos_cdk, and the repository's code

from aws_cdk import App, Aspects, Environment  # noqa: E402
from cdk_nag import AwsSolutionsChecks  # noqa: E402
from wellos_cdk.config import load_config  # noqa: E402
from wellos_cdk.stack import WellOsStack  # noqa: E402


def default_context() -> dict[str, object]:
    """cdk.json's context: the CDK CLI passes it in CDK_CONTEXT_JSON, `python3 app.py` reads it."""
    if "CDK_CONTEXT_JSON" in os.environ:
        return {}
    context: dict[str, object] = json.loads((HERE / "cdk.json").read_text())["context"]
    return context


def build_app(outdir: str | None = None, context: dict[str, object] | None = None) -> App:
    """The app with its one stack and the AwsSolutions checks (not synthesized yet)."""
    outdir = outdir or os.environ.get("CDK_OUTDIR") or str(HERE / "cdk.out")
    app = App(outdir=outdir, context={**default_context(), **(context or {})})
    config = load_config(app)
    account, region = os.environ.get("CDK_DEFAULT_ACCOUNT"), os.environ.get("CDK_DEFAULT_REGION")
    environment = Environment(account=account, region=region) if account and region else None
    WellOsStack(app, f"WellOS-{config.environment}", config, env=environment)
    Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    return app


if __name__ == "__main__":
    build_app().synth()
