"""Decline services: a well's forecast from its own production."""
