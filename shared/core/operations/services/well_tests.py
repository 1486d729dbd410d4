"""Well tests: logged per well (office or field), listed, and used to allocate a lease's
metered volume to its wells by test rate × producing hours.

Writers (admins, managers, field operators on their assigned wells) log tests;
everyone who reads wells lists them; admins and managers run an allocation.
A logged test goes to the well's change feed like any field change.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from shared.core.common.access import (
    audit,
    ensure_well_visible,
    require,
    require_office_role,
)
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import NotFoundError, PermissionDeniedError
from shared.core.common.roles import Permission, Role
from shared.core.operations.errors import OperationsInputError
from shared.core.operations.model.well_tests import (
    WellTest,
    allocate_lease,
    check_well_test,
    latest_tests,
)
from shared.core.operations.ports import OperationsDatabases
from shared.core.registry.model.tenants import Tenant
from shared.core.wells.ports import WellQuery

WRITERS = frozenset({Role.ADMIN, Role.MANAGER, Role.FIELD_OPERATOR})
RATES = ("oil_bbl_per_day", "gas_mcf_per_day", "water_bbl_per_day")


def test_record(test: WellTest) -> dict[str, Any]:
    return {
        "id": test.test_id,
        "well_id": test.well_id,
        "start": test.start.isoformat(),
        "end": test.end.isoformat(),
        "hours": format(test.hours, "f"),
        **{name: format(getattr(test, name), "f") for name in RATES},
        "device_id": test.device_id,
    }


class WellTestService:
    def __init__(self, databases: OperationsDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def log(
        self,
        tenant: Tenant,
        actor: Actor,
        well_id: str,
        start: datetime,
        end: datetime,
        rates: Mapping[str, Decimal],
    ) -> dict[str, Any]:
        if actor.role not in WRITERS:
            raise PermissionDeniedError(f"role {actor.role.value} may not log well tests")
        test = check_well_test(
            WellTest(
                str(uuid.uuid4()),
                well_id,
                start,
                end,
                rates["oil_bbl_per_day"],
                rates["gas_mcf_per_day"],
                rates["water_bbl_per_day"],
            )
        )
        with self._databases.unit_of_work(tenant) as uow:
            if uow.wells.get(well_id) is None:
                raise NotFoundError("well", well_id)
            ensure_well_visible(uow, actor, well_id)
            uow.well_tests.add(test, self._clock())
            after = test_record(test)
            audit(uow, self._clock, actor, "well_test.log", "well_test", test.test_id,
                  None, after)  # fmt: skip
            uow.commit()
            return after

    def list(self, tenant: Tenant, actor: Actor, well_id: str) -> list[dict[str, Any]]:
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            if uow.wells.get(well_id) is None:
                raise NotFoundError("well", well_id)
            ensure_well_visible(uow, actor, well_id)
            return [test_record(t) for t in uow.well_tests.of_wells([well_id], None)]

    def allocate(
        self,
        tenant: Tenant,
        actor: Actor,
        lease_id: str,
        metered: Mapping[str, Decimal],
        hours: Mapping[str, Decimal],
        as_of: datetime | None,
        quantum: Decimal,
    ) -> dict[str, Any]:
        """The lease's metered volumes shared among `hours`' wells by their latest tests."""
        require_office_role(actor, "allocate lease volumes")
        when = as_of or self._clock()
        with self._databases.unit_of_work(tenant) as uow:
            if uow.leases.get(lease_id) is None:
                raise NotFoundError("lease", lease_id)
            page = uow.wells.list(WellQuery(lease_id=lease_id, limit=10_000))
            on_lease = {w.id for w in page.items}
            for well_id in hours:
                if well_id not in on_lease:
                    raise OperationsInputError(f"hours.{well_id}", "is not a well of this lease")
            tests = latest_tests(uow.well_tests.of_wells(sorted(hours), when), when)
        allocation = allocate_lease(metered, tests, hours, quantum)
        return {
            "lease_id": lease_id,
            "as_of": when.isoformat(),
            "allocation": {
                product: {well: format(v, "f") for well, v in shares.items()}
                for product, shares in allocation.items()
            },
            "tests": {well: test_record(test) for well, test in sorted(tests.items())},
        }
