/**
 * The WellOS fields an ETL mapping or a spreadsheet import may fill, per entity.
 * Mirrors shared/core/etl/model/fields.py (tests/web/test_api_types.py checks they agree).
 */
export const TARGET_FIELDS = {
  wells: [
    "api_number", "name", "well_number", "well_type", "status", "spud_date", "completion_date",
    "first_production_date", "plugged_date", "surface_latitude", "surface_longitude", "total_depth_ft",
    "true_vertical_depth_ft", "ground_elevation_ft", "is_horizontal",
  ],
  production: [
    "well_api_number", "production_date", "oil_bbl", "gas_mcf", "water_bbl", "condensate_bbl", "hours_on", "choke_64ths",
    "tubing_pressure_psi", "casing_pressure_psi", "line_pressure_psi", "temperature_f", "bsw_pct",
    "gor_scf_bbl", "is_estimated", "notes",
  ],
  equipment: [
    "tag", "name", "equipment_type", "manufacturer", "model", "serial_number", "well_api_number",
    "installation_date", "status",
  ],
} as const;

export type EntityName = keyof typeof TARGET_FIELDS;
export const ENTITIES = Object.keys(TARGET_FIELDS) as EntityName[];
