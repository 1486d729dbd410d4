"""AWS Lambda: migrate on deploy, run once after `cdk deploy` (see docs/operations.md).

Invoked by hand or from the deploy pipeline (`aws lambda invoke`), with no trigger:
the master registry first, then every tenant (or `{"tenants": ["acme", ...]}`).
One tenant's failure does not stop the others. The answer is the per-tenant report;
when any tenant failed the invocation fails (`FunctionError`) with that report as
its message, so a pipeline step stops there.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.aws.queue_worker import PlatformRuntime
from shared.core.registry.services.tenants import MigrationResult

logger = Logger()  # POWERTOOLS_SERVICE_NAME; one per process (bootstrap/telemetry.py)
runtime = PlatformRuntime()


class MigrationFailedError(Exception):
    """Some tenant databases did not migrate; the message is the JSON report."""


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    slugs = _slugs(event)
    platform = runtime.platform
    master_revision = platform.migrate_master()
    logger.info("master registry migrated", extra={"revision": master_revision})
    results = platform.tenants.migrate(slugs, on_result=_log)
    report = {
        "master_revision": master_revision,
        "tenants": [asdict(result) for result in results],
        "failed": sum(not result.ok for result in results),
    }
    if report["failed"]:
        raise MigrationFailedError(json.dumps(report))
    return report


def _slugs(event: dict[str, Any]) -> list[str] | None:
    tenants = (event or {}).get("tenants")
    if tenants is None:
        return None
    if not isinstance(tenants, list) or not all(isinstance(t, str) for t in tenants):
        raise ValueError('"tenants" must be a list of tenant slugs')
    return list(dict.fromkeys(tenants))


def _log(result: MigrationResult) -> None:
    if result.ok:
        logger.info("tenant migrated", extra={"tenant": result.slug, "revision": result.revision})
    else:
        failure = {"tenant": result.slug, "error": result.error}
        logger.error("tenant migration failed", extra=failure)
