"""Analytics at run time: nightly scoring, alerts, their notifications, well benchmarking."""

from __future__ import annotations

from dataclasses import dataclass

from shared.core.application.analytics.alerts import AlertService
from shared.core.application.analytics.benchmarking import BenchmarkService
from shared.core.application.analytics.nightly import ScoringService
from shared.core.application.analytics.notifications import NotificationDispatcher

__all__ = [
    "AlertService",
    "AnalyticsServices",
    "BenchmarkService",
    "NotificationDispatcher",
    "ScoringService",
]


@dataclass(frozen=True)
class AnalyticsServices:
    scoring: ScoringService
    alerts: AlertService
    notifications: NotificationDispatcher
    benchmarks: BenchmarkService
