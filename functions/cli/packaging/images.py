"""Container image build contexts for Lambdas whose code passes the 250 MB zip limit.

An image may hold 10 GB. The base image is AWS's python3.12 Lambda image (Amazon
Linux 2023); its default command names the handler, and the CDK app overrides
the command per function (`cmd`), so one image serves every handler of a package.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from functions.cli.packaging.hosts import LAMBDA_PYTHON, Package

BASE_IMAGE = f"public.ecr.aws/lambda/python:{LAMBDA_PYTHON}"
LOCK_NAME = "requirements.lock"


def lambda_dockerfile(package: Package, architecture: str) -> str:
    platform = "linux/arm64" if architecture == "arm64" else "linux/amd64"
    default = package.handlers[0].dotted
    return f"""# {package.name} Lambda image ({architecture}); built by `wellos package aws`.
# Build: docker build --platform {platform} -t wellos-{package.name} .
FROM --platform={platform} {BASE_IMAGE}
COPY {LOCK_NAME} /tmp/{LOCK_NAME}
RUN pip install --no-cache-dir --disable-pip-version-check --require-hashes --no-deps \\
        --only-binary=:all: -r /tmp/{LOCK_NAME} --target "${{LAMBDA_TASK_ROOT}}" \\
    && rm /tmp/{LOCK_NAME}
COPY app/ ${{LAMBDA_TASK_ROOT}}/
# The function's file system is read-only: ship the bytecode, or each cold start compiles it all
RUN python -m compileall -q -j 0 --invalidation-mode unchecked-hash "${{LAMBDA_TASK_ROOT}}"
CMD ["{default}"]
"""


def write_lambda_image(context: Path, lock: Path, package: Package, architecture: str) -> None:
    """Dockerfile, the lock and `app/` (copied by the caller) in `context`."""
    context.mkdir(parents=True, exist_ok=True)
    shutil.copy2(lock, context / LOCK_NAME)
    dockerfile = lambda_dockerfile(package, architecture)
    (context / "Dockerfile").write_text(dockerfile, encoding="utf-8")
