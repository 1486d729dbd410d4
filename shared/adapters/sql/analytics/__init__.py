"""SQL side of analytics: tables and the analytics store."""
