"""Ports of operations. Repositories and the unit of work come with the persistence step;
for now only the virus scanner, which documents need before a file is served."""

from __future__ import annotations

from typing import Protocol

from shared.core.operations.model.scanning import ScanResult, ScanVerdict

__all__ = ["ScanResult", "ScanVerdict", "VirusScanner"]


class VirusScanner(Protocol):
    """Scans an uploaded document's bytes before anyone can download it."""

    def scan(self, blob_key: str, data: bytes) -> ScanResult:
        """The verdict on `data`, stored at `blob_key`; raises InfrastructureError if the
        scanner cannot answer (the document then waits and is scanned again)."""
        ...
