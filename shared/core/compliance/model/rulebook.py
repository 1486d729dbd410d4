"""Schemas and loaders of the packaged rule data (``shared/core/compliance/model/rules/*.json``).

Rules are data with their source and effective dates, never constants in code
(DESIGN decision 14). Each file is validated with pydantic when first used and
cached; a file failing its schema raises :class:`RuleDataError`. Every source
says whether its figure was confirmed in the cited text (``confirmed``), in a
secondary summary (``secondary``) or is recalled and needs confirming
(``recalled``).
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shared.core.compliance.errors import RuleDataError

RULES_PACKAGE = "shared.core.compliance.model.rules"
Rate = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Fraction = Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]


class Product(StrEnum):
    OIL = "oil"
    GAS = "gas"
    CONDENSATE = "condensate"


class Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(Rule):
    title: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://\S+$")
    citation: str | None = None
    status: Literal["confirmed", "secondary", "recalled"]
    note: str | None = None


class Dated(Rule):
    effective_from: date
    effective_to: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Dated:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


class Adjustment(Rule):
    """A reduced (or conditional) rate replacing a rule's rate when all its conditions hold."""

    rate: Rate
    condition: str = Field(min_length=1)
    source: Source
    flag: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    products: tuple[Product, ...] | None = None
    reference: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    above: Rate | None = None
    below: Rate | None = None
    at_most: Rate | None = None
    first_production_within_months: int | None = Field(default=None, gt=0, le=600)

    @model_validator(mode="after")
    def _bounds_need_reference(self) -> Adjustment:
        bounds = (self.above, self.below, self.at_most)
        if (self.reference is None) != all(bound is None for bound in bounds):
            raise ValueError("a reference price and its bounds go together")
        return self


class SeveranceRule(Dated):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    state: str = Field(pattern=r"^[A-Z]{2}$")
    products: tuple[Product, ...] = Field(min_length=1)
    kind: Literal["tax", "fee"]
    label: str
    basis: Literal["value", "volume"]
    unit: Literal["bbl", "Mcf"] | None = None
    rate: Rate
    deadline: str
    source: Source
    adjustments: tuple[Adjustment, ...] = ()

    @model_validator(mode="after")
    def _basis(self) -> SeveranceRule:
        if (self.basis == "volume") != (self.unit is not None):
            raise ValueError("a volume-based rule needs a unit, a value-based one none")
        if self.basis == "value" and (self.rate > 1 or any(a.rate > 1 for a in self.adjustments)):
            raise ValueError("a value-based rate is a fraction of 1")
        return self


class SeveranceBook(Rule):
    title: str
    rules: tuple[SeveranceRule, ...]
    not_encoded: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> SeveranceBook:
        ids = [rule.id for rule in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError("rule ids repeat")
        return self


class DeadlineRule(Dated):
    variant: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    default: bool = False
    months_after: int = Field(ge=0, le=24)
    day: Literal["last"] | Annotated[int, Field(ge=1, le=31)]
    source: Source


class Obligation(Rule):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    state: str = Field(pattern=r"^[A-Z]{2}$")
    agency: str
    label: str
    frequency: Literal["monthly", "yearly"]
    rules: tuple[DeadlineRule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _has_default(self) -> Obligation:
        if not any(rule.default for rule in self.rules):
            raise ValueError(f"obligation {self.id} has no default rule")
        return self


class DeadlineBook(Rule):
    title: str
    obligations: tuple[Obligation, ...]
    weekend_and_holiday_rule: str

    @model_validator(mode="after")
    def _unique(self) -> DeadlineBook:
        ids = [obligation.id for obligation in self.obligations]
        if len(ids) != len(set(ids)):
            raise ValueError("obligation ids repeat")
        return self


class YearRanged(Rule):
    id: str
    first_year: int = Field(ge=2010, le=2200)
    last_year: int | None = Field(default=None, ge=2010, le=2200)
    source: Source

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


class CombustionFactors(Rule):
    hhv_mmbtu_per_scf: Positive
    co2_kg_per_mmbtu: Positive
    ch4_kg_per_mmbtu: Positive
    n2o_kg_per_mmbtu: Positive
    source: Source


class Densities(Rule):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    co2: Positive = Field(alias="CO2")
    n2o: Positive = Field(alias="N2O")
    ch4: Positive = Field(alias="CH4")
    source: Source


class SourcedValue(Rule):
    value: Positive
    source: Source


class Efficiency(Rule):
    destruction: Fraction
    combustion: Fraction


class FlareEfficiencies(YearRanged):
    tiers: dict[str, Efficiency] = Field(min_length=1)
    default_tier: str = "default"

    @model_validator(mode="after")
    def _default_known(self) -> FlareEfficiencies:
        if self.default_tier not in self.tiers:
            raise ValueError(f"default tier {self.default_tier} is not among the tiers")
        return self


class Component(Rule):
    carbon_atoms: int = Field(ge=1, le=10)
    hhv_btu_per_scf: Positive


class Hydrocarbons(Rule):
    components: dict[str, Component]
    aliases: dict[str, str]
    non_combustible: tuple[str, ...]
    source: Source


DEVICE_KINDS = frozenset({"low_bleed", "high_bleed", "intermittent_bleed"})
TANK_LIQUIDS = frozenset({"crude_oil", "condensate"})
WATER_BANDS = frozenset({"up_to_50_psi", "up_to_250_psi", "above_250_psi"})


def _keys(name: str, keys: object, allowed: frozenset[str]) -> None:
    if not isinstance(keys, dict) or set(keys) != allowed:
        raise ValueError(f"{name} must have exactly the keys {sorted(allowed)}")


class PneumaticFactors(YearRanged):
    scf_per_hour_per_device: dict[str, Positive]

    @model_validator(mode="after")
    def _kinds(self) -> PneumaticFactors:
        _keys("scf_per_hour_per_device", self.scf_per_hour_per_device, DEVICE_KINDS)
        return self


class TankFactors(YearRanged):
    mscf_per_year_per_unit: dict[str, dict[str, Positive]]
    produced_water_t_ch4_per_kbbl: dict[str, Positive] | None

    @model_validator(mode="after")
    def _kinds(self) -> TankFactors:
        _keys("mscf_per_year_per_unit", self.mscf_per_year_per_unit, TANK_LIQUIDS)
        for rates in self.mscf_per_year_per_unit.values():
            _keys("mscf_per_year_per_unit rates", rates, frozenset({"CH4", "CO2"}))
        if self.produced_water_t_ch4_per_kbbl is not None:
            _keys("produced_water_t_ch4_per_kbbl", self.produced_water_t_ch4_per_kbbl, WATER_BANDS)
        return self


class EmissionBook(Rule):
    title: str
    combustion: dict[Literal["natural_gas"], CombustionFactors]
    densities_kg_per_scf: Densities
    flare_n2o_kg_per_mmbtu: SourcedValue
    flare_efficiencies: tuple[FlareEfficiencies, ...] = Field(min_length=1)
    hydrocarbons: Hydrocarbons
    pneumatic_devices: tuple[PneumaticFactors, ...] = Field(min_length=1)
    storage_tanks: tuple[TankFactors, ...] = Field(min_length=1)


class GwpSet(Rule):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    co2: Positive = Field(alias="CO2")
    ch4: Positive = Field(alias="CH4")
    n2o: Positive = Field(alias="N2O")
    source: Source


class TableA1Entry(Rule):
    first_year: int
    last_year: int | None = None
    set: str

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


class GwpBook(Rule):
    title: str
    sets: dict[str, GwpSet] = Field(min_length=1)
    table_a1: tuple[TableA1Entry, ...]
    table_a1_source: Source

    @model_validator(mode="after")
    def _known_sets(self) -> GwpBook:
        unknown = {entry.set for entry in self.table_a1} - set(self.sets)
        if unknown:
            raise ValueError(f"Table A-1 names unknown sets {sorted(unknown)}")
        return self


Book = TypeVar("Book", bound=Rule)


def parse_rules(name: str, text: str, schema: type[Book]) -> Book:
    """Validate one rule file's text against its schema."""
    try:
        return schema.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(file)"
        raise RuleDataError(name, f"{where}: {first['msg']}") from None


def _load(name: str, schema: type[Book]) -> Book:
    text = resources.files(RULES_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    return parse_rules(name, text, schema)


@functools.cache
def severance_book() -> SeveranceBook:
    book = _load("severance.json", SeveranceBook)
    known = {obligation.id for obligation in deadline_book().obligations}
    missing = sorted({rule.deadline for rule in book.rules} - known)
    if missing:
        raise RuleDataError(
            "severance.json", f"deadlines {', '.join(missing)} are not in deadlines.json"
        )
    return book


@functools.cache
def deadline_book() -> DeadlineBook:
    return _load("deadlines.json", DeadlineBook)


@functools.cache
def emission_book() -> EmissionBook:
    return _load("emissions.json", EmissionBook)


@functools.cache
def gwp_book() -> GwpBook:
    return _load("gwp.json", GwpBook)
