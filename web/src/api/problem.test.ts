import { describe, expect, it } from "vitest";

import { ApiProblem, splitFieldErrors } from "./problem";

describe("problem details", () => {
  it("puts each error by its field and the rest in one message", () => {
    const problem = new ApiProblem(422, {
      code: "invalid_input",
      detail: "api_number: bad; body: extra",
      errors: [
        { field: "api_number", reason: "must have 10, 12 or 14 digits" },
        { field: "unknown_thing", reason: "extra fields are not permitted" },
      ],
    });
    const { byField, other } = splitFieldErrors(problem, ["api_number", "name"]);
    expect(byField).toEqual({ api_number: "must have 10, 12 or 14 digits" });
    expect(other).toBe("unknown_thing: extra fields are not permitted");
  });

  it("uses the problem's own field, and its detail when no field is named", () => {
    const named = new ApiProblem(422, { detail: "'Oil Volume' does not exist", field: "entities.production.column_mapping.oil_bbl" });
    expect(named.fieldErrors()).toEqual({ "entities.production.column_mapping.oil_bbl": "'Oil Volume' does not exist" });
    const plain = new ApiProblem(409, { detail: "illegal transition", request_id: "r-7" });
    expect(splitFieldErrors(plain, ["status"])).toEqual({ byField: {}, other: "illegal transition (request r-7)" });
  });
});
