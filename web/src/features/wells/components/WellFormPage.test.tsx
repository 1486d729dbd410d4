import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, json, problem, storeSession } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import WellFormPage, { bodyOf, formOf } from "./WellFormPage";

const page = { items: [], total: 0, limit: 500, offset: 0, next_offset: null };

describe("the well form", () => {
  it("shows the API's problem next to the field it names and keeps what was typed", async () => {
    storeSession();
    const server = fakeServer({
      "GET /api/v1/leases": () => json(page),
      "GET /api/v1/fields": () => json(page),
      "POST /api/v1/wells": () =>
        problem(422, "invalid_input", "api_number: must have 10, 12 or 14 digits", {
          field: "api_number",
          errors: [{ field: "api_number", reason: "must have 10, 12 or 14 digits" }],
        }),
    });
    renderPage(<WellFormPage />, { path: "/wells/new" });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Name"), "Smith 1H");
    await user.type(screen.getByLabelText("API number"), "12345");
    await user.click(screen.getByRole("button", { name: "Create well" }));

    const api = screen.getByLabelText("API number");
    await waitFor(() => expect(api).toHaveAttribute("aria-invalid", "true"));
    expect(api).toHaveAccessibleDescription(/must have 10, 12 or 14 digits/);
    expect(screen.getByLabelText("Name")).toHaveValue("Smith 1H");
    expect(screen.getByLabelText("API number")).toHaveValue("12345");
    expect(screen.getByRole("alert")).toHaveTextContent("Your changes are kept");
    expect(server.calls.find((c) => c.method === "POST")?.body).toMatchObject({ name: "Smith 1H", api_number: "12345", well_type: "OIL" });
  });

  it("sends only what changed on edit, blanks as null", () => {
    const well = { ...formOf(undefined), name: "A", api_number: "42329415320000", total_depth_ft: "9000" };
    const original = { id: "w1", name: "A", api_number: "42329415320000", total_depth_ft: 9000, well_type: "OIL", is_horizontal: false } as never;
    expect(bodyOf({ ...well, well_type: "OIL", total_depth_ft: "" }, original)).toEqual({ total_depth_ft: null });
    expect(bodyOf({ ...well, well_type: "OIL", surface_latitude: "31.5" }, original)).toEqual({ surface_latitude: 31.5 });
  });
});
