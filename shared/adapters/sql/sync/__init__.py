"""SQL side of field sync: event log, field records, conflicts, change log, jobs."""
