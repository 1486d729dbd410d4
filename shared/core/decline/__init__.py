"""Decline-curve analysis: Arps models and fitting (model), a well's forecast (services)."""
