"""What every feature uses: the error tree, pages, the clock, roles and access checks,
limits, the change feed and the tenant unit of work."""
