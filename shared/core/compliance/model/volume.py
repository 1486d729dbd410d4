"""Crude-oil volume correction: API MPMS Chapter 11.1-2004 (ASTM D1250-04, IP 200/04).

Temperature (CTL) and pressure (CPL) correction factors for crude oil, the
hydrometer correction (observed API gravity at the sample temperature to API
gravity at 60 °F) and the run-ticket volumes GSV and NSV.

The procedure of the standard's section 11.1.6.1 for customary units:

1. range check: density at 60 °F 610.6-1163.5 kg/m³ (API -10 to 100),
   temperature -58 to 302 °F, pressure up to 1500 psig;
2. the observed temperature (ITS-90) shifted to the IPTS-68 scale the
   correlation was fitted on: τ = t°C/630, Δt = (a1 + a2 τ + … + a8 τ⁷) τ;
3. the density at 60 °F shifted likewise (δ60 = 0.01374979547 °F):
   A = δ60/2·(K0/ρ + K1)/ρ + K2), B = (2 K0 + K1 ρ)/(K0 + (K1 + K2 ρ) ρ),
   ρ* = ρ·(1 + (exp(A(1 + 0.8 A)) - 1)/(1 + A(1 + 1.6 A) B));
4. α60 = K0/ρ*² + K1/ρ* + K2 (crude oil: K0 = 341.0957, K1 = K2 = 0);
5. CTL = exp(-α60 Δt (1 + 0.8 α60 (Δt + δ60))), Δt = t* - 60.0068749 °F;
6. Fp = exp(-1.9947 + 0.00013427 t* + (793920 + 2326 t*)/ρ*²), in 1e-5/psi;
7. CPL = 1/(1 - 1e-5 Fp (P - Pe)), Pe = 0 psig for crude oil (vapour pressure
   below atmospheric); a pressure at or below 0 psig gives CPL = 1;
8. CTPL = CTL × CPL.

Rounding: the factors are reported to 5 decimal places (0.00001) and the
volume arithmetic uses the rounded CTPL; volumes are rounded to 0.01 bbl.
Water density at 60 °F is 999.016 kg/m³ (the 2004 edition's value).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shared.core.compliance.errors import ComplianceInputError, OutOfRangeError

STANDARD = "API MPMS 11.1-2004 (crude oil)"
WATER_DENSITY_60F = 999.016  # kg/m³
K0, K1, K2 = 341.0957, 0.0, 0.0  # crude oil (commodity group A)
DELTA_60 = 0.01374979547  # °F, 60 °F on ITS-90 minus 60 °F on IPTS-68
BASE_TEMPERATURE_68 = 60.0068749  # °F, 60 °F ITS-90 expressed on IPTS-68
ITS90_TO_IPTS68 = (
    -0.148759,
    -0.267408,
    1.080760,
    1.269056,
    -4.089591,
    -1.871251,
    7.438081,
    -3.536296,
)
FP_COEFFICIENTS = (-1.9947, 0.00013427, 793920.0, 2326.0)
HYDROMETER = (0.00001278, 0.0000000062)  # glass thermohydrometer expansion, per °F and °F²

DENSITY_RANGE = (610.6, 1163.5)  # kg/m³ at 60 °F
TEMPERATURE_RANGE = (-58.0, 302.0)  # °F
PRESSURE_RANGE = (-14.696, 1500.0)  # psig
FACTOR_PLACES = Decimal("0.00001")
VOLUME_PLACES = Decimal("0.01")
MAX_ITERATIONS = 50


@dataclass(frozen=True)
class CorrectionFactors:
    """Unrounded intermediate values and factors of one correction."""

    density_60: float  # kg/m³, as given (ITS-90)
    density_68: float  # kg/m³, shifted to IPTS-68
    temperature_68: float  # °F, shifted to IPTS-68
    alpha_60: float  # 1/°F
    fp: float  # scaled compressibility, 1e-5/psi
    ctl: float
    cpl: float

    @property
    def ctpl(self) -> float:
        return self.ctl * self.cpl

    @property
    def rounded(self) -> tuple[Decimal, Decimal, Decimal]:
        """CTL, CPL and CTPL to 5 decimal places."""
        return _factor(self.ctl), _factor(self.cpl), _factor(self.ctpl)


@dataclass(frozen=True)
class StandardVolumes:
    """Gross observed volume corrected to 60 °F and 0 psig, and net of S&W (bbl)."""

    api_gravity_60: float
    ctl: Decimal
    cpl: Decimal
    ctpl: Decimal
    gross_observed: Decimal
    gross_standard: Decimal
    bsw_percent: Decimal
    sediment_and_water: Decimal
    net_standard: Decimal


def api_to_density(api_gravity: float) -> float:
    """Density at 60 °F (kg/m³) of an API gravity."""
    return 141.5 * WATER_DENSITY_60F / (131.5 + api_gravity)


def density_to_api(density: float) -> float:
    """API gravity of a density at 60 °F (kg/m³)."""
    return 141.5 * WATER_DENSITY_60F / density - 131.5


def correction_factors(
    api_gravity_60: float, temperature_f: float, pressure_psig: float = 0.0
) -> CorrectionFactors:
    """CTL and CPL of crude oil of ``api_gravity_60`` at ``temperature_f`` and ``pressure_psig``."""
    _finite("api_gravity", api_gravity_60)
    density = api_to_density(api_gravity_60) if api_gravity_60 > -131.5 else math.inf
    _check_density("api_gravity", density, api_gravity_60)
    return _factors(density, temperature_f, pressure_psig)


def api_gravity_at_60(
    observed_api_gravity: float,
    observed_temperature_f: float,
    pressure_psig: float = 0.0,
    *,
    glass_hydrometer: bool = True,
) -> float:
    """API gravity at 60 °F of a hydrometer reading taken at ``observed_temperature_f``.

    The reading is converted to an observed density, corrected for the thermal
    expansion of the glass hydrometer (1 - 1.278e-5 Δt - 6.2e-9 Δt², Δt = t - 60 °F)
    and divided by CTPL(ρ60) until ρ60 no longer changes (section 11.1.3.5's iteration).
    """
    _finite("observed_api_gravity", observed_api_gravity)
    _check_temperature("observed_temperature", observed_temperature_f)
    if observed_api_gravity <= -131.5:
        raise ComplianceInputError(
            "observed_api_gravity", f"{observed_api_gravity} is not an API gravity"
        )
    observed = api_to_density(observed_api_gravity)
    if glass_hydrometer:
        delta = observed_temperature_f - 60.0
        observed *= 1.0 - HYDROMETER[0] * delta - HYDROMETER[1] * delta * delta
    density = observed
    for _ in range(MAX_ITERATIONS):
        clamped = min(max(density, DENSITY_RANGE[0]), DENSITY_RANGE[1])
        factors = _factors(clamped, observed_temperature_f, pressure_psig)
        following = observed / factors.ctpl
        if abs(following - density) < 1e-9:
            _check_density("observed_api_gravity", following, density_to_api(following))
            return density_to_api(following)
        density = following
    raise ComplianceInputError(
        "observed_api_gravity",
        f"the correction to 60 °F did not converge for {observed_api_gravity}",
    )


def standard_volumes(
    gross_observed_bbl: Decimal,
    api_gravity_60: float,
    temperature_f: float,
    bsw_percent: Decimal = Decimal(0),
    pressure_psig: float = 0.0,
) -> StandardVolumes:
    """GSV = GOV × CTPL and NSV = GSV × (1 - BS&W/100), rounded to 0.01 bbl."""
    if not gross_observed_bbl.is_finite() or gross_observed_bbl < 0:
        raise ComplianceInputError(
            "gov", f"must be a volume of 0 bbl or more, got {gross_observed_bbl}"
        )
    if not bsw_percent.is_finite() or not Decimal(0) <= bsw_percent < Decimal(100):
        raise ComplianceInputError(
            "bsw", f"must be a percentage from 0 to below 100, got {bsw_percent}"
        )
    ctl, cpl, ctpl = correction_factors(api_gravity_60, temperature_f, pressure_psig).rounded
    gross_standard = (gross_observed_bbl * ctpl).quantize(VOLUME_PLACES, ROUND_HALF_UP)
    sediment_and_water = (gross_standard * bsw_percent / 100).quantize(VOLUME_PLACES, ROUND_HALF_UP)
    return StandardVolumes(
        api_gravity_60=api_gravity_60,
        ctl=ctl,
        cpl=cpl,
        ctpl=ctpl,
        gross_observed=gross_observed_bbl,
        gross_standard=gross_standard,
        bsw_percent=bsw_percent,
        sediment_and_water=sediment_and_water,
        net_standard=gross_standard - sediment_and_water,
    )


def _factors(density: float, temperature_f: float, pressure_psig: float) -> CorrectionFactors:
    _check_temperature("temperature", temperature_f)
    _finite("pressure", pressure_psig)
    if not PRESSURE_RANGE[0] <= pressure_psig <= PRESSURE_RANGE[1]:
        raise OutOfRangeError("pressure", pressure_psig, *PRESSURE_RANGE, STANDARD)
    temperature_68 = _to_ipts68(temperature_f)
    density_68 = _shift_density(density)
    alpha = K0 / density_68**2 + K1 / density_68 + K2
    delta_t = temperature_68 - BASE_TEMPERATURE_68
    ctl = math.exp(-alpha * delta_t * (1.0 + 0.8 * alpha * (delta_t + DELTA_60)))
    a, b, c, d = FP_COEFFICIENTS
    fp = math.exp(a + b * temperature_68 + (c + d * temperature_68) / density_68**2)
    cpl = 1.0 / (1.0 - 1e-5 * fp * pressure_psig) if pressure_psig > 0 else 1.0
    return CorrectionFactors(density, density_68, temperature_68, alpha, fp, ctl, cpl)


def _to_ipts68(temperature_f: float) -> float:
    celsius = (temperature_f - 32.0) / 1.8
    tau = celsius / 630.0
    shift = 0.0
    for coefficient in reversed(ITS90_TO_IPTS68):
        shift = shift * tau + coefficient
    return 1.8 * (celsius - shift * tau) + 32.0


def _shift_density(density: float) -> float:
    a = DELTA_60 / 2.0 * ((K0 / density + K1) / density + K2)
    b = (2.0 * K0 + K1 * density) / (K0 + (K1 + K2 * density) * density)
    return density * (1.0 + (math.exp(a * (1.0 + 0.8 * a)) - 1.0) / (1.0 + a * (1.0 + 1.6 * a) * b))


def _check_density(field: str, density: float, api_gravity: float) -> None:
    if not DENSITY_RANGE[0] <= density <= DENSITY_RANGE[1]:
        low, high = density_to_api(DENSITY_RANGE[1]), density_to_api(DENSITY_RANGE[0])
        raise OutOfRangeError(field, round(api_gravity, 4), round(low, 1), round(high, 1), STANDARD)


def _check_temperature(field: str, temperature_f: float) -> None:
    _finite(field, temperature_f)
    if not TEMPERATURE_RANGE[0] <= temperature_f <= TEMPERATURE_RANGE[1]:
        raise OutOfRangeError(field, temperature_f, *TEMPERATURE_RANGE, STANDARD)


def _finite(field: str, value: float) -> None:
    if not math.isfinite(value):
        raise ComplianceInputError(field, f"must be a finite number, got {value}")


def _factor(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(FACTOR_PLACES, ROUND_HALF_UP)
