"""Rules of wells, API numbers, production days and photos (pure)."""
