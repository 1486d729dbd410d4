"""Registry services: tenant lifecycle, users, authentication, tenant routing."""
