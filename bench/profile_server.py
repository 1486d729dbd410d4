"""uvicorn serving the API with cProfile on in every thread: the event loop's and each
worker thread's (sync routes and dependencies run there), merged into one file at exit.

The profilers time with `time.thread_time`, each thread's own CPU: a thread waiting
for PostgreSQL, for the GIL or for work costs nothing, so the figures hold on a
loaded machine.

    python bench/profile_server.py OUT.prof --port 8000

`bench/local_server.start_server` runs this instead of plain uvicorn when
`WELLOS_BENCH_PROFILE` names the output file. cProfile charges a fixed cost to every
Python call, so the shares favour code with few large calls over many small ones; read
them as where the server's CPU goes, not as its speed.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any

import uvicorn

_profiles: list[cProfile.Profile] = []
_lock = threading.Lock()


def _start_in_thread(frame: FrameType, event: str, arg: Any) -> None:
    """The first profile event of a new thread: give it its own profiler from here on."""
    profile = cProfile.Profile(time.thread_time)
    with _lock:
        _profiles.append(profile)
    profile.enable()  # replaces this hook for the thread


def _exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="where the merged pstats file goes")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # uvicorn stops on SIGTERM, then raises it again with the handler it found: this one
    signal.signal(signal.SIGTERM, _exit)
    threading.setprofile(_start_in_thread)
    loop_profile = cProfile.Profile(time.thread_time)
    loop_profile.enable()
    try:
        uvicorn.run(
            "functions.api.app:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            access_log=False,
            log_level="warning",
        )
    finally:
        loop_profile.disable()
        stats = pstats.Stats(loop_profile)
        with _lock:
            for profile in _profiles:
                profile.snapshot_stats()  # the workers are idle: the server has stopped
                if profile.stats:
                    stats.add(profile)
        stats.dump_stats(args.out)
        print(f"profile written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
