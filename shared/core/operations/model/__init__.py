"""Pure model and rules of operations (no I/O, no clock)."""
