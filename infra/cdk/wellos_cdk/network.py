"""The VPC: private subnets for the Lambdas (NAT for the AWS APIs), isolated ones for Aurora."""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from constructs import Construct

from wellos_cdk.config import StackConfig


class Network(Construct):
    def __init__(self, scope: Construct, construct_id: str, config: StackConfig) -> None:
        super().__init__(scope, construct_id)
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            nat_gateways=2 if config.is_prod else 1,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC),
                ec2.SubnetConfiguration(name="app", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
                ec2.SubnetConfiguration(name="data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            ],
        )
        flow_logs = logs.LogGroup(self, "FlowLogs", retention=logs.RetentionDays.ONE_MONTH)
        self.vpc.add_flow_log(
            "FlowLog", destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs)
        )
        # S3 through a gateway endpoint: photos and imports never cross the NAT.
        self.vpc.add_gateway_endpoint("S3", service=ec2.GatewayVpcEndpointAwsService.S3)
        self.functions_group = ec2.SecurityGroup(
            self, "Functions", vpc=self.vpc, description="WellOS Lambdas", allow_all_outbound=True
        )
        self.proxy_group = ec2.SecurityGroup(
            self, "Proxy", vpc=self.vpc, description="RDS Proxy", allow_all_outbound=False
        )
        self.database_group = ec2.SecurityGroup(
            self, "Database", vpc=self.vpc, description="Aurora", allow_all_outbound=False
        )
        self.proxy_group.add_ingress_rule(
            self.functions_group, ec2.Port.tcp(5432), "Lambdas to the proxy"
        )
        self.proxy_group.add_egress_rule(self.database_group, ec2.Port.tcp(5432), "proxy to Aurora")
        self.database_group.add_ingress_rule(
            self.proxy_group, ec2.Port.tcp(5432), "proxy to Aurora"
        )
