"""The office app as static files: a private S3 bucket behind CloudFront on `{domain}` and
`*.{domain}`, the API's paths forwarded to the HTTP API with the viewer's Host (the tenant).

The browser sees one origin per tenant (`acme.{domain}`), as with the local host: the app's
files from S3 (origin access control; a CloudFront Function sends the app's routes to
index.html), `/api/*`, `/docs`, `/redoc` and `/openapi.json` uncached to the API's regional
custom domain, whose certificate covers the forwarded Host. DNS for both names points at
the distribution. Publishing a build: docs/operations.md, "The office app on AWS".
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnOutput, Duration, RemovalPolicy
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from constructs import Construct

from wellos_cdk.config import StackConfig

REWRITE = Path(__file__).with_name("spa_rewrite.js")
API_PATHS = ("/api/*", "/docs", "/docs/*", "/redoc", "/openapi.json")
# As functions/local/office_app.py sends with index.html.
CSP = (
    "default-src 'self'; img-src 'self' data: blob: https:; style-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class Web(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        config: StackConfig,
        api_domain: apigw.DomainName,
        access_logs: s3.IBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        # Rebuilt by every deploy of the app; kept on stack deletion as CloudFormation
        # cannot delete a bucket that still holds files.
        self.bucket = s3.Bucket(
            self,
            "Files",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="web/",
            removal_policy=RemovalPolicy.RETAIN,
        )
        # CloudFront's standard logs are written with ACLs: a bucket of their own.
        self.logs = s3.Bucket(
            self,
            "CdnLogs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(90))],
            removal_policy=RemovalPolicy.RETAIN,
        )
        rewrite = cloudfront.Function(
            self,
            "SpaRoutes",
            code=cloudfront.FunctionCode.from_file(file_path=str(REWRITE)),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment="The office app's routes get index.html",
        )
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "Headers",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=CSP, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.SAME_ORIGIN, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(365),
                    include_subdomains=True,
                    override=True,
                ),
            ),
        )
        api = origins.HttpOrigin(
            api_domain.regional_domain_name,
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
            read_timeout=Duration.seconds(30),
        )
        to_api = cloudfront.BehaviorOptions(
            origin=api,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            # every viewer header, Host included: the API finds the tenant by its subdomain
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER,
            compress=True,
        )
        certificate = acm.Certificate.from_certificate_arn(
            self, "Certificate", config.web_certificate_arn
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Cdn",
            comment=f"WellOS office app ({config.environment})",
            domain_names=[f"*.{config.domain}", config.domain],
            certificate=certificate,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            default_root_object="index.html",
            enable_logging=True,
            log_bucket=self.logs,
            log_file_prefix="cdn/",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
                compress=True,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=rewrite, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
            ),
            additional_behaviors=dict.fromkeys(API_PATHS, to_api),
        )
        CfnOutput(self, "Bucket", value=self.bucket.bucket_name)
        CfnOutput(self, "DistributionId", value=self.distribution.distribution_id)
        CfnOutput(self, "DnsTarget", value=self.distribution.distribution_domain_name)
