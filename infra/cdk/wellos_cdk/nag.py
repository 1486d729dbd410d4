"""cdk-nag AwsSolutions findings this stack accepts: each with its reason, scoped to its finding.

A finding not listed here fails `tests/deploy/test_cdk_app.py` (an unsuppressed error).
"""

from __future__ import annotations

from aws_cdk import Stack
from cdk_nag import NagPackSuppression, NagSuppressions

from wellos_cdk.config import StackConfig
from wellos_cdk.web import Web

LAMBDA_MANAGED_POLICIES = [
    "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
]
BUCKET_GRANT_ACTIONS = [
    "Action::s3:Abort*", "Action::s3:DeleteObject*", "Action::s3:GetBucket*",
    "Action::s3:GetObject*", "Action::s3:List*",
]  # fmt: skip


def _suppressions(config: StackConfig) -> list[NagPackSuppression]:
    secrets = (
        "Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:"
        f"secret:{config.secrets_prefix}*"
    )
    found = [
        NagPackSuppression(
            id="AwsSolutions-IAM4",
            reason="Lambda's AWS-managed execution roles (logs, VPC network interfaces) are the "
            "documented minimum for a function in a VPC; the rest is granted per resource.",
            applies_to=LAMBDA_MANAGED_POLICIES,
        ),
        NagPackSuppression(
            id="AwsSolutions-IAM5",
            reason="Tenant objects live under tenants/<slug>/ in the one bucket: the functions "
            "read, write and delete any of them (CDK's grantReadWrite action groups).",
            applies_to=[
                *BUCKET_GRANT_ACTIONS,
                {"regex": "/^Resource::<StorageBlobs.*\\.Arn>/\\*$/"},
            ],
        ),
        NagPackSuppression(
            id="AwsSolutions-IAM5",
            reason="Tenant database URLs, gateway keys and ETL credentials are secrets created "
            "at run time, one per tenant, under this environment's prefix only.",
            applies_to=[secrets],
        ),
        NagPackSuppression(
            id="AwsSolutions-IAM5",
            reason="X-Ray's PutTraceSegments/PutTelemetryRecords and SNS Publish to a phone "
            "number (SMS) take no resource ARN; the SMS senders are denied every topic ARN.",
            applies_to=["Resource::*"],
        ),
        NagPackSuppression(
            id="AwsSolutions-SMG4",
            reason="The server keys and the Aurora admin secret are rotated by the key-rotation "
            "runbook (docs/operations.md), which re-signs what depends on them; a Secrets "
            "Manager rotation Lambda would not.",
        ),
        NagPackSuppression(
            id="AwsSolutions-APIG4",
            reason="The API authenticates every request itself (per-tenant bearer tokens, hashed "
            "API keys, gateway signatures); an API Gateway authorizer cannot know the tenant.",
        ),
        NagPackSuppression(
            id="AwsSolutions-RDS11",
            reason="Only the RDS Proxy reaches the cluster (security groups); a non-default "
            "port adds nothing there.",
        ),
    ]
    if not config.is_prod:
        found.append(
            NagPackSuppression(
                id="AwsSolutions-RDS10",
                reason="dev clusters are torn down with the stack; prod has deletion protection.",
            )
        )
    return found


def suppress(stack: Stack, config: StackConfig, access_log_bucket: object, web: Web | None) -> None:
    """Stack-wide suppressions, plus the access-log buckets' own (they cannot log into
    themselves) and the office app's distribution's."""
    NagSuppressions.add_stack_suppressions(stack, _suppressions(config))
    NagSuppressions.add_resource_suppressions(
        access_log_bucket,  # type: ignore[arg-type]
        [NagPackSuppression(id="AwsSolutions-S1", reason="The access-log bucket itself.")],
    )
    if web is None:
        return
    NagSuppressions.add_resource_suppressions(
        web.logs,
        [NagPackSuppression(id="AwsSolutions-S1", reason="CloudFront's log bucket itself.")],
    )
    NagSuppressions.add_resource_suppressions(
        web.distribution,
        [
            NagPackSuppression(
                id="AwsSolutions-CFR1",
                reason="Operators' field and office staff work from any country a tenant "
                "operates in; access is decided by sign-in, not geography.",
            ),
            NagPackSuppression(
                id="AwsSolutions-CFR2",
                reason="The API behind it authenticates every request and throttles sign-in "
                "itself (login throttle, API Gateway stage limits); the app's files are public "
                "static assets. A WAF web ACL (us-east-1) is an operator option.",
            ),
        ],
    )
