"""Aurora PostgreSQL Serverless v2 behind RDS Proxy, the master URL and the server keys.

The master registry and every tenant database live on this cluster; the Lambdas
reach it only through the proxy (TLS required), which pools their connections
and keeps `max_connections_percent` of the server for itself, leaving the rest
for migrations and ops (docs/operations.md, "Connection budget").
"""

from __future__ import annotations

from aws_cdk import Duration, Fn, RemovalPolicy, SecretValue
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from wellos_cdk.config import StackConfig
from wellos_cdk.environment import (
    DATABASE_URL_SECRET,
    INGEST_KEY_SECRET,
    JWT_SECRET,
    TOTP_KEY_SECRET,
)
from wellos_cdk.network import Network

ADMIN_USER = "wellos_admin"
MASTER_DATABASE = "wellos_master"
PROXY_MAX_CONNECTIONS_PERCENT = 75
# Characters that would need escaping inside a postgresql:// URL.
URL_UNSAFE = " %+~`#$&*()|[]{}:;<>?!'/@\"\\,=^"


class Data(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, config: StackConfig, network: Network
    ) -> None:
        super().__init__(scope, construct_id)
        removal = RemovalPolicy.SNAPSHOT if config.is_prod else RemovalPolicy.DESTROY
        self.cluster = rds.DatabaseCluster(
            self,
            "Aurora",
            engine=rds.DatabaseClusterEngine.aurora_postgres(
                version=rds.AuroraPostgresEngineVersion.VER_17_7
            ),
            writer=rds.ClusterInstance.serverless_v2("Writer"),
            readers=[rds.ClusterInstance.serverless_v2("Reader", scale_with_writer=True)]
            if config.is_prod
            else [],
            serverless_v2_min_capacity=config.aurora_min_acu,
            serverless_v2_max_capacity=config.aurora_max_acu,
            credentials=rds.Credentials.from_generated_secret(
                ADMIN_USER,
                secret_name=f"{config.secrets_prefix}aurora-admin",
                exclude_characters=URL_UNSAFE,
            ),
            default_database_name=MASTER_DATABASE,
            vpc=network.vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            security_groups=[network.database_group],
            storage_encrypted=True,
            iam_authentication=True,
            deletion_protection=config.is_prod,
            backup=rds.BackupProps(retention=Duration.days(14 if config.is_prod else 3)),
            cloudwatch_logs_exports=["postgresql"],
            removal_policy=removal,
        )
        assert self.cluster.secret is not None  # from_generated_secret always makes one
        self.admin_secret = self.cluster.secret
        self.proxy = self.cluster.add_proxy(
            "Proxy",
            secrets=[self.admin_secret],
            vpc=network.vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            security_groups=[network.proxy_group],
            require_tls=True,
            max_connections_percent=PROXY_MAX_CONNECTIONS_PERCENT,
            idle_client_timeout=Duration.minutes(30),
            debug_logging=False,
        )
        self.database_url = secretsmanager.Secret(
            self,
            "DatabaseUrl",
            secret_name=config.secrets_prefix + DATABASE_URL_SECRET,
            description="Master registry URL through RDS Proxy (WELLOS_DATABASE_URL_SECRET)",
            secret_string_value=SecretValue.unsafe_plain_text(self._master_url()),
        )
        self.jwt_key = self._generated(config, JWT_SECRET, "HS256 signing key of access tokens")
        self.ingest_key = self._generated(config, INGEST_KEY_SECRET, "gateway batch signing key")
        self.totp_key = self._generated(config, TOTP_KEY_SECRET, "seals authenticator secrets")

    def _master_url(self) -> str:
        """postgresql://user:password@proxy:5432/wellos_master, resolved by CloudFormation."""
        user = self.admin_secret.secret_value_from_json("username").unsafe_unwrap()
        password = self.admin_secret.secret_value_from_json("password").unsafe_unwrap()
        host = self.proxy.endpoint
        return Fn.join(
            "", ["postgresql://", user, ":", password, "@", host, f":5432/{MASTER_DATABASE}"]
        )

    def _generated(self, config: StackConfig, name: str, description: str) -> secretsmanager.Secret:
        return secretsmanager.Secret(
            self,
            name.title().replace("-", ""),
            secret_name=config.secrets_prefix + name,
            description=description,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
        )
