"""SQL side of the registry: master tables and repositories."""
