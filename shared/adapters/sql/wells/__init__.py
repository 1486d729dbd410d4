"""SQL side of wells: tenant repositories of wells, catalog, production, audit; activity reads."""
