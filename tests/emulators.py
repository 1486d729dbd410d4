"""Emulators shared by the test tiers: moto server (SQS, S3, Secrets Manager) and Azurite.

- moto: one `ThreadedMotoServer` on a free 127.0.0.1 port per session; boto3
  clients point at it with dummy credentials in us-east-1.
- Azurite (Blob only): `.tools/node_modules/.bin/azurite-blob`, installed by
  `npm install --prefix .tools azurite@3` (`ensure_azurite`), one process per
  session with its data in a temporary directory. Without Node.js the Azure Blob
  tests skip with a message saying so.

- node-opcua (`NODE_OPCUA_VERSION`, pinned): an OPC-UA server the project did not
  write, for the gateway's interop test; `ensure_node_opcua` installs it into the same
  `.tools` prefix (`npm install --prefix .tools node-opcua@<version>`).

The session fixtures (`moto_endpoint`, `aws_client`, `azurite_connection_string`)
live in tests/conftest.py, so contract and integration tests share one of each.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / ".tools"
AZURITE_BLOB = TOOLS / "node_modules" / ".bin" / "azurite-blob"
AZURITE_ACCOUNT = "devstoreaccount1"
# Azurite's well-known development key (public, documented by Microsoft).
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
NODE_MISSING = "Node.js not found: Azurite (npm) cannot run; Azure Blob contract tests skipped"
NODE_OPCUA_VERSION = "2.186.4"
NODE_OPCUA = TOOLS / "node_modules" / "node-opcua" / "package.json"
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


def ensure_node_opcua(timeout_s: float = 900) -> Path | None:
    """The `.tools/node_modules` folder with node-opcua at the pinned version; installs it
    with npm when missing and Node.js is here (None when it cannot be had)."""
    if shutil.which("node") is None:
        return None
    if _installed_version(NODE_OPCUA) == NODE_OPCUA_VERSION:
        return NODE_OPCUA.parents[1]
    npm = shutil.which("npm")
    if npm is None:
        return None
    package = f"node-opcua@{NODE_OPCUA_VERSION}"
    command = [npm, "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund", package]
    try:
        subprocess.run(command, cwd=ROOT, timeout=timeout_s, capture_output=True, check=False)
    except (subprocess.TimeoutExpired, OSError):
        return None
    return NODE_OPCUA.parents[1] if _installed_version(NODE_OPCUA) == NODE_OPCUA_VERSION else None


def _installed_version(package_json: Path) -> str | None:
    try:
        return str(json.loads(package_json.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None
