"""Sync services: apply a batch, pull changes, review conflicts, big-batch jobs."""
