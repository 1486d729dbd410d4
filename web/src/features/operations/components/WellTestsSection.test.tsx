import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, json } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { WellTestsSection } from "./WellTestsSection";

const test1 = { id: "t1", well_id: "w1", start: "2026-11-01T08:00:00Z", end: "2026-11-02T08:00:00Z", hours: "24", oil_bbl_per_day: "42", gas_mcf_per_day: "110", water_bbl_per_day: "65", device_id: "office" };

describe("well tests", () => {
  it("lists a well's tests and logs a new one", async () => {
    let listed: unknown[] = [];
    const server = fakeServer({
      "GET /api/v1/wells": () => json({ items: [{ id: "w1", name: "Bravo 1" }], total: 1, limit: 500, offset: 0, next_offset: null }),
      "GET /api/v1/wells/:id/well-tests": () => json(listed),
      "POST /api/v1/wells/:id/well-tests": () => {
        listed = [test1];
        return json(test1, 201);
      },
    });
    renderPage(<WellTestsSection canWrite />);
    const ui = userEvent.setup();
    expect(screen.getByText("Choose a well to see its tests.")).toBeInTheDocument();
    await ui.selectOptions(screen.getByLabelText("Tests of well"), await screen.findByRole("option", { name: "Bravo 1" }));
    expect(await screen.findByText("No tests for this well.")).toBeInTheDocument();
    const form = screen.getByRole("form", { name: "Log a well test" });
    await ui.type(within(form).getByLabelText("Test start"), "2026-11-01T08:00");
    await ui.type(within(form).getByLabelText("Test end"), "2026-11-02T08:00");
    await ui.type(within(form).getByLabelText("Oil (bbl/day)"), "42");
    await ui.type(within(form).getByLabelText("Gas (mcf/day)"), "110");
    await ui.type(within(form).getByLabelText("Water (bbl/day)"), "65");
    await ui.click(within(form).getByRole("button", { name: "Log well test" }));
    expect(await within(form).findByText("Well test of 24 hours logged.")).toBeInTheDocument();
    expect(await screen.findByRole("region", { name: "Well tests table" })).toHaveTextContent("42");
    expect(server.calls.find((c) => c.method === "POST")?.path).toBe("/api/v1/wells/w1/well-tests");
  });
});
