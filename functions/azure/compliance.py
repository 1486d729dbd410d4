"""Azure Functions: the daily compliance reminders (06:00 UTC).

Register in function_app.py: `app.register_functions(compliance_bp)`. One
digest a day per tenant that uses month-end compliance, to its admins and
managers, through the platform's notifier; a second run the same day sends
nothing (the tenant's compliance settings remember the day).
"""

from __future__ import annotations

import logging

import azure.functions as func

from functions.azure.queue_worker import QueueRuntime

log = logging.getLogger("wellos.compliance")

runtime = QueueRuntime()
compliance_bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions: unannotated


@compliance_bp.timer_trigger(arg_name="timer", schedule="0 0 6 * * *")
def remind_compliance(timer: func.TimerRequest) -> None:
    report = runtime.platform.compliance.reminders.remind(runtime.notifier)
    log.info(
        "compliance reminders",
        extra={"tenants": report.tenants, "sent": report.sent, "failed": report.failed},
    )
