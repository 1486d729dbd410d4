"""ETL from operators' own databases and spreadsheet imports.

- `fields`: what WellOS accepts per entity (wells, production, equipment).
- `config`: the per-tenant ETL configuration (pydantic, stored in the master registry).
- `transforms`, `coerce`, `mapping`: a source row (or a spreadsheet row) to a WellOS row, or a
  rejection naming the field and the reason.
- `checks`: the configuration against the field catalog and the source's reflected schema.
- `ports`: the source database (read-only), the tenant-side store, job messages.
- `source_policy`, `source_drivers`: whether WellOS may connect to an operator's database URL
  (drivers, TLS options, addresses, never WellOS's own databases), at save and at connect.
- `runner`: one tenant's run: chunks, quarantine, watermarks, deletions.
- `spreadsheet`, `suggest`: CSV/XLSX rows, streamed, and a mapping guessed from the headers.
"""
