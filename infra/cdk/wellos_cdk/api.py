"""The HTTP API (API Gateway v2, payload 2.0) on `{domain}` and `*.{domain}` (tenant subdomains)."""

from __future__ import annotations

from aws_cdk import CfnOutput
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from wellos_cdk.config import StackConfig

ACCESS_LOG_FORMAT = (
    '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",'
    '"host":"$context.domainName","method":"$context.httpMethod","path":"$context.path",'
    '"status":"$context.status","latencyMs":"$context.responseLatency",'
    '"integrationError":"$context.integrationErrorMessage"}'
)


class HttpApi(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, config: StackConfig, handler: lambda_.IFunction
    ) -> None:
        super().__init__(scope, construct_id)
        self.domains: dict[str, apigw.DomainName] = {}
        integration = integrations.HttpLambdaIntegration("Api", handler)
        self.api = apigw.HttpApi(
            self, "Http", default_integration=integration, create_default_stage=True
        )
        access_logs = logs.LogGroup(self, "AccessLogs", retention=logs.RetentionDays.ONE_MONTH)
        stage = self.api.default_stage
        assert stage is not None
        cfn_stage = stage.node.default_child
        assert isinstance(cfn_stage, apigw.CfnStage)
        cfn_stage.access_log_settings = apigw.CfnStage.AccessLogSettingsProperty(
            destination_arn=access_logs.log_group_arn, format=ACCESS_LOG_FORMAT
        )
        cfn_stage.default_route_settings = apigw.CfnStage.RouteSettingsProperty(
            throttling_burst_limit=500, throttling_rate_limit=200
        )
        if config.certificate_arn:
            self._domains(config)
        CfnOutput(self, "Url", value=self.api.api_endpoint)

    def _domains(self, config: StackConfig) -> None:
        """The wildcard and apex custom domains: the office app's CloudFront distribution
        (wellos_cdk.web) forwards the API's paths to their regional target, Host kept."""
        certificate = acm.Certificate.from_certificate_arn(
            self, "Certificate", config.certificate_arn
        )
        for label, name in (("Wildcard", f"*.{config.domain}"), ("Apex", config.domain)):
            domain = apigw.DomainName(
                self, f"{label}Domain", domain_name=name, certificate=certificate
            )
            apigw.ApiMapping(self, f"{label}Mapping", api=self.api, domain_name=domain)
            self.domains[label] = domain
