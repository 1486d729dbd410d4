"""The tenant's compliance settings, each with its documented default.

- ``form_pr_due_date_variant``: which reading of the Texas Form PR due date the
  calendar and filings use. Sources disagree (see ``rules/deadlines.json``); the
  default is the variant the rule data marks as default, with its reason there.
- ``gwp``: the assessment report whose GWPs turn emissions into CO2e (``AR4``,
  ``AR5``), or ``table_a1``: 40 CFR 98 Table A-1 of the reporting year (default).

Admins change them (``settings:write``); admins and managers read them.
"""

from __future__ import annotations

from typing import Any

from shared.core.common.access import audit, require
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError
from shared.core.common.roles import Permission
from shared.core.compliance.model.deadlines import obligations
from shared.core.compliance.model.rulebook import gwp_book
from shared.core.compliance.ports import ComplianceDatabases, ComplianceStore
from shared.core.registry.model.tenants import Tenant

FORM_PR_VARIANT = "form_pr_due_date_variant"
GWP = "gwp"
TABLE_A1 = "table_a1"


def choices() -> dict[str, tuple[list[str], str]]:
    """Each setting's allowed values and its default."""
    form_pr = next(o for o in obligations() if o.id == "tx_form_pr")
    variants = [rule.variant for rule in form_pr.rules]
    default = next((rule.variant for rule in form_pr.rules if rule.default), variants[0])
    return {
        FORM_PR_VARIANT: (variants, default),
        GWP: ([TABLE_A1, *sorted(gwp_book().sets)], TABLE_A1),
    }


def effective(store: ComplianceStore) -> dict[str, str]:
    stored = store.settings()
    return {name: stored.get(name, default) for name, (_, default) in choices().items()}


def gwp_choice(store: ComplianceStore) -> str | None:
    """The assessment report to use, or None for Table A-1 of the reporting year."""
    value = effective(store)[GWP]
    return None if value == TABLE_A1 else value


class SettingsService:
    def __init__(self, databases: ComplianceDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def get(self, tenant: Tenant, actor: Actor) -> dict[str, Any]:
        require(actor, Permission.SETTINGS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            return _out(effective(uow.compliance))

    def put(self, tenant: Tenant, actor: Actor, values: dict[str, str]) -> dict[str, Any]:
        require(actor, Permission.SETTINGS_WRITE)
        known = choices()
        for name, value in values.items():
            if name not in known:
                raise InputError(name, f"is not a setting ({', '.join(sorted(known))})")
            allowed = known[name][0]
            if value not in allowed:
                raise InputError(name, f"must be one of {', '.join(allowed)}")
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.compliance
            before = effective(store)
            for name, value in values.items():
                store.put_setting(name, value, actor.email, self._clock())
            after = effective(store)
            audit(
                uow, self._clock, actor, "put", "compliance_settings", "compliance", before, after
            )
            uow.commit()
            return _out(after)


def _out(values: dict[str, str]) -> dict[str, Any]:
    known = choices()
    return {
        name: {"value": value, "default": known[name][1], "choices": known[name][0]}
        for name, value in values.items()
    }
