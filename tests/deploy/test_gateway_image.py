"""The edge gateway's Dockerfile: multi-stage, unprivileged, only the gateway's locked extra.

Docker cannot build here, so the Dockerfile is read: its stages, what the final
stage copies and installs, and who it runs as. The import graph proves that what
it copies is all the gateway imports, and the lock test that the lock has it all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from functions.cli.packaging.hosts import GATEWAY_ENTRY
from functions.cli.packaging.imports import reach

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "edge_gateway" / "Dockerfile"


@dataclass
class Stage:
    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [argument for word, argument in self.instructions if word == keyword]


def _stages() -> list[Stage]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    stages: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, argument = line.partition(" ")
        if keyword.upper() == "FROM":
            stages.append(Stage(argument.split(" AS ")[-1].strip()))
        stages[-1].instructions.append((keyword.upper(), " ".join(argument.split())))
    return stages


def test_the_image_builds_in_one_stage_and_runs_from_another() -> None:
    stages = _stages()
    assert len(stages) >= 2
    runtime = stages[-1]
    copied_from_build = [c for c in runtime.all("COPY") if c.startswith(f"--from={stages[0].name}")]
    assert copied_from_build == ["--from=build /opt/venv /opt/venv"]
    assert not any("pip install" in run for run in runtime.all("RUN"))


def test_the_image_installs_only_the_gateway_lock_with_hashes() -> None:
    installs = [run for stage in _stages() for run in stage.all("RUN") if "pip install" in run]
    assert len(installs) == 1
    assert "--require-hashes" in installs[0] and "-r /tmp/gateway.lock" in installs[0]
    copies = [c for stage in _stages() for c in stage.all("COPY")]
    assert "requirements/gateway.lock /tmp/gateway.lock" in copies
    assert not any("pyproject.toml" in c or c.startswith("requirements/dev") for c in copies)


def test_the_gateway_runs_as_an_unprivileged_user() -> None:
    runtime = _stages()[-1]
    users = runtime.all("USER")
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    order = [word for word, _ in runtime.instructions]
    assert order.index("USER") < order.index("ENTRYPOINT")
    assert runtime.all("ENTRYPOINT") == ['["python", "-m", "edge_gateway"]']


def test_the_final_stage_copies_exactly_the_code_the_gateway_imports() -> None:
    copied = {c.split()[0] for c in _stages()[-1].all("COPY") if not c.startswith("--from")}
    assert copied == {"shared", "edge_gateway"}
    packages = {module.split(".")[0] for module in reach(ROOT, [GATEWAY_ENTRY]).modules}
    assert packages == copied
