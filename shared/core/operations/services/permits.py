"""Permits: drafted for a well or facility, moved through the agency's statuses, approved
with a number and expiry, conditions met; expiry reminders for the compliance calendar.

Everyone who reads wells reads permits; admins and managers write them. A
permit past its expiry reads as `expired` (computed from the date, never stored).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.core.common.access import audit, require, require_office_role
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import ConflictError, NotFoundError
from shared.core.common.roles import Permission
from shared.core.operations.errors import OperationsInputError
from shared.core.operations.model import permits as model
from shared.core.operations.ports import OperationsDatabases, OperationsUnitOfWork
from shared.core.registry.model.tenants import Tenant


def permit_record(permit: model.Permit, today: date) -> dict[str, Any]:
    def iso(value: date | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "id": permit.permit_id,
        "permit_type": permit.permit_type.value,
        "agency": permit.agency,
        "status": model.effective_status(permit, today).value,
        "number": permit.number,
        "well_id": permit.well_id,
        "facility_id": permit.facility_id,
        "issued_on": iso(permit.issued_on),
        "expires_on": iso(permit.expires_on),
        "renewal_of": permit.renewal_of,
        "conditions": [
            {"text": c.text, "due_on": iso(c.due_on), "met": c.met} for c in permit.conditions
        ],
    }


@dataclass(frozen=True)
class NewPermitInput:
    permit_type: model.PermitType
    agency: str
    well_id: str | None = None
    facility_id: str | None = None
    conditions: Sequence[model.Condition] = ()
    renewal_of: str | None = None


class PermitService:
    def __init__(
        self,
        databases: OperationsDatabases,
        clock: Clock = utc_now,
        policy: model.ReminderPolicy | None = None,
    ) -> None:
        self._databases = databases
        self._clock = clock
        self._policy = policy or model.default_reminder_policy()

    def _today(self) -> date:
        return self._clock().date()

    def list(
        self, tenant: Tenant, actor: Actor, well_id: str | None, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            found, total = uow.permits.list(well_id, limit, offset)
            return [permit_record(p, self._today()) for p in found], total

    def get(self, tenant: Tenant, actor: Actor, permit_id: str) -> dict[str, Any]:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            return permit_record(self._load(uow, permit_id)[0], self._today())

    def reminders(
        self, tenant: Tenant, actor: Actor, today: date | None
    ) -> Sequence[dict[str, Any]]:
        """What is due as of `today` (default: now): expiring, expired, conditions due."""
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            every = [*uow.permits.all()]
        due = model.expiry_reminders(every, today or self._today(), self._policy)
        return [
            {
                "permit_id": r.permit_id,
                "kind": r.kind.value,
                "due_on": r.due_on.isoformat(),
                "deadline": r.deadline.isoformat(),
                "lead_days": r.lead_days,
                "detail": r.detail,
                "key": r.reminder_key,
            }
            for r in due
        ]

    def create(self, tenant: Tenant, actor: Actor, new: NewPermitInput) -> dict[str, Any]:
        require_office_role(actor, "write permits")
        permit = model.new_permit(
            model.Permit(
                permit_id=str(uuid.uuid4()),
                permit_type=new.permit_type,
                agency=new.agency,
                well_id=new.well_id,
                facility_id=new.facility_id,
                conditions=tuple(new.conditions),
                renewal_of=new.renewal_of,
            )
        )
        with self._databases.unit_of_work(tenant) as uow:
            if new.well_id is not None and uow.wells.get(new.well_id) is None:
                raise OperationsInputError("well_id", f"well {new.well_id} does not exist")
            if new.facility_id is not None and uow.facilities.get(new.facility_id) is None:
                raise OperationsInputError("facility_id", "no such facility")
            if new.renewal_of is not None and uow.permits.get(new.renewal_of) is None:
                raise OperationsInputError("renewal_of", "no such permit")
            uow.permits.add(permit, self._clock())
            after = permit_record(permit, self._today())
            audit(uow, self._clock, actor, "permit.create", "permit", permit.permit_id,
                  None, after)  # fmt: skip
            uow.commit()
            return after

    def move(
        self, tenant: Tenant, actor: Actor, permit_id: str, status: model.PermitStatus
    ) -> dict[str, Any]:
        return self._change(tenant, actor, permit_id, f"status.{status.value}",
                            lambda p: model.change_status(p, status))  # fmt: skip

    def approve(
        self,
        tenant: Tenant,
        actor: Actor,
        permit_id: str,
        number: str,
        issued_on: date,
        expires_on: date | None,
    ) -> dict[str, Any]:
        return self._change(tenant, actor, permit_id, "approve",
                            lambda p: model.approve(p, number, issued_on, expires_on))  # fmt: skip

    def meet_condition(
        self, tenant: Tenant, actor: Actor, permit_id: str, index: int
    ) -> dict[str, Any]:
        return self._change(tenant, actor, permit_id, "condition",
                            lambda p: model.meet_condition(p, index))  # fmt: skip

    def _change(
        self,
        tenant: Tenant,
        actor: Actor,
        permit_id: str,
        action: str,
        step: Callable[[model.Permit], model.Permit],
    ) -> dict[str, Any]:
        require_office_role(actor, "change permits")
        with self._databases.unit_of_work(tenant) as uow:
            permit, revision = self._load(uow, permit_id)
            changed = step(permit)
            if not uow.permits.save(changed, revision, self._clock()):
                raise ConflictError(f"permit {permit_id} changed meanwhile; reload it")
            before = permit_record(permit, self._today())
            after = permit_record(changed, self._today())
            audit(uow, self._clock, actor, f"permit.{action}", "permit", permit_id,
                  before, after)  # fmt: skip
            uow.commit()
            return after

    @staticmethod
    def _load(uow: OperationsUnitOfWork, permit_id: str) -> tuple[model.Permit, int]:
        found = uow.permits.get(permit_id)
        if found is None:
            raise NotFoundError("permit", permit_id)
        return found
