import { describe, expect, it } from "vitest";

import { auditQuery } from "./audit";

describe("the audit filters as the API's query", () => {
  it("includes the whole last day: `to` is the next UTC midnight", () => {
    expect(auditQuery({ from: "2026-02-27", to: "2026-02-28" })).toEqual({
      from: "2026-02-27T00:00:00Z",
      to: "2026-03-01T00:00:00.000Z",
    });
  });

  it("leaves out empty filters and passes the rest as typed", () => {
    expect(auditQuery({ actor: "pat@example.com", action: "", entity_type: "well" })).toEqual({ actor: "pat@example.com", entity_type: "well" });
  });
});
