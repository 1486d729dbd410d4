"""Offline field sync: field events, their conflict rules, batches, review, big-batch jobs."""
