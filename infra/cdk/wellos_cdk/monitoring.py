"""Alarms: a message in any dead-letter queue, function errors, throttles, API 5xx."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from wellos_cdk.config import StackConfig


class Alarms(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        config: StackConfig,
        dead_letters: dict[str, sqs.Queue],
        functions: dict[str, lambda_.Function],
    ) -> None:
        super().__init__(scope, construct_id)
        key = kms.Key(self, "TopicKey", enable_key_rotation=True, description="WellOS alarms")
        key.grant_encrypt_decrypt(iam.ServicePrincipal("cloudwatch.amazonaws.com"))
        self.topic = sns.Topic(self, "Topic", master_key=key, enforce_ssl=True)
        if config.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
        action = actions.SnsAction(self.topic)
        for queue_name, queue in dead_letters.items():
            depth = queue.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(5), statistic="Maximum"
            )
            alarm = depth.create_alarm(
                self,
                f"DeadLetters-{queue_name}",
                alarm_description=f"messages are waiting in {queue.queue_name}: "
                "`wellos queue dead-letters list --queue " + queue_name + "`",
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            alarm.add_alarm_action(action)
        for function_id, function in functions.items():
            for metric_name, metric in (
                ("Errors", function.metric_errors(period=Duration.minutes(5))),
                ("Throttles", function.metric_throttles(period=Duration.minutes(5))),
            ):
                alarm = metric.create_alarm(
                    self,
                    f"{function_id}{metric_name}",
                    alarm_description=f"{function_id}: {metric_name.lower()} in 5 minutes",
                    threshold=1,
                    evaluation_periods=1,
                    comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                    treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                )
                alarm.add_alarm_action(action)
