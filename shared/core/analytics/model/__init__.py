"""Model features, scoring of one well and masked window statistics (numpy only)."""
