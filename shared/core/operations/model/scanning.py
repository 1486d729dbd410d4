"""What a virus scan of an uploaded document says."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ScanVerdict(StrEnum):
    CLEAN = "clean"
    INFECTED = "infected"
    NOT_SCANNED = "not_scanned"
    """No scanner looked at the bytes (the no-op adapter, or scanning is off)."""


@dataclass(frozen=True)
class ScanResult:
    verdict: ScanVerdict
    engine: str
    """Which scanner answered, e.g. "none", "clamav 1.3", "defender-for-storage"."""
    signature: str | None = None
    """The threat's name when infected."""
