"""Emissions per facility and month from entries the office records: gas burned in
combustion units (40 CFR 98 subpart C), gas sent to flares, pneumatic device
populations and small storage tanks (subpart W), with CO2e
by the GWPs of 40 CFR 98 Table A-1 for the reporting year (or the assessment report
the tenant's ``gwp`` setting or the request names), and the month's intensity in
kg CO2e per BOE of the tenant's production.

A flare entry without an efficiency takes the default of 98.233(n) for the reporting
year. Office roles record entries; every role reads.
"""

from __future__ import annotations

import calendar
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.core.common.access import audit, require, require_office_role
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError, NotFoundError
from shared.core.common.roles import Permission
from shared.core.compliance.model.emissions import (
    TONNE_PLACES,
    Emissions,
    combustion,
    flare,
    flare_efficiency,
    gwp_set,
    intensity_kg_per_boe,
    parse_composition,
    pneumatic_devices,
    storage_tanks,
)
from shared.core.compliance.model.period import Period
from shared.core.compliance.model.rows import EmissionEntry, view
from shared.core.compliance.ports import ComplianceDatabases
from shared.core.compliance.services.settings import gwp_choice
from shared.core.registry.model.tenants import Tenant

KINDS = ("combustion", "flare", "pneumatic", "storage_tank")


@dataclass(frozen=True)
class NewEmissionEntry:
    facility_id: str
    period: str
    source_kind: str
    gas_scf: float
    hhv_mmbtu_per_mscf: float | None = None
    composition: Mapping[str, float] | None = None
    efficiency: float | None = None
    note: str | None = None
    details: Mapping[str, Any] | None = None
    """pneumatic: ``device_counts`` (kind → count), ``ch4_mole_fraction``,
    ``co2_mole_fraction``; storage_tank: ``units``, ``liquid`` (crude_oil, condensate)."""


def entry_emissions(entry: EmissionEntry, period: Period) -> Emissions:
    """One entry's month of emissions (pneumatic devices in service all month; a storage
    tank's yearly factor taken for the month's share of the year)."""
    year = period.year
    details = entry.details or {}
    if entry.source_kind == "pneumatic":
        return pneumatic_devices(
            details.get("device_counts") or {},
            float(details.get("ch4_mole_fraction", 0.0)),
            float(details.get("co2_mole_fraction", 0.0)),
            year,
            hours=24.0 * period.days,
        )
    if entry.source_kind == "storage_tank":
        yearly = storage_tanks(int(details.get("units", 0)), str(details.get("liquid", "")), year)
        share = period.days / (366 if calendar.isleap(year) else 365)
        return Emissions(
            yearly.co2_t * share,
            yearly.ch4_t * share,
            yearly.n2o_t * share,
            f"{yearly.method}, {period.days} days of {year}",
            {**yearly.details, "share_of_year": share},
        )
    if entry.source_kind == "combustion":
        return combustion(float(entry.gas_scf), entry.hhv_mmbtu_per_mscf)
    efficiency = entry.efficiency
    destruction = None
    if efficiency is None:
        default = flare_efficiency(year)
        efficiency, destruction = default.combustion, default.destruction
    return flare(
        float(entry.gas_scf),
        entry.composition or {},
        float(efficiency),
        destruction_efficiency=destruction,
        hhv_mmbtu_per_mscf=entry.hhv_mmbtu_per_mscf,
    )


class EmissionService:
    def __init__(self, databases: ComplianceDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def add_entry(self, tenant: Tenant, actor: Actor, new: NewEmissionEntry) -> dict[str, Any]:
        require_office_role(actor, "record emission sources")
        period = Period.parse(new.period)
        if new.source_kind not in KINDS:
            raise InputError("source_kind", f"must be one of {', '.join(KINDS)}")
        details = dict(new.details or {})
        if new.source_kind == "pneumatic" and not details.get("device_counts"):
            raise InputError("device_counts", "a pneumatic entry counts its devices by kind")
        if new.source_kind == "storage_tank" and not details.get("liquid"):
            raise InputError("liquid", "a storage tank entry names its liquid")
        if new.source_kind == "flare":
            if not new.composition:
                raise InputError("composition", "a flare entry needs the gas composition")
            parse_composition(new.composition)
        row = EmissionEntry(
            id=str(uuid.uuid4()),
            facility_id=new.facility_id,
            period=str(period),
            source_kind=new.source_kind,
            gas_scf=new.gas_scf,
            hhv_mmbtu_per_mscf=new.hhv_mmbtu_per_mscf,
            composition=dict(new.composition) if new.composition else None,
            efficiency=new.efficiency,
            details=dict(new.details) if new.details else None,
            note=new.note,
            created_by=actor.email,
            created_at=self._clock(),
        )
        entry_emissions(row, period)  # bad numbers refused before anything is written
        with self._databases.unit_of_work(tenant) as uow:
            if uow.compliance.facility(new.facility_id) is None:
                raise NotFoundError("facility", new.facility_id)
            uow.compliance.add_emission_entry(row)
            audit(
                uow,
                self._clock,
                actor,
                "create",
                "compliance_emission_entry",
                row.id,
                None,
                {"facility_id": new.facility_id, "period": str(period)},
            )
            uow.commit()
            return view(row)

    def report(
        self, tenant: Tenant, actor: Actor, period: Period, gwp: str | None = None
    ) -> dict[str, Any]:
        require(actor, Permission.REPORTS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.compliance
            chosen = gwp or gwp_choice(store)
            gwp_name, factors = gwp_set(chosen, None if chosen else period.year)
            entries = store.emission_entries(str(period), None)
            oil, gas = store.tenant_production(period.first_day, period.last_day)
            found = {fid: store.facility(fid) for fid in {e.facility_id for e in entries}}
            names = {fid: f.name if f else None for fid, f in found.items()}
        by_facility: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entry in entries:
            result = entry_emissions(entry, period)
            by_facility[entry.facility_id].append(
                {
                    "id": entry.id,
                    "source_kind": entry.source_kind,
                    "gas_scf": entry.gas_scf,
                    "method": result.method,
                    "co2_t": round(result.co2_t, TONNE_PLACES),
                    "ch4_t": round(result.ch4_t, TONNE_PLACES),
                    "n2o_t": round(result.n2o_t, TONNE_PLACES),
                    "co2e_t": round(result.co2e_t(factors), TONNE_PLACES),
                }
            )
        facilities = [
            {
                "facility_id": fid,
                "name": names.get(fid),
                "sources": items,
                **{
                    key: round(sum(item[key] for item in items), TONNE_PLACES)
                    for key in ("co2_t", "ch4_t", "n2o_t", "co2e_t")
                },
            }
            for fid, items in sorted(by_facility.items())
        ]
        total = sum(f["co2e_t"] for f in facilities)
        intensity = intensity_kg_per_boe(total, oil, gas) if oil or gas else None
        return {
            "period": str(period),
            "gwp": gwp_name,
            "facilities": facilities,
            "co2e_t": round(total, TONNE_PLACES),
            "oil_bbl": oil,
            "gas_mcf": gas,
            "intensity_kg_co2e_per_boe": intensity,
        }
