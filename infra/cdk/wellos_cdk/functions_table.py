"""Every Lambda of the stack: its handler, its package, its size and what triggers it.

The queue names are the code's own constants (a renamed queue changes here too),
and each Azure timer of functions/azure has its schedule here (the ingest drain,
a 5-second timer on Azure, is the ingest queue's event-source mapping on AWS).
"""

from __future__ import annotations

from dataclasses import dataclass

from functions.cli.packaging.hosts import AWS_APP, AWS_SCORING
from shared.core.analytics.services.nightly import SCORING_QUEUE
from shared.core.etl.model.jobs import ETL_QUEUE, IMPORTS_QUEUE
from shared.core.scada.services.deliveries import INGEST_QUEUE
from shared.core.sync.services.jobs import SYNC_JOBS_QUEUE

QUEUES = (INGEST_QUEUE, SYNC_JOBS_QUEUE, ETL_QUEUE, IMPORTS_QUEUE, SCORING_QUEUE)
MAX_RECEIVE_COUNT = 10  # then SQS's redrive policy moves the message to `<queue>-dlq`


@dataclass(frozen=True)
class QueueTrigger:
    queue: str
    batch_size: int
    batching_window_s: int = 0
    max_concurrency: int = 2


@dataclass(frozen=True)
class Schedule:
    """An EventBridge schedule expression and the Azure timer it stands for."""

    expression: str
    azure_timer: str


@dataclass(frozen=True)
class LambdaSpec:
    id: str
    handler: str
    package: str
    timeout_s: int
    memory_mb: int
    queues: tuple[QueueTrigger, ...] = ()
    schedule: Schedule | None = None
    http: bool = False
    run_by_hand: bool = False
    """No trigger: the stack outputs its name for `aws lambda invoke` (docs/operations.md)."""


LAMBDAS = (
    LambdaSpec("Api", "functions.aws.api_handler.handler", AWS_APP.name, 29, 1024, http=True),
    LambdaSpec(
        "Ingest", "functions.aws.ingest_handler.handler", AWS_APP.name, 120, 1024,
        queues=(QueueTrigger(INGEST_QUEUE, 100, batching_window_s=5, max_concurrency=5),),
    ),
    LambdaSpec(
        "Etl", "functions.aws.etl_handler.handler", AWS_APP.name, 900, 1024,
        queues=(QueueTrigger(ETL_QUEUE, 1), QueueTrigger(IMPORTS_QUEUE, 1)),
    ),
    LambdaSpec(
        "EtlSchedule", "functions.aws.etl_handler.schedule_handler", AWS_APP.name, 120, 512,
        schedule=Schedule("rate(15 minutes)", "schedule_etl"),
    ),
    LambdaSpec(
        "SyncJobs", "functions.aws.sync_jobs_handler.handler", AWS_APP.name, 300, 1024,
        queues=(QueueTrigger(SYNC_JOBS_QUEUE, 1, max_concurrency=5),),
    ),
    LambdaSpec(
        "SyncJobsRequeue", "functions.aws.sync_jobs_handler.requeue_handler", AWS_APP.name,
        120, 512, schedule=Schedule("rate(5 minutes)", "requeue_stale_sync_jobs"),
    ),
    LambdaSpec(
        "Partitions", "functions.aws.partitions_handler.handler", AWS_APP.name, 300, 512,
        schedule=Schedule("cron(17 3 * * ? *)", "maintain_reading_partitions"),
    ),
    LambdaSpec(
        "Scoring", "functions.aws.scoring_handler.handler", AWS_SCORING.name, 300, 2048,
        queues=(QueueTrigger(SCORING_QUEUE, 1, max_concurrency=4),),
    ),
    LambdaSpec(
        "ScoringFanOut", "functions.aws.scoring_handler.fan_out_handler", AWS_SCORING.name,
        300, 1024, schedule=Schedule("cron(30 2 * * ? *)", "fan_out_nightly_scoring"),
    ),
    LambdaSpec(
        "Notify", "functions.aws.scoring_handler.notify_handler", AWS_SCORING.name, 60, 512,
        schedule=Schedule("rate(1 minute)", "dispatch_notifications"),
    ),
    LambdaSpec(
        "Remind", "functions.aws.scoring_handler.remind_handler", AWS_SCORING.name, 300, 512,
        schedule=Schedule("cron(0 6 * * ? *)", "remind_compliance"),
    ),
    LambdaSpec(
        "Migrate", "functions.aws.migrate_handler.handler", AWS_APP.name, 900, 1024,
        run_by_hand=True,
    ),
)  # fmt: skip

# Handlers the template names that the code does not have yet (none today).
MISSING_HANDLERS: frozenset[str] = frozenset()
