"""Compliance persistence: tanks, gauges, run tickets, dispositions, filings, owners."""
