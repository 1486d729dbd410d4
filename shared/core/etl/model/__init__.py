"""ETL and import values and rules: configuration, fields, transforms, mapping, sheets (pure)."""
