"""SQL side of SCADA: tables, config repositories, gateway registry, readings COPY and queries."""
