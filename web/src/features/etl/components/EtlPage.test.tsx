import { describe, expect, it } from "vitest";

import { bodyOf, formOf } from "./EtlPage";

const config = {
  source_kind: "mysql", interval_minutes: 15, enabled: true, connection_secret_ref: "etl-acme",
  entities: {
    production: {
      source_schema: null, source_table: "prod data [2024]", key_columns: ["RecordID"], cursor_column: "ModifiedAt",
      column_mapping: { oil_bbl: "Öl Menge", well_api_number: "API" }, transforms: {}, look_back_minutes: 0,
      detect_deletions: false, chunk_rows: 20000,
    },
  },
} as never;

describe("the ETL settings form", () => {
  it("round-trips a stored configuration without sending a URL it does not know", () => {
    const { body, errors } = bodyOf(formOf(config));
    expect(errors).toEqual({});
    expect(body).not.toHaveProperty("connection_url");
    expect(body?.entities.production).toMatchObject({
      source_table: "prod data [2024]", key_columns: ["RecordID"], column_mapping: { oil_bbl: "Öl Menge", well_api_number: "API" },
    });
  });

  it("names the transforms box when it is not JSON, and sends nothing", () => {
    const form = formOf(config);
    const broken = { ...form, entities: { production: { ...form.entities.production!, transforms: "{status: MAP" } } };
    expect(bodyOf(broken)).toEqual({ body: null, errors: { "entities.production.transforms": "not valid JSON" } });
  });
});
