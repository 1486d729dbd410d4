"""What each deployable package holds: its lock, its target platform, its code and its entries.

One table for `wellos package`, the deploy tests (imports stay inside the
package and its lock) and `bench/package.py` (sizes, import times).

Platforms, and why:

- Azure Functions Flex Consumption runs CPython 3.11 on Debian (glibc >= 2.31):
  wheels up to manylinux_2_28 load there.
- AWS Lambda's python3.11 runtime is Amazon Linux 2 (glibc 2.26); numpy >= 2.3,
  scipy >= 1.16 and onnxruntime >= 1.17 publish manylinux_2_27/2_28 wheels only,
  so the locked versions cannot load there. The Lambdas run the python3.12
  runtime (Amazon Linux 2023, glibc 2.34), on the same pins as the tests
  (`--python-version 3.12` picks those versions' cp312 wheels).
"""

from __future__ import annotations

from dataclasses import dataclass

LAMBDA_UNZIPPED_LIMIT = 262_144_000  # bytes: Lambda's 250 MB limit on a function's code
AZURE_PYTHON = "3.11"
LAMBDA_PYTHON = "3.12"
LAMBDA_RUNTIME = "python3.12"
LAMBDA_GLIBC = 34  # Amazon Linux 2023
AZURE_GLIBC = 28  # Debian in the Functions image has more; 2.28 covers every locked wheel
LAMBDA_ARCHITECTURES = {"x86_64": "x86_64", "arm64": "aarch64"}


def platform_tags(machine: str, glibc_minor: int) -> list[str]:
    """pip `--platform` values for glibc 2.`glibc_minor` on `machine`, newest first.

    pip takes each value literally (no implied older tags), so every manylinux tag a
    wheel of that machine may carry is listed, down to manylinux2014 (glibc 2.17).
    """
    tags = [f"manylinux_2_{minor}_{machine}" for minor in range(glibc_minor, 16, -1)]
    legacy = ["manylinux2014"] + (["manylinux2010", "manylinux1"] if machine == "x86_64" else [])
    return tags + [f"{name}_{machine}" for name in legacy]


# Source every cloud package carries (relative to the repository root).
SHARED_CODE = ("shared", "functions/__init__.py", "functions/api", "models/artifacts")
# Never shipped: caches, and the local host's embedded PostgreSQL starter.
EXCLUDED_PARTS = ("__pycache__", ".pytest_cache", ".mypy_cache")
EXCLUDED_SUFFIXES = (".pyc", ".pyo")


@dataclass(frozen=True)
class Handler:
    """A deployed function's entry: module and attribute (as Lambda and the tests name it)."""

    module: str
    attribute: str

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.attribute}"


@dataclass(frozen=True)
class Package:
    """One deployable archive: its lock, its code, its entry modules."""

    name: str
    cloud: str
    lock: str
    code: tuple[str, ...]
    handlers: tuple[Handler, ...]
    python: str
    # The other cloud's adapters (and what only they use: httpx for ACS Email): reachable
    # only when a backend setting names that cloud.
    not_shipped: tuple[str, ...] = ()

    @property
    def entry_modules(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(handler.module for handler in self.handlers))


AZURE = Package(
    name="azure",
    cloud="azure",
    lock="azure",
    code=("function_app.py", "host.json", *SHARED_CODE, "functions/azure"),
    handlers=(Handler("function_app", "app"),),
    python=AZURE_PYTHON,
    not_shipped=("boto3", "botocore", "aws_lambda_powertools"),  # telemetry=powertools: AWS
)

AWS_API = Handler("functions.aws.api_handler", "handler")
AWS_WORKERS = (
    Handler("functions.aws.ingest_handler", "handler"),
    Handler("functions.aws.etl_handler", "handler"),
    Handler("functions.aws.etl_handler", "schedule_handler"),
    Handler("functions.aws.sync_jobs_handler", "handler"),
    Handler("functions.aws.sync_jobs_handler", "requeue_handler"),
    Handler("functions.aws.partitions_handler", "handler"),
    Handler("functions.aws.migrate_handler", "handler"),  # run once after a deploy
)
AWS_SCORING_HANDLERS = (
    Handler("functions.aws.scoring_handler", "handler"),
    Handler("functions.aws.scoring_handler", "fan_out_handler"),
    Handler("functions.aws.scoring_handler", "notify_handler"),
    Handler("functions.aws.scoring_handler", "remind_handler"),
)

AWS_APP = Package(
    name="aws",
    cloud="aws",
    lock="aws",
    code=(*SHARED_CODE, "functions/aws"),
    handlers=(AWS_API, *AWS_WORKERS),
    python=LAMBDA_PYTHON,
    not_shipped=("azure", "httpx", "onnxruntime"),
)
AWS_SCORING = Package(
    name="aws-scoring",
    cloud="aws",
    lock="aws-scoring",
    code=(*SHARED_CODE, "functions/aws"),
    handlers=AWS_SCORING_HANDLERS,
    python=LAMBDA_PYTHON,
    not_shipped=("azure", "httpx"),
)

PACKAGES = (AZURE, AWS_APP, AWS_SCORING)
GATEWAY_LOCK = "gateway"
GATEWAY_ENTRY = "edge_gateway.__main__"


def packages_of(cloud: str) -> tuple[Package, ...]:
    chosen = tuple(package for package in PACKAGES if package.cloud == cloud)
    if not chosen:
        raise ValueError(f"unknown cloud {cloud!r}: choose azure or aws")
    return chosen
