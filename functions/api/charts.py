"""PNG charts drawn with matplotlib and numpy (imported on first use: they are slow to import)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.core.decline.services.forecast import WellForecast

UNITS = {"oil": "bbl/d", "gas": "Mcf/d"}


def forecast_png(result: WellForecast, title: str) -> bytes:
    """History (points) and forecast (line) on a semi-log rate axis."""
    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(9, 5), dpi=100)
    try:
        history = [
            (d, r) for d, r in zip(result.history_dates, result.history_rates, strict=True) if r
        ]
        if history:
            dates, rates = zip(*history, strict=True)
            axes.scatter(np.asarray(dates), rates, s=4, alpha=0.5, label="history")
        axes.plot(
            np.asarray(result.forecast_dates),
            result.forecast_rates,
            color="tab:red",
            label="forecast",
        )
        axes.set_yscale("log")
        axes.set_ylabel(f"{result.product} rate ({UNITS.get(result.product, '')})")
        axes.set_title(title)
        axes.grid(True, which="both", alpha=0.3)
        axes.legend()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()
    finally:
        plt.close(figure)
