"""Ports of ETL: source databases, the tenant-side stores, imports, the master's ETL registry."""
