"""The production streams a decline forecast is made for."""

from __future__ import annotations

from typing import Literal

Product = Literal["oil", "gas"]
