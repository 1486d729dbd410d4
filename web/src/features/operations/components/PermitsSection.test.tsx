import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, json, problem } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { PermitsSection } from "./PermitsSection";

const permit = (status: string, number: string | null = null) => ({
  id: "p1", permit_type: "flaring", agency: "RRC", status, number, well_id: "w1", facility_id: null,
  issued_on: number ? "2026-01-15" : null, expires_on: null, renewal_of: null, conditions: [],
});
const page = (items: unknown[]) => ({ items, total: items.length, limit: 25, offset: 0, next_offset: null });

describe("permits", () => {
  it("records an approval (a missing number named at its field) and the list shows it", async () => {
    let current = permit("submitted");
    fakeServer({
      "GET /api/v1/wells": () => json({ items: [{ id: "w1", name: "Bravo 1" }], total: 1, limit: 500, offset: 0, next_offset: null }),
      "GET /api/v1/permits": () => json(page([current])),
      "POST /api/v1/permits/:id/approve": async (request) => {
        const body = (await request.json()) as { number: string; issued_on: string };
        if (!body.number) return problem(422, "invalid_input", "number: must not be empty", { field: "number" });
        current = permit("approved", body.number);
        return json(current);
      },
    });
    renderPage(<PermitsSection canWrite />);
    const ui = userEvent.setup();
    const table = await screen.findByRole("region", { name: "Permits table" });
    expect(await within(table).findByRole("cell", { name: "Bravo 1" })).toBeInTheDocument();
    await ui.click(within(table).getByRole("button", { name: "Record approval of RRC flaring permit" }));
    const form = screen.getByRole("form", { name: "Approval of the flaring permit" });
    await ui.type(within(form).getByLabelText("Issued on"), "2026-01-15");
    await ui.click(within(form).getByRole("button", { name: "Record approval" }));
    await waitFor(() => expect(within(form).getByLabelText("Permit number")).toHaveAccessibleDescription("number: must not be empty"));
    await ui.type(within(form).getByLabelText("Permit number"), "F-77");
    await ui.click(within(form).getByRole("button", { name: "Record approval" }));
    expect(await within(table).findByRole("cell", { name: "F-77" })).toBeInTheDocument();
    expect(screen.queryByRole("form", { name: "Approval of the flaring permit" })).not.toBeInTheDocument();
  });

  it("lets a viewer read only", async () => {
    fakeServer({
      "GET /api/v1/wells": () => json({ items: [], total: 0, limit: 500, offset: 0, next_offset: null }),
      "GET /api/v1/permits": () => json(page([permit("approved", "F-1")])),
    });
    renderPage(<PermitsSection canWrite={false} />);
    expect(await screen.findByRole("cell", { name: "F-1" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Record approval/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("form", { name: "Apply for a permit" })).not.toBeInTheDocument();
  });
});
