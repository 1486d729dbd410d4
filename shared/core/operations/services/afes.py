"""AFEs: drafted with an estimate by category, approved level by level by the roles the
policy names for the amount, actual costs posted, budget versus actual with overruns.

Admins and managers read and write AFEs; each approval level is decided by its
role only (another role gets a 403 naming `role`). Posting actual costs on an
AFE of a well raises an overrun alert in the alerts inbox the first time a
threshold (90 %, 100 %, 110 % by default) is reached for a category or the total.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from shared.core.analytics.ports import NewAlert
from shared.core.analytics.services.alerting import json_safe
from shared.core.common.access import audit, require_office_role
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import ConflictError, DuplicateError, NotFoundError
from shared.core.operations.errors import OperationsInputError
from shared.core.operations.model import afe as model
from shared.core.operations.model.afe_approval import (
    consent_summary,
    current_level,
    decide,
    elect,
    revise,
    submit,
)
from shared.core.operations.model.afe_budget import budget_vs_actual, overrun_alerts
from shared.core.operations.ports import OperationsDatabases, OperationsUnitOfWork
from shared.core.registry.model.tenants import Tenant

SEVERITY_BY_LEVEL = {"warning": "MEDIUM", "overrun": "HIGH", "supplement_required": "CRITICAL"}


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def afe_record(afe: model.Afe, policy: model.AfePolicy, now: datetime) -> dict[str, Any]:
    """JSON-ready AFE with its approval state, budget versus actual and consent."""
    level = current_level(afe)
    consent = consent_summary(afe, policy, now)
    return {
        "id": afe.afe_id,
        "number": afe.number,
        "title": afe.title,
        "status": afe.status.value,
        "well_id": afe.well_id,
        "lease_id": afe.lease_id,
        "created_at": _iso(afe.created_at),
        "submitted_at": _iso(afe.submitted_at),
        "approved_at": _iso(afe.approved_at),
        "estimate": [
            {"category": e.category, "amount": _amount(e.amount), "note": e.note}
            for e in afe.estimate
        ],
        "total_estimate": _amount(afe.total_estimate),
        "total_actual": _amount(afe.total_actual),
        "levels": [{"role": lv.role, "from_amount": _amount(lv.from_amount)} for lv in afe.levels],
        "waiting_for": None if level is None else afe.levels[level].role,
        "decisions": [
            {
                "level": d.level,
                "role": d.role,
                "by": d.by,
                "approved": d.approved,
                "at": _iso(d.at),
                "note": d.note,
            }
            for d in afe.decisions
        ],
        "actuals": [
            {
                "category": a.category,
                "amount": _amount(a.amount),
                "posted_at": _iso(a.posted_at),
                "reference": a.reference,
            }
            for a in afe.actuals
        ],
        "budget": [
            {
                "scope": v.scope,
                "estimate": _amount(v.estimate),
                "actual": _amount(v.actual),
                "variance": _amount(v.variance),
                "percent_used": _amount(v.percent_used),
            }
            for v in budget_vs_actual(afe)
        ],
        "overruns": [
            {"scope": o.scope, "at_percent": _amount(o.at_percent), "level": o.level}
            for o in overrun_alerts(afe, policy)
        ],
        "partners": [
            {
                "partner_id": p.partner_id,
                "working_interest": _amount(p.working_interest),
                "election": p.election.value,
                "elected_at": _iso(p.elected_at),
            }
            for p in afe.partners
        ],
        "consent": {
            "consented": _amount(consent.consented),
            "non_consented": _amount(consent.non_consented),
            "pending": _amount(consent.pending),
            "deadline": _iso(consent.deadline),
            "complete": consent.complete,
        },
    }


class AfeService:
    def __init__(
        self,
        databases: OperationsDatabases,
        clock: Clock = utc_now,
        policy: model.AfePolicy | None = None,
    ) -> None:
        self._databases = databases
        self._clock = clock
        self._policy = policy or model.default_afe_policy()

    def _record(self, afe: model.Afe) -> dict[str, Any]:
        return afe_record(afe, self._policy, self._clock())

    def list(
        self, tenant: Tenant, actor: Actor, status: str | None, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        require_office_role(actor, "see AFEs")
        if status is not None and status not in {s.value for s in model.AfeStatus}:
            raise OperationsInputError("status", "is not an AFE status")
        with self._databases.unit_of_work(tenant) as uow:
            found, total = uow.afes.list(status, limit, offset)
            return [self._record(afe) for afe in found], total

    def get(self, tenant: Tenant, actor: Actor, afe_id: str) -> dict[str, Any]:
        require_office_role(actor, "see AFEs")
        with self._databases.unit_of_work(tenant) as uow:
            return self._record(self._load(uow, afe_id)[0])

    def create(
        self,
        tenant: Tenant,
        actor: Actor,
        number: str,
        title: str,
        estimate: Sequence[model.EstimateLine],
        well_id: str | None,
        lease_id: str | None,
        partners: Sequence[model.PartnerInterest] = (),
    ) -> dict[str, Any]:
        require_office_role(actor, "write AFEs")
        now = self._clock()
        new = model.NewAfe(str(uuid.uuid4()), number, title, estimate, well_id, lease_id, partners)
        afe = model.draft_afe(new, self._policy, now)
        with self._databases.unit_of_work(tenant) as uow:
            if well_id is not None and uow.wells.get(well_id) is None:
                raise OperationsInputError("well_id", f"well {well_id} does not exist")
            if lease_id is not None and uow.leases.get(lease_id) is None:
                raise OperationsInputError("lease_id", f"lease {lease_id} does not exist")
            if not uow.afes.add(afe, now):
                raise DuplicateError("number", afe.number)
            after = self._record(afe)
            audit(uow, self._clock, actor, "afe.create", "afe", afe.afe_id, None, after)
            uow.commit()
            return after

    def submit(self, tenant: Tenant, actor: Actor, afe_id: str) -> dict[str, Any]:
        return self._change(tenant, actor, afe_id, "submit",
                            lambda a, now: submit(a, self._policy, now))  # fmt: skip

    def decide(
        self, tenant: Tenant, actor: Actor, afe_id: str, approve: bool, note: str
    ) -> dict[str, Any]:
        action = "approve" if approve else "reject"
        return self._change(
            tenant, actor, afe_id, action,
            lambda a, now: decide(a, actor.role.value, actor.email, approve, now, note),
        )  # fmt: skip

    def revise(
        self,
        tenant: Tenant,
        actor: Actor,
        afe_id: str,
        estimate: Sequence[model.EstimateLine] | None,
    ) -> dict[str, Any]:
        return self._change(tenant, actor, afe_id, "revise",
                            lambda a, now: revise(a, estimate, self._policy))  # fmt: skip

    def post_actual(
        self, tenant: Tenant, actor: Actor, afe_id: str, cost: model.ActualCost
    ) -> dict[str, Any]:
        return self._change(tenant, actor, afe_id, "actual",
                            lambda a, now: model.post_actual(a, cost, self._policy))  # fmt: skip

    def elect(
        self, tenant: Tenant, actor: Actor, afe_id: str, partner_id: str, election: model.Election
    ) -> dict[str, Any]:
        return self._change(tenant, actor, afe_id, "elect",
                            lambda a, now: elect(a, partner_id, election, now))  # fmt: skip

    def close(self, tenant: Tenant, actor: Actor, afe_id: str) -> dict[str, Any]:
        return self._change(tenant, actor, afe_id, "close", lambda a, now: model.close_afe(a))

    def _change(
        self,
        tenant: Tenant,
        actor: Actor,
        afe_id: str,
        action: str,
        step: Callable[[model.Afe, datetime], model.Afe],
    ) -> dict[str, Any]:
        require_office_role(actor, "change AFEs")
        now = self._clock()
        with self._databases.unit_of_work(tenant) as uow:
            afe, revision = self._load(uow, afe_id)
            changed = step(afe, now)
            if not uow.afes.save(changed, revision, now):
                raise ConflictError(f"AFE {afe.number} changed meanwhile; reload it")
            before, after = self._record(afe), self._record(changed)
            audit(uow, self._clock, actor, f"afe.{action}", "afe", afe_id, before, after)
            self._raise_overruns(uow, changed, now)
            uow.commit()
            return after

    def _raise_overruns(self, uow: OperationsUnitOfWork, afe: model.Afe, now: datetime) -> None:
        """An alert per (AFE, scope, threshold), once; only AFEs of a well reach the inbox."""
        if afe.well_id is None:
            return
        for overrun in overrun_alerts(afe, self._policy):
            uow.analytics.add_alert(
                NewAlert(
                    id=str(uuid.uuid4()),
                    well_id=afe.well_id,
                    source="afe",
                    source_key=f"afe:{overrun.alert_key}"[:200],
                    title=f"AFE {afe.number}: {overrun.scope} at {overrun.at_percent}% "
                    f"of estimate ({overrun.level})"[:300],
                    severity=SEVERITY_BY_LEVEL.get(overrun.level, "MEDIUM"),
                    details=json_safe(
                        {
                            "afe_id": afe.afe_id,
                            "scope": overrun.scope,
                            "estimate": str(overrun.estimate),
                            "actual": str(overrun.actual),
                            "level": overrun.level,
                        }
                    ),
                    created_at=now,
                )
            )

    @staticmethod
    def _load(uow: OperationsUnitOfWork, afe_id: str) -> tuple[model.Afe, int]:
        found = uow.afes.get(afe_id)
        if found is None:
            raise NotFoundError("AFE", afe_id)
        return found
