"""The reading-batch contract, reading columns, gateway configs and SCADA rules (pure)."""
