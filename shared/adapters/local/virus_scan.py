"""The no-op VirusScanner: scans nothing and says so (local use, tenants without a scanner).

Documents it passes are marked "not scanned", never "clean", so the office app can
tell users; a real adapter (ClamAV, Defender for Storage, GuardDuty Malware
Protection for S3) replaces it in bootstrap.
"""

from __future__ import annotations

from shared.core.operations.ports import ScanResult, ScanVerdict


class NoOpVirusScanner:
    engine = "none"

    def scan(self, blob_key: str, data: bytes) -> ScanResult:
        return ScanResult(ScanVerdict.NOT_SCANNED, self.engine)
