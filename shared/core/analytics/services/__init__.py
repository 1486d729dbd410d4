"""Analytics at run time: nightly scoring, alerts, their notifications, well benchmarking."""

from __future__ import annotations

from dataclasses import dataclass

from shared.core.analytics.services.alerts import AlertService
from shared.core.analytics.services.benchmarking import BenchmarkService
from shared.core.analytics.services.nightly import ScoringService
from shared.core.analytics.services.notification_settings import NotificationSettingsService
from shared.core.analytics.services.notifications import NotificationDispatcher
from shared.core.analytics.services.predictions import PredictionService
from shared.core.analytics.services.preferences import PreferenceService

__all__ = [
    "AlertService",
    "AnalyticsServices",
    "BenchmarkService",
    "NotificationDispatcher",
    "NotificationSettingsService",
    "PredictionService",
    "PreferenceService",
    "ScoringService",
]


@dataclass(frozen=True)
class AnalyticsServices:
    scoring: ScoringService
    alerts: AlertService
    notifications: NotificationDispatcher
    benchmarks: BenchmarkService
    preferences: PreferenceService
    notification_settings: NotificationSettingsService
    predictions: PredictionService
