"""`wellos package`: what goes into an archive, reproducibly, and clear errors."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from functions.cli.main import app
from functions.cli.packaging.build import PackagingError, build_lambda, copy_code, write_zip
from functions.cli.packaging.hosts import AWS_SCORING, AZURE, platform_tags
from functions.cli.packaging.images import lambda_dockerfile


def test_platform_tags_run_from_the_target_glibc_down_to_manylinux2014() -> None:
    tags = platform_tags("aarch64", 28)
    assert tags[0] == "manylinux_2_28_aarch64"
    assert "manylinux_2_17_aarch64" in tags and tags[-1] == "manylinux2014_aarch64"
    assert "manylinux_2_29_aarch64" not in tags
    assert platform_tags("x86_64", 34)[-1] == "manylinux1_x86_64"


def _tree(root: Path) -> None:
    (root / "shared" / "__pycache__").mkdir(parents=True)
    (root / "shared" / "__init__.py").write_text("")
    (root / "shared" / "core.py").write_text("VALUE = 1\n")
    (root / "shared" / "__pycache__" / "core.cpython-311.pyc").write_bytes(b"\0" * 10)
    (root / "shared" / "stale.pyc").write_bytes(b"\0")
    (root / "host.json").write_text("{}")


def test_copied_code_leaves_caches_behind(tmp_path: Path) -> None:
    _tree(tmp_path / "src")
    copy_code(tmp_path / "src", ["shared", "host.json"], tmp_path / "out")
    copied = sorted(
        p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*")
    )
    assert copied == ["host.json", "shared", "shared/__init__.py", "shared/core.py"]


def test_a_missing_source_path_is_named(tmp_path: Path) -> None:
    with pytest.raises(PackagingError, match=r"function_app\.py is missing"):
        copy_code(tmp_path, ["function_app.py"], tmp_path / "out")


def test_zips_are_reproducible_and_report_their_unzipped_size(tmp_path: Path) -> None:
    _tree(tmp_path / "src")
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    size = write_zip(tmp_path / "src", first)
    write_zip(tmp_path / "src", second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert size == sum(info.file_size for info in archive.infolist())
        assert "shared/core.py" in archive.namelist()


def test_a_missing_lock_names_the_file_and_the_command(tmp_path: Path) -> None:
    with pytest.raises(
        PackagingError, match=r"requirements/aws-scoring.lock is missing.*dev.py lock"
    ):
        build_lambda(tmp_path, AWS_SCORING, "arm64", tmp_path / "out", print)


def test_the_lambda_image_installs_the_hashed_lock_for_its_architecture() -> None:
    dockerfile = lambda_dockerfile(AWS_SCORING, "arm64")
    assert "FROM --platform=linux/arm64 public.ecr.aws/lambda/python:3.12" in dockerfile
    assert "--require-hashes" in dockerfile and "--no-deps" in dockerfile
    assert 'CMD ["functions.aws.scoring_handler.handler"]' in dockerfile
    # the image ships its bytecode: compiled after the code is in, before the command
    compile_at = dockerfile.index("compileall -q -j 0 --invalidation-mode unchecked-hash")
    assert dockerfile.index("COPY app/") < compile_at < dockerfile.index("CMD [")


def test_the_azure_package_carries_the_functions_entry_and_no_local_host() -> None:
    assert {"function_app.py", "host.json", "functions/azure"} <= set(AZURE.code)
    assert not any(path.startswith(("functions/local", "functions/cli")) for path in AZURE.code)


def test_an_unknown_architecture_is_refused_by_name(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["package", "aws", "--out", str(tmp_path), "--arch", "sparc"])
    assert result.exit_code == 2
    assert "invalid --arch: sparc" in result.output
    assert not any(tmp_path.iterdir())


def test_a_zip_carries_bytecode_its_python_loads_after_unzipping(tmp_path: Path) -> None:
    import subprocess
    import sys

    from functions.cli.packaging.build import compile_bytecode

    # GIVEN a package tree compiled for this interpreter's version, zipped and unzipped
    # (unzipping gives the sources new timestamps, as a deployment does)
    _tree(tmp_path / "stage")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert compile_bytecode(tmp_path / "stage", version, print)
    write_zip(tmp_path / "stage", tmp_path / "package.zip")
    with zipfile.ZipFile(tmp_path / "package.zip") as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "deployed")
    # THEN the stale .pyc are gone and the module's bytecode is in the zip
    tag = sys.implementation.cache_tag
    assert f"shared/__pycache__/core.{tag}.pyc" in names
    assert "shared/stale.pyc" in names  # not a cache file: left as it was
    # WHEN the deployed tree is imported by an interpreter that may not write bytecode
    done = subprocess.run(
        [sys.executable, "-B", "-v", "-c", "import shared.core"],
        cwd=tmp_path / "deployed", capture_output=True, text=True, check=True,
        env={"PYTHONPATH": str(tmp_path / "deployed"), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    # THEN the module is loaded from the shipped bytecode, not compiled again
    deployed_pyc = tmp_path / "deployed" / "shared" / "__pycache__" / f"core.{tag}.pyc"
    assert f"# code object from '{deployed_pyc}'" in done.stderr


def test_without_an_interpreter_of_the_target_version_the_package_has_no_stale_bytecode(
    tmp_path: Path,
) -> None:
    from functions.cli.packaging.build import compile_bytecode

    _tree(tmp_path / "stage")
    notes: list[str] = []
    assert not compile_bytecode(tmp_path / "stage", "2.1", notes.append)
    assert list((tmp_path / "stage").rglob("__pycache__")) == []
    assert notes == ["no python2.1 here: the package ships without bytecode (slower cold starts)"]
