"""Metrics adapters (shared/core/ports/metrics.py): local, Powertools EMF, OpenTelemetry."""
