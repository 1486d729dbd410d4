"""The AWS CDK app synthesizes, declares what the code uses, and passes cdk-nag and cfn-lint."""

from __future__ import annotations

import csv
import importlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from wellos_cdk.functions_table import LAMBDAS, MISSING_HANDLERS

from functions.cli.packaging.hosts import PACKAGES
from functions.local.office_app import CSP as LOCAL_CSP
from shared.adapters.aws.sqs_queue import DLQ_SUFFIX
from shared.settings import Settings
from tests.deploy.azure_source import azure_triggers
from tests.deploy.conftest import DOMAIN, SES_SENDER, Synth

pytestmark = pytest.mark.usefixtures("cdk_modules")

# CDK puts an explicit DependsOn on each VPC function's role (it must exist before the ENIs).
CFN_LINT_IGNORED = ["W3005"]


def _resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def _functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return _resources(template, "AWS::Lambda::Function")


def _handler(function: dict[str, Any]) -> str:
    properties = function["Properties"]
    if "ImageConfig" in properties:
        return str(properties["ImageConfig"]["Command"][0])
    return str(properties["Handler"])


def _logical_id_of_queue(template: dict[str, Any], name: str) -> str:
    for logical_id, queue in _resources(template, "AWS::SQS::Queue").items():
        if queue["Properties"].get("QueueName") == name:
            return logical_id
    raise AssertionError(f"no SQS queue named {name}")


def test_every_queue_the_code_uses_has_a_dead_letter_queue_after_ten_receives(
    dev_synth: Synth,
) -> None:
    template = dev_synth.template
    queues = {t.argument for t in azure_triggers() if t.kind == "service_bus"} | {"ingest"}
    for name in sorted(queues):
        queue = template["Resources"][_logical_id_of_queue(template, name)]["Properties"]
        dead = _logical_id_of_queue(template, name + DLQ_SUFFIX)
        redrive = queue["RedrivePolicy"]
        assert redrive["maxReceiveCount"] == 10
        assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": [dead, "Arn"]}


def test_queue_workers_answer_partial_batch_failures(dev_synth: Synth) -> None:
    template = dev_synth.template
    mappings = _resources(template, "AWS::Lambda::EventSourceMapping").values()
    by_queue = {}
    for mapping in mappings:
        source = mapping["Properties"]["EventSourceArn"]["Fn::GetAtt"][0]
        name = template["Resources"][source]["Properties"]["QueueName"]
        by_queue[name] = mapping["Properties"]
    assert set(by_queue) == {"ingest", "etl", "imports", "sync-jobs", "scoring"}
    for properties in by_queue.values():
        assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert properties["ScalingConfig"]["MaximumConcurrency"] >= 2
    assert by_queue["ingest"]["BatchSize"] == 100
    assert by_queue["ingest"]["MaximumBatchingWindowInSeconds"] == 5
    assert by_queue["etl"]["BatchSize"] == 1


def test_every_azure_timer_has_an_eventbridge_schedule(dev_synth: Synth) -> None:
    template = dev_synth.template
    timers = {t.function for t in azure_triggers() if t.kind == "timer"}
    timers.discard("drain_ingest")  # on AWS the ingest queue's event-source mapping drains
    scheduled = {spec.schedule.azure_timer: spec for spec in LAMBDAS if spec.schedule}
    assert set(scheduled) == timers
    rules = _resources(template, "AWS::Events::Rule").values()
    expressions = {rule["Properties"]["ScheduleExpression"] for rule in rules}
    assert {spec.schedule.expression for spec in scheduled.values() if spec.schedule} <= expressions
    assert "cron(30 2 * * ? *)" in expressions  # nightly scoring, 02:30 UTC as on Azure


def test_the_http_api_serves_every_tenant_subdomain_through_the_api_lambda(
    dev_synth: Synth,
) -> None:
    template = dev_synth.template
    domains = _resources(template, "AWS::ApiGatewayV2::DomainName").values()
    assert {d["Properties"]["DomainName"] for d in domains} == {f"*.{DOMAIN}", DOMAIN}
    integration = next(iter(_resources(template, "AWS::ApiGatewayV2::Integration").values()))
    assert integration["Properties"]["PayloadFormatVersion"] == "2.0"
    api = next(
        f for f in _functions(template).values()
        if _handler(f) == "functions.aws.api_handler.handler"
    )  # fmt: skip
    assert api["Properties"]["Timeout"] <= 29
    stage = next(iter(_resources(template, "AWS::ApiGatewayV2::Stage").values()))
    assert "AccessLogSettings" in stage["Properties"]


def test_the_migration_lambda_runs_by_hand_and_its_name_is_an_output(dev_synth: Synth) -> None:
    template = dev_synth.template
    [(logical_id, migrate)] = [
        (k, f) for k, f in _functions(template).items()
        if _handler(f) == "functions.aws.migrate_handler.handler"
    ]  # fmt: skip
    assert migrate["Properties"]["Timeout"] == 900  # Lambda's maximum: every tenant in one run
    sources = _resources(template, "AWS::Lambda::EventSourceMapping").values()
    assert all(s["Properties"]["FunctionName"] != {"Ref": logical_id} for s in sources)
    targets = [t for r in _resources(template, "AWS::Events::Rule").values()
               for t in r["Properties"]["Targets"]]  # fmt: skip
    assert all(t["Arn"] != {"Fn::GetAtt": [logical_id, "Arn"]} for t in targets)
    outputs = [o["Value"] for k, o in template["Outputs"].items() if "MigrateFunctionName" in k]
    assert outputs == [{"Ref": logical_id}]


def test_the_blob_bucket_is_private_encrypted_tls_only_with_lifecycle(dev_synth: Synth) -> None:
    template = dev_synth.template
    buckets = _resources(template, "AWS::S3::Bucket")
    blobs = next(v["Properties"] for k, v in buckets.items() if "Blobs" in k)
    assert all(blobs["PublicAccessBlockConfiguration"].values())
    assert blobs["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert {rule["Id"] for rule in blobs["LifecycleConfiguration"]["Rules"]} >= {
        "abort-incomplete-uploads", "old-versions",
    }  # fmt: skip
    policies = _resources(template, "AWS::S3::BucketPolicy").values()
    statements = [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]
    insecure = {"Bool": {"aws:SecureTransport": "false"}}
    denies = [s for s in statements if s["Effect"] == "Deny" and s.get("Condition") == insecure]
    assert len(denies) == len(buckets)


def test_aurora_serverless_v2_is_reached_only_through_a_tls_proxy(dev_synth: Synth) -> None:
    template = dev_synth.template
    cluster = next(iter(_resources(template, "AWS::RDS::DBCluster").values()))["Properties"]
    assert cluster["Engine"] == "aurora-postgresql" and cluster["StorageEncrypted"] is True
    assert cluster["ServerlessV2ScalingConfiguration"]["MinCapacity"] == 0.5
    proxy = next(iter(_resources(template, "AWS::RDS::DBProxy").values()))["Properties"]
    assert proxy["RequireTLS"] is True and proxy["EngineFamily"] == "POSTGRESQL"
    target = next(iter(_resources(template, "AWS::RDS::DBProxyTargetGroup").values()))
    assert target["Properties"]["ConnectionPoolConfigurationInfo"]["MaxConnectionsPercent"] == 75
    for function in _functions(template).values():
        assert function["Properties"]["VpcConfig"]["SecurityGroupIds"]
        assert function["Properties"]["TracingConfig"] == {"Mode": "Active"}


def test_server_keys_are_secrets_under_the_environment_prefix(dev_synth: Synth) -> None:
    secrets = _resources(dev_synth.template, "AWS::SecretsManager::Secret").values()
    names = {secret["Properties"].get("Name") for secret in secrets}
    assert {"wellos/dev/database-url", "wellos/dev/jwt-signing-key"} <= names
    assert "wellos/dev/ingest-signing-key" in names
    assert "wellos/dev/totp-encryption-key" in names


def test_alarms_watch_every_dead_letter_queue_and_every_function(dev_synth: Synth) -> None:
    template = dev_synth.template
    alarms = _resources(template, "AWS::CloudWatch::Alarm").values()
    depth = [
        a for a in alarms if a["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
    ]
    errors = [a for a in alarms if a["Properties"]["MetricName"] == "Errors"]
    assert len(depth) == 5
    assert len(errors) == len(_functions(template))
    assert all(a["Properties"]["AlarmActions"] for a in alarms)


def test_each_function_gets_exactly_the_environment_of_the_single_source(
    dev_synth: Synth,
) -> None:
    import app as cdk_app
    from wellos_cdk.environment import Resources, function_environment

    config = cdk_app.load_config(cdk_app.App(context=cdk_app.default_context()))
    functions = {_handler(f): f["Properties"] for f in _functions(dev_synth.template).values()}
    for spec in LAMBDAS:
        variables = functions[spec.handler]["Environment"]["Variables"]
        bucket = variables["WELLOS_BLOB_CONTAINER"]
        expected = function_environment(
            config, Resources(bucket), spec.id, variables["POWERTOOLS_SERVICE_NAME"]
        )
        assert variables == expected


def test_every_setting_the_stack_sets_is_one_the_code_reads(dev_synth: Synth) -> None:
    readable = {"WELLOS_" + name.upper() for name in Settings.model_fields}
    for function in _functions(dev_synth.template).values():
        names = set(function["Properties"]["Environment"]["Variables"])
        wellos = {name for name in names if name.startswith("WELLOS_")}
        assert wellos - readable == set()
        others = names - wellos
        assert all(n.startswith("POWERTOOLS_") for n in others)


def _handler_ids(dev_synth: Synth) -> list[str]:
    return sorted({_handler(f) for f in _functions(dev_synth.template).values()})


HANDLERS = sorted({spec.handler for spec in LAMBDAS})


def test_the_template_names_the_handlers_of_the_table(dev_synth: Synth) -> None:
    assert _handler_ids(dev_synth) == HANDLERS
    shipped = {h.dotted for p in PACKAGES if p.cloud == "aws" for h in p.handlers}
    assert set(HANDLERS) - shipped == MISSING_HANDLERS


@pytest.mark.parametrize("handler", HANDLERS)
def test_every_handler_the_template_names_exists(handler: str) -> None:
    module, _, attribute = handler.rpartition(".")
    assert callable(getattr(importlib.import_module(module), attribute))


def test_cdk_nag_reports_no_unsuppressed_finding(dev_synth: Synth, prod_stack: Any) -> None:
    from aws_cdk.assertions import Annotations, Match

    with dev_synth.nag_report.open() as report:
        rows = list(csv.DictReader(report))
    assert rows and {row["Compliance"] for row in rows} <= {"Compliant", "Suppressed"}
    assert all(row["Exception Reason"] for row in rows if row["Compliance"] == "Suppressed")
    annotations = Annotations.from_stack(prod_stack)
    pattern = Match.string_like_regexp("AwsSolutions-.*")
    assert annotations.find_error("*", pattern) == []
    assert annotations.find_warning("*", pattern) == []


def test_prod_keeps_its_database_and_bucket(prod_stack: Any) -> None:
    from aws_cdk.assertions import Template

    template = Template.from_stack(prod_stack)
    template.has_resource_properties("AWS::RDS::DBCluster", {"DeletionProtection": True})
    template.has_resource("AWS::S3::Bucket", {"DeletionPolicy": "Retain"})
    template.resource_count_is("AWS::RDS::DBInstance", 2)  # writer and reader
    template.has_resource_properties("AWS::Lambda::Function", {"Architectures": ["arm64"]})
    template.has_resource_properties(
        "AWS::SQS::Queue", {"QueueName": "ingest", "SqsManagedSseEnabled": True}
    )


def test_only_the_mailing_functions_may_send_mail_and_only_as_the_sender(prod_stack: Any) -> None:
    from aws_cdk.assertions import Template

    resources = Template.from_stack(prod_stack).to_json()["Resources"]
    # the statements that allow SES, by the function whose role has them
    sending = _statements_by_function(
        resources, lambda s: any(a.startswith("ses:") for a in _listed(s["Action"]))
    )
    mailers = {logical for logical, statements in sending.items() if statements}
    environments = _environments(resources)
    # THEN exactly the functions the stack gives the SES notifier may send
    assert mailers == {n for n, env in environments.items() if env.get("WELLOS_NOTIFIER") == "ses"}
    named = sorted("Notify" if "Notify" in n else "Remind" if "Remind" in n else n for n in mailers)
    assert named == ["Notify", "Remind"]
    for logical in mailers:
        [statement] = sending[logical]
        # AND only from the configured sender, on its own identities
        assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": SES_SENDER}}
        assert environments[logical]["WELLOS_NOTIFY_SENDER"] == SES_SENDER
        identities = json.dumps(statement["Resource"])
        assert "identity/" + SES_SENDER in identities and "*" not in identities


def test_only_the_notifying_functions_may_publish_sms_and_never_to_a_topic(
    prod_stack: Any,
) -> None:
    from aws_cdk.assertions import Template

    resources = Template.from_stack(prod_stack).to_json()["Resources"]
    publishing = _statements_by_function(resources, lambda s: "sns:Publish" in _listed(s["Action"]))
    senders = {logical for logical, statements in publishing.items() if statements}
    environments = _environments(resources)
    # THEN exactly the functions with the SES notifier (its SMS channel is SNS) may publish
    assert senders == {n for n, env in environments.items() if env.get("WELLOS_NOTIFIER") == "ses"}
    assert len(senders) == 2
    for logical in senders:
        by_effect = {s["Effect"]: s for s in publishing[logical]}
        # AND to phone numbers (no ARN: `*`), every topic ARN denied
        assert set(by_effect) == {"Allow", "Deny"}
        assert by_effect["Allow"]["Resource"] == "*"
        assert "sns:Publish" in _listed(by_effect["Allow"]["Action"])  # merged with X-Ray's
        denied = json.dumps(by_effect["Deny"]["Resource"])
        assert ":sns:*:*:*" in denied


def _statements_by_function(
    resources: dict[str, Any], wanted: Callable[[dict[str, Any]], bool]
) -> dict[str, list[dict[str, Any]]]:
    """The `wanted` policy statements of each function's role, by the function's logical id."""
    by_role: dict[str, list[dict[str, Any]]] = {}
    for policy in (v for v in resources.values() if v["Type"] == "AWS::IAM::Policy"):
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        for role in policy["Properties"]["Roles"]:
            by_role.setdefault(role["Ref"], []).extend(s for s in statements if wanted(s))
    return {
        logical: by_role.get(v["Properties"]["Role"]["Fn::GetAtt"][0], [])
        for logical, v in resources.items()
        if v["Type"] == "AWS::Lambda::Function"
    }


def _environments(resources: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {
        logical: v["Properties"]["Environment"]["Variables"]
        for logical, v in resources.items()
        if v["Type"] == "AWS::Lambda::Function"
    }


def _listed(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


def test_cfn_lint_passes_on_the_synthesized_template(dev_synth: Synth) -> None:
    lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run(
        [str(lint), "--ignore-checks", *CFN_LINT_IGNORED, "--", str(dev_synth.template_path)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:]


CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # AWS-managed policy ids
ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3"


def _distribution(template: dict[str, Any]) -> dict[str, Any]:
    (distribution,) = _resources(template, "AWS::CloudFront::Distribution").values()
    config: dict[str, Any] = distribution["Properties"]["DistributionConfig"]
    return config


def test_the_office_app_is_a_private_bucket_behind_cloudfront_on_every_tenant_host(
    dev_synth: Synth,
) -> None:
    template = dev_synth.template
    cdn = _distribution(template)
    assert set(cdn["Aliases"]) == {f"*.{DOMAIN}", DOMAIN}
    assert cdn["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert cdn["ViewerCertificate"]["SslSupportMethod"] == "sni-only"
    assert cdn["DefaultRootObject"] == "index.html"
    assert cdn["Logging"]["Bucket"]
    default = cdn["DefaultCacheBehavior"]
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    origin = next(o for o in cdn["Origins"] if o["Id"] == default["TargetOriginId"])
    bucket_id = origin["DomainName"]["Fn::GetAtt"][0]
    assert origin["OriginAccessControlId"]  # signed requests, not a public website endpoint
    bucket = template["Resources"][bucket_id]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert "WebsiteConfiguration" not in bucket
    policies = _resources(template, "AWS::S3::BucketPolicy").values()
    policy = next(p for p in policies if p["Properties"]["Bucket"] == {"Ref": bucket_id})
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert [s["Principal"] for s in allows] == [{"Service": "cloudfront.amazonaws.com"}]
    assert allows[0]["Action"] == "s3:GetObject"
    assert "AWS:SourceArn" in allows[0]["Condition"]["StringEquals"]
    headers = next(iter(_resources(template, "AWS::CloudFront::ResponseHeadersPolicy").values()))
    security = headers["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    # the local host's policy, word for word
    assert security["ContentSecurityPolicy"]["ContentSecurityPolicy"] == LOCAL_CSP
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000


def test_the_apis_paths_reach_the_http_api_uncached_with_the_tenants_host(
    dev_synth: Synth,
) -> None:
    from wellos_cdk.web import API_PATHS

    template = dev_synth.template
    cdn = _distribution(template)
    behaviours = {b["PathPattern"]: b for b in cdn["CacheBehaviors"]}
    assert set(behaviours) == set(API_PATHS) and "/api/*" in behaviours
    domains = _resources(template, "AWS::ApiGatewayV2::DomainName")
    wildcard = next(k for k, v in domains.items() if v["Properties"]["DomainName"] == f"*.{DOMAIN}")
    for behaviour in behaviours.values():
        origin = next(o for o in cdn["Origins"] if o["Id"] == behaviour["TargetOriginId"])
        assert origin["DomainName"] == {"Fn::GetAtt": [wildcard, "RegionalDomainName"]}
        assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
        assert origin["CustomOriginConfig"]["OriginSSLProtocols"] == ["TLSv1.2"]
        assert behaviour["CachePolicyId"] == CACHING_DISABLED
        assert behaviour["OriginRequestPolicyId"] == ALL_VIEWER  # Host names the tenant
        assert {"POST", "PATCH", "DELETE"} <= set(behaviour["AllowedMethods"])
        assert "FunctionAssociations" not in behaviour  # API paths are never rewritten


@pytest.mark.parametrize(
    ("uri", "served"),
    [
        ("/", "/index.html"),
        ("/wells", "/index.html"),
        ("/wells/7f3c2a10-0000-4000-8000-000000000001/edit", "/index.html"),
        ("/review/", "/index.html"),
        ("/assets/index-BElH5fyI.js", "/assets/index-BElH5fyI.js"),
        ("/assets/WellPage-Saz_VHki.css", "/assets/WellPage-Saz_VHki.css"),
        ("/favicon.ico", "/favicon.ico"),
        ("/index.html", "/index.html"),
    ],
)
def test_the_apps_routes_get_index_html_and_its_files_pass(uri: str, served: str) -> None:
    from wellos_cdk.web import REWRITE

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not on the PATH")
    script = (
        REWRITE.read_text()
        + f"\nprocess.stdout.write(handler({{request: {{uri: {json.dumps(uri)}}}}}).uri);\n"
    )
    done = subprocess.run(
        [node, "-e", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout == served
