"""What one deployment is given (CDK context, `-c wellos:domain=...`) and its fixed sizes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import App

ENVIRONMENTS = ("dev", "prod")
ARCHITECTURES = ("arm64", "x86_64")


@dataclass(frozen=True)
class StackConfig:
    """Per-deployment inputs. Sizes that differ between dev and prod are properties."""

    environment: str
    domain: str
    certificate_arn: str
    web_certificate_arn: str
    architecture: str
    packages: Path | None
    alarm_email: str
    ses_sender: str

    @property
    def is_prod(self) -> bool:
        return self.environment == "prod"

    @property
    def secrets_prefix(self) -> str:
        """Every server key and tenant secret lives under this Secrets Manager prefix."""
        return f"wellos/{self.environment}/"

    @property
    def aurora_max_acu(self) -> float:
        return 8 if self.is_prod else 2

    @property
    def aurora_min_acu(self) -> float:
        return 0.5


def _context(app: App, key: str, default: str = "") -> str:
    value = app.node.try_get_context(f"wellos:{key}")
    return default if value is None else str(value).strip()


def load_config(app: App) -> StackConfig:
    """The deployment's inputs from CDK context; a bad value fails synth with its name."""
    environment = _context(app, "environment", "dev")
    if environment not in ENVIRONMENTS:
        raise ValueError(f"wellos:environment must be one of {ENVIRONMENTS}, not {environment!r}")
    architecture = _context(app, "architecture", "arm64")
    if architecture not in ARCHITECTURES:
        raise ValueError(f"wellos:architecture must be one of {ARCHITECTURES}")
    domain = _context(app, "domain").lower().strip(".")
    if not domain or "." not in domain:
        raise ValueError("wellos:domain must be the tenants' base domain, e.g. wellos.example.com")
    packages = _context(app, "packages")
    return StackConfig(
        environment=environment,
        domain=domain,
        certificate_arn=_context(app, "certificateArn"),
        # CloudFront takes certificates from us-east-1 only; the same one when the stack is there
        web_certificate_arn=_context(app, "webCertificateArn") or _context(app, "certificateArn"),
        architecture=architecture,
        packages=Path(packages).resolve() if packages else None,
        alarm_email=_context(app, "alarmEmail"),
        ses_sender=_context(app, "sesSender"),
    )
