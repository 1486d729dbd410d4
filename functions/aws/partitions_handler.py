"""AWS Lambda: create the coming reading partitions of every tenant (EventBridge, daily).

`handler` runs on the `cron(17 3 * * ? *)` schedule, as the Azure timer
`maintain_reading_partitions` does (functions/azure/ingest.py), and calls the
same service. A tenant that failed makes the invocation fail, so the Lambda
error alarm fires; the others are done (the next run retries the failed one).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.aws.queue_worker import PlatformRuntime

logger = Logger()  # POWERTOOLS_SERVICE_NAME; one per process (bootstrap/telemetry.py)
PartitionsRuntime = PlatformRuntime
runtime = PartitionsRuntime()


class PartitionMaintenanceError(Exception):
    """One tenant's partitions or more could not be created."""


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    runs = runtime.platform.scada.partitions.ensure_all()
    failed = [run.slug for run in runs if not run.ok]
    logger.info("reading partitions ensured", extra={"tenants": len(runs), "failed": failed})
    if failed:
        raise PartitionMaintenanceError(f"reading partitions failed for {', '.join(failed)}")
    return {"tenants": len(runs)}
