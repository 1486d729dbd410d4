"""Ports of operations. Repositories and the unit of work come with the persistence step;
for now only the virus scanner, which documents need before a file is served."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


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


class VirusScanner(Protocol):
    """Scans an uploaded document's bytes before anyone can download it."""

    def scan(self, blob_key: str, data: bytes) -> ScanResult:
        """The verdict on `data`, stored at `blob_key`; raises InfrastructureError if the
        scanner cannot answer (the document then waits and is scanned again)."""
        ...
