"""Month-end at run time: records, month-end balances, Form PR, tax and revenue reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared.core.common.lazy_exports import export

if TYPE_CHECKING:  # each imported on first use: see shared.core.common.lazy_exports
    from shared.core.compliance.services.emissions import EmissionService
    from shared.core.compliance.services.filings import FormPrService
    from shared.core.compliance.services.month_end import MonthEndService
    from shared.core.compliance.services.records import RecordService
    from shared.core.compliance.services.reminders import ReminderService
    from shared.core.compliance.services.reports import ReportService
    from shared.core.compliance.services.settings import SettingsService


__all__ = [
    "ComplianceServices",
    "EmissionService",
    "FormPrService",
    "MonthEndService",
    "RecordService",
    "ReminderService",
    "ReportService",
    "SettingsService",
]


@dataclass(frozen=True)
class ComplianceServices:
    records: RecordService
    month_end: MonthEndService
    form_pr: FormPrService
    reports: ReportService
    emissions: EmissionService
    settings: SettingsService
    reminders: ReminderService


EXPORTS = {
    "EmissionService": "shared.core.compliance.services.emissions",
    "FormPrService": "shared.core.compliance.services.filings",
    "MonthEndService": "shared.core.compliance.services.month_end",
    "RecordService": "shared.core.compliance.services.records",
    "ReminderService": "shared.core.compliance.services.reminders",
    "ReportService": "shared.core.compliance.services.reports",
    "SettingsService": "shared.core.compliance.services.settings",
}


def __getattr__(name: str) -> Any:
    return export(__name__, EXPORTS, name)
