"""Tenants and users as values, with their rules (pure)."""
