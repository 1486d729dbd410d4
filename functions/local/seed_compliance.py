"""Seed a month of month-end records for the demo, so every compliance report has data.

For the last complete month, on the tenant's first lease with production: a Texas
profile (operator 100001, district 08), an oil tank strapped at 2 bbl per inch, the
opening and closing gauges, truck hauls at 60 °F without S&W (net = gross, CTPL 1) at
$72.50, gas sold at $2.85 and used on the lease, water hauled, owners with a division
order that sums to 1 (one owner without a tax id, in suspense) and a flare and a
heater at the lease's tank battery. Hauls are whole 360-bbl loads; what a quarter-inch
gauge cannot show (under 0.5 bbl) is recorded as an "other" disposition named for it, so
the month balances exactly. Everything goes through the services as the tenant's admin;
a month already seeded (a profile exists) is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

from shared.bootstrap import Platform
from shared.core.common.actor import Actor
from shared.core.compliance.model.period import Period
from shared.core.compliance.services.emissions import NewEmissionEntry
from shared.core.compliance.services.records import NewDisposition, NewRunTicket, NewTank
from shared.core.compliance.services.reports import NewInterest, NewOwner
from shared.core.registry.model.tenants import Tenant
from shared.core.wells.services.catalog import FACILITIES, LEASES

OPERATOR = "100001"
BBL_PER_INCH = Decimal(2)
LOAD_BBL = Decimal(360)  # 15' 0" down to 0' 0"
OPENING_INCHES = 60  # 120 bbl
OIL_PRICE = Decimal("72.50")
GAS_PRICE = Decimal("2.85")
STRAPPING = [
    {"height_inches": "0", "volume_bbl": "0"},
    {"height_inches": "480", "volume_bbl": "960"},
]


@dataclass(frozen=True)
class MonthEndSeed:
    period: str
    lease_id: str | None
    run_tickets: int


def last_complete_month(today: date) -> Period:
    return Period.of(today).plus_months(-1)


def seed_month_end(
    platform: Platform, tenant: Tenant, actor: Actor, period: Period
) -> MonthEndSeed:
    leases = platform.catalog.list(LEASES, tenant, actor, {}, 50, 0).items
    records = platform.compliance.records
    for lease in leases:
        lease_id = lease.id
        month = platform.compliance.month_end.lease(tenant, actor, lease_id, period)
        oil = Decimal(month["products"]["oil"]["produced"])
        if oil <= 0:
            continue
        if month["state"] is not None:
            return MonthEndSeed(str(period), lease_id, 0)  # seeded before
        records.put_profile(
            tenant,
            actor,
            lease_id,
            {
                "state": "TX",
                "operator_number": OPERATOR,
                "district": "08",
                "state_lease_number": "41234",
                "gas_id": "",
                "field_name": "Spraberry (Trend Area)",
                "field_number": "85279200",
                "tax_flags": [],
            },
        )
        tickets = _oil(platform, tenant, actor, lease_id, period, oil)
        _gas_and_water(platform, tenant, actor, lease_id, period, month)
        _owners(platform, tenant, actor, lease_id)
        _emissions(platform, tenant, actor, period, month)
        return MonthEndSeed(str(period), lease_id, tickets)
    return MonthEndSeed(str(period), None, 0)


def _gauge(inches: Decimal) -> str:
    whole = int(inches)
    quarters = int((inches - whole) * 4)
    return f"{whole // 12}-{whole % 12}-{quarters}"


def _oil(
    platform: Platform, tenant: Tenant, actor: Actor, lease_id: str, period: Period, oil: Decimal
) -> int:
    records = platform.compliance.records
    tank = records.add_tank(
        tenant,
        actor,
        NewTank(
            lease_id=lease_id,
            name="Oil tank 1",
            product="oil",
            strapping=STRAPPING,
            capacity_bbl=Decimal(960),
        ),
    )
    tank_id = str(tank["id"])
    before = period.first_day - timedelta(days=1)
    records.put_gauge(tenant, actor, tank_id, before, _gauge(Decimal(OPENING_INCHES)))
    available = OPENING_INCHES * BBL_PER_INCH + oil
    loads = max(int((available - 60) // LOAD_BBL), 0)
    for number in range(loads):
        day = period.day(1 + (number * period.days) // max(loads, 1))
        records.add_run_ticket(
            tenant,
            actor,
            NewRunTicket(
                ticket_number=f"D{period.year}{period.month:02d}-{number + 1:03d}",
                tank_id=tank_id,
                ticket_date=day,
                purchaser="Plains Marketing, L.P.",
                truck=f"TRK-{11 + number % 3}",
                opening_gauge="15-0-0",
                closing_gauge="0-0-0",
                observed_gravity=Decimal("40.0"),
                observed_temperature_f=Decimal("60.0"),
                bsw_percent=Decimal(0),
                seal_off=f"S{number * 2 + 5001}",
                seal_on=f"S{number * 2 + 5002}",
                price_per_bbl=OIL_PRICE,
            ),
        )
    closing = available - loads * LOAD_BBL
    quarters = (closing / BBL_PER_INCH * 4).to_integral_value(ROUND_FLOOR)
    records.put_gauge(tenant, actor, tank_id, period.last_day, _gauge(quarters / 4))
    residue = closing - quarters / 4 * BBL_PER_INCH
    if residue > 0:
        records.add_disposition(
            tenant,
            actor,
            NewDisposition(
                lease_id=lease_id,
                period=str(period),
                product="oil",
                kind="other",
                volume=residue,
                reference="below the gauge's 1/4 in resolution",
            ),
        )
    return loads


def _gas_and_water(
    platform: Platform,
    tenant: Tenant,
    actor: Actor,
    lease_id: str,
    period: Period,
    month: dict[str, object],
) -> None:
    products = month["products"]
    water = month["water"]
    assert isinstance(products, dict) and isinstance(water, dict)
    gas = Decimal(products["gas"]["produced"])
    used = (gas * Decimal("0.03")).quantize(Decimal("0.01"))
    flared = (gas * Decimal("0.01")).quantize(Decimal("0.01"))
    entries = [
        ("gas", "sold", gas - used - flared, "Energy Transfer Partners", GAS_PRICE),
        ("gas", "used_on_lease", used, None, None),
        ("gas", "flared", flared, None, None),
        ("water", "transferred", Decimal(water["produced"]), "Permian SWD hauling", None),
    ]
    for product, kind, volume, purchaser, price in entries:
        if volume <= 0:
            continue
        platform.compliance.records.add_disposition(
            tenant,
            actor,
            NewDisposition(
                lease_id=lease_id,
                period=str(period),
                product=product,
                kind=kind,
                volume=volume,
                purchaser=purchaser,
                price=price,
            ),
        )


def _owners(platform: Platform, tenant: Tenant, actor: Actor, lease_id: str) -> None:
    reports = platform.compliance.reports
    people = [
        (
            NewOwner("Whitfield Family Trust", "74-1234567", "PO Box 12, Midland TX 79702"),
            "royalty",
            Decimal("0.1875"),
        ),
        (
            NewOwner("Pecos Minerals LLC", "75-7654321", "500 W Texas Ave, Midland TX 79701"),
            "overriding_royalty",
            Decimal("0.03125"),
        ),
        (NewOwner("Heirs of J. R. Cole"), "royalty", Decimal("0.0125")),
        (
            NewOwner("Acme Oil & Gas (operator)", "76-0000001", "1 Main St, Houston TX 77002"),
            "working",
            Decimal("0.76875"),
        ),
    ]
    lines = []
    for owner, kind, share in people:
        created = reports.add_owner(tenant, actor, owner)
        for product in ("oil", "gas"):
            lines.append(NewInterest(str(created["id"]), kind, product, share, date(2015, 1, 1)))
    reports.put_interests(tenant, actor, lease_id, lines)


def _emissions(
    platform: Platform, tenant: Tenant, actor: Actor, period: Period, month: dict[str, object]
) -> None:
    facilities = platform.catalog.list(FACILITIES, tenant, actor, {}, 1, 0).items
    if not facilities:
        return
    facility_id = facilities[0].id
    products = month["products"]
    assert isinstance(products, dict)
    flared_scf = float(Decimal(products["gas"]["produced"]) * Decimal("0.01") * 1000)
    service = platform.compliance.emissions
    service.add_entry(
        tenant,
        actor,
        NewEmissionEntry(
            facility_id=facility_id,
            period=str(period),
            source_kind="flare",
            gas_scf=flared_scf,
            composition={"CH4": 0.80, "C2H6": 0.10, "C3H8": 0.05, "CO2": 0.02},
            efficiency=0.98,
            note="tank battery flare",
        ),
    )
    service.add_entry(
        tenant,
        actor,
        NewEmissionEntry(
            facility_id=facility_id,
            period=str(period),
            source_kind="combustion",
            gas_scf=250_000.0,
            note="heater treater",
        ),
    )
