"""`wellos tax`, `wellos emissions`, `wellos volume`: the month-end calculations, for checking.

Each command computes one thing from the packaged, effective-dated rules and
prints it (``--json`` for machine-readable output; money and factors as
decimal strings, tonnes to 6 decimal places). Bad input exits with code 2 and
names the option at fault. One module per command group; `common` holds what
they share.
"""

from __future__ import annotations

import typer

from functions.cli.compliance.emissions import emissions_app
from functions.cli.compliance.tax import tax_app
from functions.cli.compliance.volume import volume_app

__all__ = ["emissions_app", "register", "tax_app", "volume_app"]


def register(app: typer.Typer) -> None:
    """Add the `tax`, `emissions` and `volume` groups to the `wellos` command."""
    app.add_typer(tax_app, name="tax")
    app.add_typer(emissions_app, name="emissions")
    app.add_typer(volume_app, name="volume")
