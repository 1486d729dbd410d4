"""Wells services: wells, catalog, production, photos, a well's field activity."""
