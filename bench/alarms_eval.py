"""Alarm evaluation speed: readings/s of the pure evaluator beside iterating the readings.

    .venv/bin/python bench/alarms_eval.py [--readings 1000000] [--tags 2000] [--rounds 3]
                                          [--drain-rate 400000] [--flapping 0.0]

Workload, as the drain will hand it over: `--tags` tags with 5 rules each (a
high/low limit with deadband, a high-high limit with a 60 s minimum duration, a
low-low limit, a rate of change, stale data), readings one per tag per second in
chunks of 100,000 sorted by (tag, time) (the drain's decode chunk), values a
random walk inside the limits, with 1% of the tags crossing their limits now and
then, and `--flapping` of them noisy around the high limit all the time (the
evaluator's worst case: every reading of those tags is stepped). Each chunk is
evaluated (`evaluate`) and then the stale rules as of the chunk's end
(`evaluate_stale`), as the drain timer will.

Figures (median of `--rounds`):
- eval: readings/s of evaluate + evaluate_stale over all chunks;
- baseline: readings/s of a Python loop over the same readings doing nothing
  (`for _ in zip(tags, times, values, statuses): pass` over lists);
- ratio: eval / baseline (above 1: the evaluator costs less than touching each
  reading once in Python);
- drain_ratio: the drain's readings/s with evaluation over without, for a drain
  at `--drain-rate` readings/s (the issue's target: at least 0.8).

No database. The last line is key=value pairs.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from shared.core.operations.model.alarm_eval import ReadingArrays, evaluate
from shared.core.operations.model.alarm_index import RuleIndex, compile_rules
from shared.core.operations.model.alarm_rules import (
    AlarmKind,
    AlarmRule,
    Severity,
    TagInfo,
    TagSelector,
)
from shared.core.operations.model.alarm_stale import evaluate_stale
from shared.core.operations.model.alarm_state import AlarmState

CHUNK = 100_000
S = 1_000_000
T0 = 1_750_000_000 * S


def rules_for(tags: int) -> list[AlarmRule]:
    rules = []
    for tag in range(1, tags + 1):
        on = TagSelector(tag_id=tag)
        rules += [
            AlarmRule(f"{tag}-hl", AlarmKind.LIMIT, on, high=1500, low=200, deadband=20),
            AlarmRule(
                f"{tag}-hh",
                AlarmKind.LIMIT,
                on,
                high=1800,
                min_duration_s=60,
                severity=Severity.CRITICAL,
            ),
            AlarmRule(f"{tag}-ll", AlarmKind.LIMIT, on, low=50, min_duration_s=30),
            AlarmRule(f"{tag}-roc", AlarmKind.RATE, on, max_rise_per_min=600, deadband=50),
            AlarmRule(f"{tag}-stale", AlarmKind.STALE, on, stale_after_s=900),
        ]
    return rules


def chunks_for(readings: int, tags: int, flapping: float, seed: int = 11) -> list[ReadingArrays]:
    rng = np.random.default_rng(seed)
    seconds = max(1, readings // tags)
    tag_ids = np.arange(1, tags + 1, dtype=np.int64)
    level = rng.uniform(600, 1100, tags)
    steps = rng.normal(0, 2.0, (seconds, tags))
    values = level + np.cumsum(steps, axis=0)  # (seconds, tags)
    crossing = rng.choice(tags, max(1, tags // 100), replace=False)
    for tag in crossing:  # a 3-minute excursion above 1500 every 20 minutes
        for start in range(int(rng.integers(0, 1200)), seconds, 1200):
            values[start : start + 180, tag] = 1600 + rng.normal(
                0, 5, len(values[start : start + 180])
            )
    noisy = rng.choice(tags, int(tags * flapping), replace=False)
    values[:, noisy] = 1500 + rng.normal(0, 30, (seconds, len(noisy)))
    # column-major per second: every tag once per second, then sorted per chunk
    tag_col = np.tile(tag_ids, seconds)
    ts_col = np.repeat(T0 + np.arange(seconds, dtype=np.int64) * S, tags)
    value_col = values.reshape(-1)
    status_col = np.zeros(len(tag_col), np.int32)
    out = []
    for start in range(0, len(tag_col), CHUNK):
        part = slice(start, start + CHUNK)
        order = np.lexsort((ts_col[part], tag_col[part]))
        out.append(
            ReadingArrays(
                tag_col[part][order].astype(np.int32),
                ts_col[part][order],
                value_col[part][order],
                status_col[part][order],
            )
        )
    return out


def run_eval(index: RuleIndex, chunks: list[ReadingArrays]) -> tuple[float, int]:
    state = AlarmState()
    events = 0
    ends = [int(chunk.ts_us.max()) for chunk in chunks]  # "now" at each drain tick
    started = time.perf_counter()
    for chunk, now_us in zip(chunks, ends, strict=True):
        result = evaluate(index, state, chunk)
        stale = evaluate_stale(index, result.state, now_us)
        state = stale.state
        events += len(result.events) + len(stale.events)
    return time.perf_counter() - started, events


def run_baseline(lists: list[tuple[list[int], list[int], list[float], list[int]]]) -> float:
    started = time.perf_counter()
    for tags, times, values, statuses in lists:
        for _ in zip(tags, times, values, statuses, strict=True):
            pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, default=1_000_000)
    parser.add_argument("--tags", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--drain-rate", type=float, default=400_000)
    parser.add_argument("--flapping", type=float, default=0.0)
    args = parser.parse_args()

    tags = [
        TagInfo(t, f"well-{t // 10}", "tubing_pressure", "permian") for t in range(1, args.tags + 1)
    ]
    started = time.perf_counter()
    index = compile_rules(rules_for(args.tags), tags)
    compile_s = time.perf_counter() - started
    chunks = chunks_for(args.readings, args.tags, args.flapping)
    total = sum(len(c) for c in chunks)
    lists = [
        (c.tag_id.tolist(), c.ts_us.tolist(), c.value.tolist(), c.status.tolist()) for c in chunks
    ]
    eval_s, base_s, events = [], [], 0
    for _ in range(args.rounds):
        seconds, events = run_eval(index, chunks)
        eval_s.append(seconds)
        base_s.append(run_baseline(lists))
    eval_rps = total / statistics.median(eval_s)
    base_rps = total / statistics.median(base_s)
    drain_ratio = eval_rps / (args.drain_rate + eval_rps)
    bindings = len(index.signal) + len(index.stale)

    print(f"{'tags':>28} {args.tags:,} ({bindings:,} rule bindings, compiled in {compile_s:.2f} s)")
    print(f"{'readings':>28} {total:,} in {len(chunks)} chunks; flapping tags {args.flapping:.0%}")
    print(f"{'alarm events':>28} {events:,}")
    print(f"{'evaluator':>28} {eval_rps:,.0f} readings/s ({1e6 / eval_rps:.3f} µs per reading)")
    print(f"{'baseline (loop, no work)':>28} {base_rps:,.0f} readings/s")
    print(f"{'ratio evaluator/baseline':>28} {eval_rps / base_rps:.2f}")
    print(
        f"{'drain ratio at':>28} {args.drain_rate:,.0f} readings/s: "
        f"{drain_ratio:.3f} (target ≥ 0.8)"
    )
    print(
        f"readings={total} tags={args.tags} bindings={bindings} events={events} "
        f"eval_rps={eval_rps:.0f} baseline_rps={base_rps:.0f} "
        f"ratio={eval_rps / base_rps:.3f} drain_rate={args.drain_rate:.0f} "
        f"drain_ratio={drain_ratio:.3f} flapping={args.flapping}"
    )


if __name__ == "__main__":
    main()
