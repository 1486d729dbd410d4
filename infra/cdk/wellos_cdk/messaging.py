"""The SQS queues the code names, each with its `<name>-dlq` (the SQS adapter's convention).

The names are the code's constants without a prefix (`SqsQueue` resolves a queue
by name), so one environment lives in one account and region.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from shared.adapters.aws.sqs_queue import DLQ_SUFFIX
from wellos_cdk.functions_table import LAMBDAS, MAX_RECEIVE_COUNT, QUEUES

RETENTION = Duration.days(14)


def _visibility_timeout(queue: str) -> Duration:
    """Six times the longest timeout of the functions the queue triggers (AWS's advice)."""
    timeouts = [spec.timeout_s for spec in LAMBDAS for t in spec.queues if t.queue == queue]
    return Duration.seconds(6 * max(timeouts, default=30))


class Queues(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.queues: dict[str, sqs.Queue] = {}
        self.dead_letters: dict[str, sqs.Queue] = {}
        for name in QUEUES:
            dead = sqs.Queue(
                self,
                f"{name}{DLQ_SUFFIX}",
                queue_name=name + DLQ_SUFFIX,
                retention_period=RETENTION,
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                enforce_ssl=True,
            )
            self.dead_letters[name] = dead
            self.queues[name] = sqs.Queue(
                self,
                name,
                queue_name=name,
                retention_period=RETENTION,
                visibility_timeout=_visibility_timeout(name),
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                enforce_ssl=True,
                dead_letter_queue=sqs.DeadLetterQueue(
                    queue=dead, max_receive_count=MAX_RECEIVE_COUNT
                ),
            )
