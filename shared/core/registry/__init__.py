"""Registry: tenants, users, log-in and tokens, tenant routing; the master database's ports."""
