"""Where each Lambda's code comes from: the built packages, or image contexts staged here.

With `-c wellos:packages=DIR` (the output of `wellos package aws --out DIR`), the
manifest there names a zip or an image context per package and architecture.
Without it, synth stages the image contexts itself (the code and the lock; the
image build installs the wheels), so `cdk synth` needs neither pip nor docker.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from functools import cache
from pathlib import Path

from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_lambda as lambda_

from functions.cli.packaging.build import MANIFEST, copy_code
from functions.cli.packaging.hosts import PACKAGES, Package
from functions.cli.packaging.images import write_lambda_image
from functions.cli.packaging.locks import LOCK_DIR

ROOT = Path(__file__).resolve().parents[3]
PLATFORMS = {"arm64": ecr_assets.Platform.LINUX_ARM64, "x86_64": ecr_assets.Platform.LINUX_AMD64}


def _package(name: str) -> Package:
    return next(package for package in PACKAGES if package.name == name)


@cache
def staged_context(package_name: str, architecture: str) -> Path:
    """An image build context for one package, staged once per synth process."""
    package = _package(package_name)
    context = Path(tempfile.mkdtemp(prefix=f"wellos-{package_name}-{architecture}-"))
    atexit.register(shutil.rmtree, context, True)  # synth has copied it into cdk.out by then
    copy_code(ROOT, package.code, context / "app")
    write_lambda_image(context, ROOT / LOCK_DIR / f"{package.lock}.lock", package, architecture)
    return context


def _from_manifest(packages: Path, package_name: str, architecture: str) -> tuple[str, Path]:
    manifest = json.loads((packages / MANIFEST).read_text(encoding="utf-8"))
    for item in manifest["artifacts"]:
        if item["package"] == package_name and item["architecture"] == architecture:
            return item["kind"], packages / item["path"]
    raise ValueError(
        f"{packages / MANIFEST} has no {package_name} package for {architecture}: "
        f"run `wellos package aws --out {packages} --arch {architecture}`"
    )


class FunctionCode:
    """The code of one function: a zip (with its runtime) or a container image."""

    def __init__(self, packages: Path | None, package_name: str, architecture: str) -> None:
        if packages is None:
            self.kind, self.path = "image", staged_context(package_name, architecture)
        else:
            self.kind, self.path = _from_manifest(packages, package_name, architecture)
        self.architecture = architecture

    def image(self, handler: str) -> lambda_.DockerImageCode:
        return lambda_.DockerImageCode.from_image_asset(
            str(self.path), cmd=[handler], platform=PLATFORMS[self.architecture]
        )

    def zip(self) -> lambda_.Code:
        return lambda_.Code.from_asset(str(self.path))
