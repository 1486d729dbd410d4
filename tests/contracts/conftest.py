"""Emulators for the contract suites: moto server (SQS, S3, Secrets Manager) and Azurite.

- moto: one `ThreadedMotoServer` on a free 127.0.0.1 port per session; boto3
  clients point at it with dummy credentials in us-east-1.
- Azurite (Blob only): `.tools/node_modules/.bin/azurite-blob`, installed by
  `npm install --prefix .tools azurite@3` (`ensure_azurite`), one process per
  session with its data in a temporary directory. Without Node.js the Azure Blob
  tests skip with a message saying so.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".tools"
AZURITE_BLOB = TOOLS / "node_modules" / ".bin" / "azurite-blob"
AZURITE_ACCOUNT = "devstoreaccount1"
# Azurite's well-known development key (public, documented by Microsoft).
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
NODE_MISSING = "Node.js not found: Azurite (npm) cannot run; Azure Blob contract tests skipped"
AWS_REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def ensure_azurite(timeout_s: float = 600) -> Path | None:
    """The azurite-blob binary; installs Azurite with npm when missing and Node.js is here."""
    if shutil.which("node") is None:
        return None
    if AZURITE_BLOB.exists():
        return AZURITE_BLOB
    npm = shutil.which("npm")
    if npm is None:
        return None
    command = [npm, "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund", "azurite@3"]
    try:
        subprocess.run(command, cwd=ROOT, timeout=timeout_s, capture_output=True, check=False)
    except (subprocess.TimeoutExpired, OSError):
        return None
    return AZURITE_BLOB if AZURITE_BLOB.exists() else None


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    assert wait_for_port(port, 10), "moto server did not start"
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(scope="session")
def aws_client(moto_endpoint: str) -> Callable[[str], Any]:
    """Makes boto3 clients on the moto server (path-style S3, SigV4 presigning)."""
    import boto3
    from botocore.config import Config

    config = Config(s3={"addressing_style": "path"}, signature_version="s3v4")

    def make(service: str) -> Any:
        return boto3.client(
            service,
            region_name=AWS_REGION,
            endpoint_url=moto_endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=config if service == "s3" else None,
        )

    return make


@pytest.fixture(scope="session")
def azurite_connection_string(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = ensure_azurite()
    if binary is None:
        pytest.skip(NODE_MISSING)
    port = free_port()
    location = tmp_path_factory.mktemp("azurite")
    command = [str(binary), "--blobHost", "127.0.0.1", "--blobPort", str(port)]
    command += ["--location", str(location), "--silent", "--skipApiVersionCheck", "--loose"]
    log = location / "azurite.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    try:
        if not wait_for_port(port, 30):
            pytest.fail(f"Azurite did not start on port {port}: {log.read_text()[-2000:]}")
        yield (
            f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};"
            f"AccountKey={AZURITE_KEY};BlobEndpoint=http://127.0.0.1:{port}/{AZURITE_ACCOUNT};"
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
