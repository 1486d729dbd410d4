"""Wells: the catalog, the well lifecycle, API numbers, daily production, photos, activity."""
