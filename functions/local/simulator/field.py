"""A simulated field as several RTU processes (one asyncua server tops out near 10k
changes/s, so a big field needs several, as a real site has several RTUs).
"""

from __future__ import annotations

import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from asyncua import ua
from asyncua.client.client import Client

from functions.local.simulator.catalog import FieldLayout, fault_node_id
from functions.local.simulator.history import PlannedFault
from shared.settings import child_environment


@dataclass
class FieldOptions:
    layout: FieldLayout
    rate_hz: float = 1.0
    seed: int = 7
    bad_rate: float = 0.001
    fault_ramp_s: float = 600.0
    certificates: Path | None = None
    secure_only: bool = False
    log_dir: Path | None = None
    python: str = sys.executable
    anchor: datetime | None = None
    planned_faults: tuple[PlannedFault, ...] = ()

    def command(self, index: int) -> list[str]:
        layout = self.layout
        command = [
            self.python, "-m", "functions.local.simulator", "--wells", str(layout.wells),
            "--tags", str(layout.tags), "--servers", str(layout.servers), "--index", str(index),
            "--host", layout.host, "--port", str(layout.base_port), "--rate", str(self.rate_hz),
            "--seed", str(self.seed), "--bad-rate", str(self.bad_rate),
            "--fault-ramp-s", str(self.fault_ramp_s),
        ]  # fmt: skip
        if self.certificates is not None:
            command += ["--certificates", str(self.certificates)]
        if self.secure_only:
            command.append("--secure-only")
        if self.anchor is not None:
            command += ["--anchor", self.anchor.isoformat()]
        for planned in self.planned_faults:
            command += ["--planned-fault", str(planned)]
        return command


@dataclass
class RtuProcess:
    options: FieldOptions
    index: int
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        return self.options.layout.endpoint(self.index)

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError("not started")
        return self.process.pid

    def spawn(self) -> None:
        log_dir = self.options.log_dir
        if log_dir is not None:
            log_dir.mkdir(parents=True, exist_ok=True)
            self._log = (log_dir / f"rtu{self.index}.log").open("ab")
        env = child_environment(python_path=_root_path())
        self.process = subprocess.Popen(
            self.options.command(self.index),
            stdout=subprocess.PIPE,
            stderr=self._log or subprocess.DEVNULL,
            env=env,
        )

    def wait_ready(self, timeout_s: float) -> None:
        process = self.process
        if process is None or process.stdout is None:
            raise RuntimeError("not started")
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            ready, _, _ = select.select([process.stdout], [], [], 0.2)
            if ready:
                line = process.stdout.readline()
                if line.startswith(b"READY"):
                    return
                if not line and process.poll() is not None:
                    raise RuntimeError(f"RTU {self.index} exited with {process.returncode}")
        raise TimeoutError(f"RTU {self.index} not ready after {timeout_s} s")

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 10.0) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout_s)
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()
        if self._log is not None:
            self._log.close()
            self._log = None

    def kill(self) -> None:
        """SIGKILL: the RTU vanishes without closing anything."""
        self.stop(signal.SIGKILL)


class Field:
    """Start with `start()`, stop with `stop()` (or use as a context manager)."""

    def __init__(self, options: FieldOptions) -> None:
        self.options = options
        self.rtus = [RtuProcess(options, i) for i in range(options.layout.servers)]

    @property
    def endpoints(self) -> list[str]:
        return [rtu.endpoint for rtu in self.rtus]

    def start(self, timeout_s: float = 60.0) -> None:
        for rtu in self.rtus:
            rtu.spawn()
        try:
            for rtu in self.rtus:
                rtu.wait_ready(timeout_s)
        except BaseException:
            self.stop()
            raise

    def restart(self, index: int, timeout_s: float = 60.0) -> None:
        rtu = self.rtus[index]
        rtu.stop()
        rtu.spawn()
        rtu.wait_ready(timeout_s)

    def stop(self) -> None:
        for rtu in self.rtus:
            rtu.stop()

    def __enter__(self) -> Field:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def inject_fault(endpoint: str, well: int, fault: str | None) -> None:
    """Switch a well's fault at runtime (an OPC-UA write; "" or None clears it)."""
    async with Client(endpoint) as client:
        node = client.get_node(fault_node_id(well))
        await node.write_value(ua.Variant(fault or "", ua.VariantType.String))


def _root_path() -> str:
    return str(Path(__file__).resolve().parents[3])
