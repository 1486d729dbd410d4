"""What functions/azure declares, read from its source: timers and Service Bus queues."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from shared.core.analytics.services.nightly import SCORING_QUEUE
from shared.core.etl.model.jobs import ETL_QUEUE, IMPORTS_QUEUE
from shared.core.scada.services.deliveries import INGEST_QUEUE
from shared.core.sync.services.jobs import SYNC_JOBS_QUEUE

ROOT = Path(__file__).resolve().parents[2]
QUEUE_CONSTANTS = {
    "ETL_QUEUE": ETL_QUEUE,
    "IMPORTS_QUEUE": IMPORTS_QUEUE,
    "INGEST_QUEUE": INGEST_QUEUE,
    "SYNC_JOBS_QUEUE": SYNC_JOBS_QUEUE,
    "SCORING_QUEUE": SCORING_QUEUE,
}


@dataclass(frozen=True)
class Trigger:
    function: str
    kind: str  # "timer" | "service_bus"
    argument: str  # the NCRONTAB schedule, or the queue name


def azure_triggers() -> list[Trigger]:
    found = []
    for path in sorted((ROOT / "functions" / "azure").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                found.extend(_triggers(node))
    return found


def _triggers(function: ast.FunctionDef) -> list[Trigger]:
    found = []
    for decorator in function.decorator_list:
        if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
            continue
        keywords = {k.arg: k.value for k in decorator.keywords}
        if decorator.func.attr == "timer_trigger":
            schedule = keywords["schedule"]
            assert isinstance(schedule, ast.Constant)
            found.append(Trigger(function.name, "timer", str(schedule.value)))
        elif decorator.func.attr == "service_bus_queue_trigger":
            queue = keywords["queue_name"]
            name = queue.id if isinstance(queue, ast.Name) else None
            value = QUEUE_CONSTANTS[name] if name else ast.literal_eval(queue)
            found.append(Trigger(function.name, "service_bus", value))
    return found
