"""SCADA: gateways, OPC-UA connections, tag mappings, the ingest contract, the drain, readings."""
