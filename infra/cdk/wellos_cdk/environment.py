"""The environment variables of every Lambda: the one place the AWS deployment sets settings.

`function_environment` is what the stack passes to each function; tests read the
synthesized template and compare it with what the code reads. Values are names
and addresses, never secrets: the database URL and the server keys are Secrets
Manager secrets under `WELLOS_SECRETS_PREFIX`, read through the secrets backend.
"""

from __future__ import annotations

from dataclasses import dataclass

from wellos_cdk.config import StackConfig

DATABASE_URL_SECRET = "database-url"
JWT_SECRET = "jwt-signing-key"
INGEST_KEY_SECRET = "ingest-signing-key"
TOTP_KEY_SECRET = "totp-encryption-key"
NOTIFYING_FUNCTIONS = ("Notify", "Remind")  # send e-mail through SES when a sender is set
SERVER_SECRETS = (DATABASE_URL_SECRET, JWT_SECRET, INGEST_KEY_SECRET, TOTP_KEY_SECRET)


@dataclass(frozen=True)
class Resources:
    """Names the settings point at, known once the resources exist (tokens at synth)."""

    bucket_name: str


def common_environment(config: StackConfig, resources: Resources) -> dict[str, str]:
    return {
        "WELLOS_BASE_DOMAIN": config.domain,
        "WELLOS_SERVERLESS": "true",  # NullPool: RDS Proxy pools the connections
        "WELLOS_QUEUE_BACKEND": "sqs",
        "WELLOS_BLOB_BACKEND": "s3",
        "WELLOS_BLOB_CONTAINER": resources.bucket_name,
        "WELLOS_SECRETS_BACKEND": "secretsmanager",
        "WELLOS_SECRETS_PREFIX": config.secrets_prefix,
        "WELLOS_DATABASE_URL_SECRET": DATABASE_URL_SECRET,
        "WELLOS_LOG_LEVEL": "INFO",
        "WELLOS_LOG_JSON": "true",
        "WELLOS_TELEMETRY": "powertools",
        "POWERTOOLS_METRICS_NAMESPACE": "WellOS",
        "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
    }


def function_environment(
    config: StackConfig, resources: Resources, function_id: str, service: str
) -> dict[str, str]:
    """Everything one function is given: the common settings, its service name, its extras."""
    environment = {**common_environment(config, resources), "POWERTOOLS_SERVICE_NAME": service}
    if function_id in NOTIFYING_FUNCTIONS and config.ses_sender:
        environment["WELLOS_NOTIFIER"] = "ses"
        environment["WELLOS_NOTIFY_SENDER"] = config.ses_sender
    return environment
