"""ETL from operators' own databases and spreadsheet imports.

- `model/fields`: what WellOS accepts per entity (wells, production, equipment).
- `model/config`: the per-tenant ETL configuration (pydantic, stored in the master registry).
- `model/transforms`, `coerce`, `mapping`: a source row (or a spreadsheet row) to a WellOS
  row, or a rejection naming the field and the reason.
- `model/source_policy`, `source_drivers`: whether WellOS may connect to an operator's
  database URL (drivers, TLS options, addresses, never WellOS's own databases), at save
  and at connect.
- `model/spreadsheets/`, `model/suggest`: CSV/XLSX rows, streamed, and a mapping guessed
  from the headers.
- `ports/`: the source database (read-only), the tenant-side stores, imports, and the
  master registry's ETL configuration.
- `services/checks`: the configuration against the field catalog and the source's
  reflected schema; `services/runner`: one tenant's run (chunks, quarantine, watermarks,
  deletions); `services/etl`, `services/imports`: the application services.
"""
