"""SQL side of ETL: tables, source connections, stores, loads, imports."""
