"""`wellos serve`'s mail timer: send the identity e-mails the API queued, every few seconds.

Invitations, password resets and magic links wait in the master outbox until a
dispatcher hands them to the notifier (the console locally: the whole mail,
link included, printed to stderr). The cloud hosts send them on their scoring
timer and `wellos demo` on its local one; `wellos serve` runs only this one.
The platform is the API's own, once its first request built it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from shared.bootstrap import Platform

log = logging.getLogger("wellos.identity.mail")


def run_mail_loop(
    platform: Callable[[], Platform | None], stop_event: threading.Event, interval_s: float
) -> int:
    """Dispatch due mails until `stop_event` is set; answers how many were sent."""
    sent = 0
    while not stop_event.wait(interval_s):
        built = platform()
        if built is None:  # no request yet: nothing can have been queued by this server
            continue
        try:
            sent += built.mail.dispatch(built.notifier).sent
        except Exception as exc:  # the master database is down: the next tick tries again
            log.warning("identity mail dispatch failed: %s", type(exc).__name__)
    return sent


def start_mail_thread(
    platform: Callable[[], Platform | None], stop_event: threading.Event, interval_s: float
) -> threading.Thread:
    thread = threading.Thread(
        target=run_mail_loop,
        args=(platform, stop_event, interval_s),
        name="wellos-mail",
        daemon=True,
    )
    thread.start()
    return thread
