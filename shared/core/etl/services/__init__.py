"""ETL services: configuration, checks, tools, runs, spreadsheet imports."""
