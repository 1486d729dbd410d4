"""Month-end calculations: pure rules and the effective-dated rule data they read."""
