"""Budget versus actual of an AFE, and overrun alerts.

`budget_vs_actual` compares the actual costs with the estimate per category
(and in total); `overrun_alerts` says which threshold of the policy
(rules/afe_policy.json: 90 % warning, 100 % overrun, 110 % supplement required
by default) each has reached — the highest one, keyed so it is raised once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shared.core.operations.model.afe import Afe, AfePolicy

TOTAL = "total"
PERCENT = Decimal("0.1")


@dataclass(frozen=True)
class Variance:
    scope: str
    """A category code, or "total"."""
    estimate: Decimal
    actual: Decimal

    @property
    def variance(self) -> Decimal:
        """Actual minus estimate: positive is over budget."""
        return self.actual - self.estimate

    @property
    def percent_used(self) -> Decimal | None:
        """Actual as a percentage of the estimate, to a tenth (half up, as a reader rounds);
        None without an estimate. Alerts compare exactly, not this rounded figure."""
        if self.estimate == 0:
            return None
        return (self.actual * 100 / self.estimate).quantize(PERCENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class OverrunAlert:
    afe_id: str
    scope: str
    at_percent: Decimal
    level: str
    estimate: Decimal
    actual: Decimal

    @property
    def alert_key(self) -> str:
        """Raise each alert once: the same AFE, scope and threshold is the same alert."""
        return f"{self.afe_id}/{self.scope}/{self.at_percent}"


def budget_vs_actual(afe: Afe) -> list[Variance]:
    """Per category (estimated or charged), then the total."""
    estimate = {line.category: line.amount for line in afe.estimate}
    actual: dict[str, Decimal] = {}
    for cost in afe.actuals:
        actual[cost.category] = actual.get(cost.category, Decimal(0)) + cost.amount
    categories = [line.category for line in afe.estimate] + sorted(set(actual) - set(estimate))
    rows = [Variance(c, estimate.get(c, Decimal(0)), actual.get(c, Decimal(0))) for c in categories]
    return [*rows, Variance(TOTAL, afe.total_estimate, afe.total_actual)]


def overrun_alerts(afe: Afe, policy: AfePolicy) -> list[OverrunAlert]:
    """The highest threshold each scope has reached; a cost on an unestimated category
    is beyond every threshold."""
    alerts = []
    for row in budget_vs_actual(afe):
        if row.actual == 0:
            continue
        used = row.percent_used
        crossed = [
            t
            for t in policy.overrun_alerts
            if used is None or row.actual * 100 >= t.at_percent * row.estimate
        ]
        if crossed:
            top = crossed[-1]
            alerts.append(
                OverrunAlert(
                    afe.afe_id, row.scope, top.at_percent, top.level, row.estimate, row.actual
                )
            )
    return alerts
