"""SQL adapters of operations: alarm rules and state, work orders."""
