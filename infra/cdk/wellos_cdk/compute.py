"""The Lambdas of LAMBDAS: in the VPC, traced, with their queues, schedules and permissions."""

from __future__ import annotations

from typing import Any

from aws_cdk import ArnFormat, CfnOutput, Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from constructs import Construct

from wellos_cdk.code import FunctionCode
from wellos_cdk.config import StackConfig
from wellos_cdk.data import Data
from wellos_cdk.environment import Resources, function_environment
from wellos_cdk.functions_table import LAMBDAS, LambdaSpec
from wellos_cdk.messaging import Queues
from wellos_cdk.network import Network
from wellos_cdk.storage import Storage

ARCHITECTURES = {"arm64": lambda_.Architecture.ARM_64, "x86_64": lambda_.Architecture.X86_64}
RUNTIME = lambda_.Runtime.PYTHON_3_12


def _service(spec: LambdaSpec) -> str:
    return "wellos-" + "".join(f"-{c.lower()}" if c.isupper() else c for c in spec.id).strip("-")


class Functions(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        config: StackConfig,
        network: Network,
        data: Data,
        queues: Queues,
        storage: Storage,
    ) -> None:
        super().__init__(scope, construct_id)
        self.config, self.network = config, network
        resources = Resources(bucket_name=storage.blobs.bucket_name)
        codes: dict[str, FunctionCode] = {}
        self.functions: dict[str, lambda_.Function] = {}
        for spec in LAMBDAS:
            code = codes.setdefault(
                spec.package, FunctionCode(config.packages, spec.package, config.architecture)
            )
            environment = function_environment(config, resources, spec.id, _service(spec))
            function = self._function(spec, code, environment)
            self._grant(function, queues, storage)
            if environment.get("WELLOS_NOTIFIER") == "ses":
                self._grant_ses(function, environment["WELLOS_NOTIFY_SENDER"])
                self._grant_sms(function)
            self._trigger(spec, function, queues)
            if spec.run_by_hand:
                CfnOutput(self, f"{spec.id}FunctionName", value=function.function_name)
            self.functions[spec.id] = function

    def _function(
        self, spec: LambdaSpec, code: FunctionCode, environment: dict[str, str]
    ) -> lambda_.Function:
        log_group = logs.LogGroup(self, f"{spec.id}Logs", retention=logs.RetentionDays.ONE_MONTH)
        common: dict[str, Any] = dict(
            architecture=ARCHITECTURES[self.config.architecture],
            timeout=Duration.seconds(spec.timeout_s),
            memory_size=spec.memory_mb,
            environment=environment,
            tracing=lambda_.Tracing.ACTIVE,
            vpc=self.network.vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            security_groups=[self.network.functions_group],
            log_group=log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            description=f"WellOS {spec.handler}",
        )
        if code.kind == "image":
            return lambda_.DockerImageFunction(
                self, spec.id, code=code.image(spec.handler), **common
            )
        return lambda_.Function(
            self, spec.id, code=code.zip(), handler=spec.handler, runtime=RUNTIME, **common
        )

    def _grant(self, function: lambda_.Function, queues: Queues, storage: Storage) -> None:
        """Least privilege the code needs: its queues, the bucket, the secrets under the prefix."""
        for queue in queues.queues.values():
            queue.grant_send_messages(function)
        for dead in queues.dead_letters.values():
            dead.grant_send_messages(function)  # the ingest drain parks bad records itself
        storage.blobs.grant_read_write(function)
        prefix = self.config.secrets_prefix
        arn = Stack.of(self).format_arn(
            service="secretsmanager", resource="secret", resource_name=f"{prefix}*",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )  # fmt: skip
        function.add_to_role_policy(
            iam.PolicyStatement(
                actions=[
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:CreateSecret",
                    "secretsmanager:PutSecretValue",
                    "secretsmanager:DeleteSecret",
                ],
                resources=[arn],
            )
        )

    def _grant_ses(self, function: lambda_.Function, sender: str) -> None:
        """SES SendEmail from the configured sender only: its address or its domain identity."""
        stack = Stack.of(self)
        domain = sender.rpartition("@")[2]
        identities = [
            stack.format_arn(service="ses", resource="identity", resource_name=name)
            for name in dict.fromkeys([sender, domain])
        ]
        function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["ses:SendEmail", "ses:SendRawEmail"],
                resources=identities,
                conditions={"StringEquals": {"ses:FromAddress": sender}},
            )
        )

    def _grant_sms(self, function: lambda_.Function) -> None:
        """SNS Publish to phone numbers only (the `ses` notifier's SMS channel, sms.py).

        A publish to a phone number has no resource ARN, so IAM knows it as `*`; the deny
        on every topic ARN keeps the grant to SMS (no topic, ours or another's, is open).
        """
        function.add_to_role_policy(iam.PolicyStatement(actions=["sns:Publish"], resources=["*"]))
        function.add_to_role_policy(
            iam.PolicyStatement(
                effect=iam.Effect.DENY,
                actions=["sns:Publish"],
                resources=[
                    Stack.of(self).format_arn(
                        service="sns",
                        resource="*",
                        region="*",
                        account="*",
                        arn_format=ArnFormat.NO_RESOURCE_NAME,
                    )
                ],
            )
        )

    def _trigger(self, spec: LambdaSpec, function: lambda_.Function, queues: Queues) -> None:
        for trigger in spec.queues:
            queue = queues.queues[trigger.queue]
            queue.grant_consume_messages(function)
            window = trigger.batching_window_s
            function.add_event_source(
                sources.SqsEventSource(
                    queue,
                    batch_size=trigger.batch_size,
                    max_batching_window=Duration.seconds(window) if window else None,
                    report_batch_item_failures=True,
                    max_concurrency=trigger.max_concurrency,
                )
            )
        if spec.schedule is not None:
            rule = events.Rule(
                self,
                f"{spec.id}Schedule",
                schedule=events.Schedule.expression(spec.schedule.expression),
                description=f"Azure timer {spec.schedule.azure_timer}",
            )
            rule.add_target(targets.LambdaFunction(function, retry_attempts=2))
