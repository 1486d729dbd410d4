"""The queue the nightly scoring fans out to: a host names it when it registers its trigger."""

from __future__ import annotations

SCORING_QUEUE = "scoring"
