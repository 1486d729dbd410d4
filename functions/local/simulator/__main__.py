"""One simulated RTU process: `python -m functions.local.simulator --wells 10 --tags 7`.

Prints `READY <endpoint>` on stdout once it listens, then runs until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from functions.local.simulator.catalog import FieldLayout
from functions.local.simulator.history import PlannedFault
from functions.local.simulator.server import RtuOptions, RtuServer
from functions.local.simulator.signals import LiveFault


def parse_args(argv: Sequence[str] | None) -> RtuOptions:
    parser = argparse.ArgumentParser(prog="python -m functions.local.simulator")
    parser.add_argument("--wells", type=int, default=10)
    parser.add_argument("--tags", type=int, default=7)
    parser.add_argument("--servers", type=int, default=1, help="RTUs in the whole field")
    parser.add_argument("--index", type=int, default=0, help="which RTU this process is")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4840, help="base port (RTU k: port + k)")
    parser.add_argument("--rate", type=float, default=1.0, help="updates per tag per second")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bad-rate", type=float, default=0.001)
    parser.add_argument("--fault-ramp-s", type=float, default=600.0)
    parser.add_argument("--certificates", type=Path, help="enable Basic256Sha256 with certs here")
    parser.add_argument("--secure-only", action="store_true", help="no unsecured endpoint")
    parser.add_argument(
        "--anchor", type=_instant, help="hour 0 of the generated sensor history (ISO, with zone)"
    )
    parser.add_argument(
        "--planned-fault", type=_planned, action="append", default=[], metavar="SPEC",
        help="WELL:MODE:ONSET[/PRECURSOR_HOURS], e.g. 2:bearing_wear:2026-11-24T00:00Z/120",
    )  # fmt: skip
    parser.add_argument(
        "--live-fault", type=_live, action="append", default=[], metavar="SPEC",
        help="WELL:FAULT:AFTER_S[/FOR_S], e.g. 3:flowline_blockage:20/600: the RTU starts "
        "the fault AFTER_S seconds after it starts ticking (and ends it FOR_S later)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    layout = FieldLayout(args.wells, args.tags, args.servers, args.host, args.port)
    return RtuOptions(
        layout, args.index, args.rate, args.seed, args.bad_rate, args.fault_ramp_s,
        args.certificates, args.secure_only, args.anchor, tuple(args.planned_fault),
        tuple(args.live_fault),
    )  # fmt: skip


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs a time zone (e.g. Z)")
    return moment


def _live(text: str) -> LiveFault:
    try:
        return LiveFault.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _planned(text: str) -> PlannedFault:
    try:
        return PlannedFault.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


async def serve(options: RtuOptions) -> None:
    rtu = RtuServer(options)
    await rtu.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(f"READY {rtu.endpoint}", flush=True)
    ticking = asyncio.create_task(rtu.run())
    try:
        await stop.wait()
    finally:
        ticking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticking
        with contextlib.suppress(TimeoutError):  # clients that vanished can hold stop() up
            async with asyncio.timeout(5):
                await rtu.stop()


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger("asyncua").setLevel(logging.ERROR)
    asyncio.run(serve(parse_args(argv)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
