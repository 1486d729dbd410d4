"""Run-ticket volumes, the Form PR status flow and its fixed-width file, and report exports."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from functions.api.exports import csv_bytes
from shared.core.common.errors import IllegalTransitionError
from shared.core.compliance.errors import ComplianceInputError
from shared.core.compliance.model.form_pr import (
    form_pr_layout,
    form_rows,
    next_status,
    render_fixed_width,
    whole,
)
from shared.core.compliance.model.run_ticket import TicketReading, strapping_table, ticket_volumes
from shared.core.compliance.model.strapping import Gauge

TABLE = strapping_table(
    [{"height_inches": "0", "volume_bbl": "0"}, {"height_inches": "240", "volume_bbl": "480"}]
)


def reading(**values: object) -> TicketReading:
    base: dict[str, object] = {
        "opening": Gauge(15),
        "closing": Gauge(2, 6),
        "observed_gravity": Decimal("40.0"),
        "observed_temperature_f": Decimal("60.0"),
        "bsw_percent": Decimal(0),
    }
    base.update(values)
    return TicketReading(**base)  # type: ignore[arg-type]


def test_a_haul_at_60_f_without_water_is_its_strapped_volume() -> None:
    # 180 in × 2 bbl/in - 30 in × 2 bbl/in = 300 bbl; CTL(60 °F) = 1.00000 (MPMS 11.1 base)
    result = ticket_volumes(TABLE, reading())
    assert result.api_gravity_60 == Decimal("40.0")
    assert result.volumes.ctpl == Decimal("1.00000")
    assert (result.volumes.gross_observed, result.volumes.net_standard) == (
        Decimal("300.00"),
        Decimal("300.00"),
    )


def test_a_warm_haul_shrinks_and_bsw_comes_off_the_gross_standard_volume() -> None:
    result = ticket_volumes(
        TABLE,
        reading(observed_temperature_f=Decimal("90.0"), bsw_percent=Decimal("1.0")),
    )
    volumes = result.volumes
    # hand check: GSV = 300 × CTPL rounded to 0.01; S&W = 1 % of GSV; NSV = GSV - S&W
    assert volumes.gross_standard == (Decimal(300) * volumes.ctpl).quantize(Decimal("0.01"))
    assert volumes.ctpl < 1
    assert volumes.sediment_and_water == (volumes.gross_standard / 100).quantize(Decimal("0.01"))
    assert volumes.net_standard == volumes.gross_standard - volumes.sediment_and_water
    # a hydrometer read warm reads light: gravity at 60 °F is below the observed 40.0
    assert result.api_gravity_60 < Decimal("40.0")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"opening": Gauge(2, 6), "closing": Gauge(15)}, "closing_gauge"),
        ({"observed_temperature_f": Decimal("350")}, "observed_temperature_f"),
        ({"observed_gravity": Decimal("120")}, "observed_gravity"),
        ({"bsw_percent": Decimal("100")}, "bsw_percent"),
        ({"opening": Gauge(30)}, "opening_gauge"),
    ],
)
def test_bad_tickets_name_the_ticket_field(values: dict[str, object], field: str) -> None:
    with pytest.raises(ComplianceInputError) as caught:
        ticket_volumes(TABLE, reading(**values))
    assert caught.value.field == field


def test_filing_status_moves_only_along_the_flow() -> None:
    assert next_status("draft", "validate") == "validated"
    assert next_status("validated", "file") == "filed"
    assert next_status("filed", "amend") == "amended"
    assert next_status("amended", "validate") == "validated"
    for status, action in (("draft", "file"), ("filed", "validate"), ("draft", "amend")):
        with pytest.raises(IllegalTransitionError):
            next_status(status, action)


def test_form_rows_group_dispositions_by_rrc_code_and_the_file_is_fixed_width() -> None:
    lease = {
        "lease_id": "L1",
        "lease_name": "Smith A",
        "profile": {
            "district": "08",
            "state_lease_number": "4321",
            "gas_id": "",
            "field_number": "85279200",
        },
        "products": {
            "oil": {
                "opening_inventory": "120.00",
                "produced": "310.50",
                "closing_inventory": "130.50",
                "producing_days": 31,
                "dispositions": [
                    {"kind": "sold", "volume": "150.00", "purchaser": "Plains"},
                    {"kind": "sold", "volume": "150.00", "purchaser": "Sunoco"},
                ],
            },
            "gas": {
                "opening_inventory": "0",
                "produced": "1240.00",
                "closing_inventory": "0",
                "producing_days": 31,
                "dispositions": [
                    {"kind": "flared", "volume": "40.00", "purchaser": None},
                    {"kind": "sold", "volume": "1200.00", "purchaser": "ET"},
                ],
            },
        },
    }
    rows = form_rows([lease])
    oil, gas = rows
    assert [(d["code"], d["volume"], d["purchasers"]) for d in oil["dispositions"]] == [
        ("1", "300.00", ["Plains", "Sunoco"])
    ]
    # gas flared is RRC disposition code 10 since September 2021 (verified in the layout data)
    assert [(d["code"], d["code_status"]) for d in gas["dispositions"]] == [
        ("2", "assumed"),
        ("10", "verified"),
    ]

    text = render_fixed_width("123", "2026-10", False, rows)
    lines = text.split("\r\n")[:-1]
    widths = {
        name: sum(f.width for f in fields) for name, fields in form_pr_layout().records.items()
    }
    assert lines[0] == "H00012320261000001N"
    assert len(lines[1]) == widths["lease"] and len(lines[2]) == widths["disposition"]
    assert lines[1] == "L0800432100000085279200O00000012000000031100000013131"
    assert lines[2].startswith("D08004321O01000000300Plains, Sunoco")
    assert whole("0.50") == 1 and whole("310.49") == 310


def test_csv_export_keeps_exact_values_and_defuses_formulas() -> None:
    rows = [{"owner": '=HYPERLINK("x")', "amount": "-12.30"}, {"owner": "Ann", "extra": "1"}]
    parsed = list(csv.DictReader(io.StringIO(csv_bytes(rows).decode())))
    assert parsed[0] == {"owner": '\'=HYPERLINK("x")', "amount": "-12.30", "extra": ""}
    assert parsed[1]["extra"] == "1"
