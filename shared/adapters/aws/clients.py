"""boto3 client construction and error helpers shared by the AWS adapters.

boto3 ships no type information here, so clients are typed `Any`; adapters take
them by injection (`boto3_client=`-style, as Powertools does) and call only
documented operations.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
)

AwsError = (BotoCoreError, ClientError)


def aws_client(
    service: str,
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    **config: Any,
) -> Any:
    """A boto3 client with standard retries; built lazily by callers, no I/O here."""
    import boto3  # type: ignore[import-untyped]
    from botocore.config import Config  # type: ignore[import-untyped]

    settings = Config(retries={"mode": "standard", "max_attempts": 3}, **config)
    session = boto3.session.Session()
    return session.client(service, region_name=region, endpoint_url=endpoint_url, config=settings)


def error_code(exc: Exception) -> str:
    """The service's error code of a ClientError (empty for other errors)."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""
