import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, json } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { IncidentsSection } from "./IncidentsSection";

const incident = {
  id: "i1", kind: "spill", occurred_at: "2026-11-20T14:30:00Z", discovered_at: "2026-11-20T15:00:00Z",
  location: { state: "TX", county: "Midland", well_id: null }, description: "Flowline leak", cause: "", releases: [], water: "none",
  sensitive_area: false, injuries: 0, corrective_actions: [],
  notifications_due: [
    { rule_id: "tx", agency: "Texas RRC", action: "telephone the district office", immediately: true, due_at: "2026-11-21T14:30:00Z", sent_at: null, overdue: true, source: "", confirmed: true },
  ],
};

describe("incidents", () => {
  it("reports an incident with aware times and lists the notifications it owes", async () => {
    let listed: unknown[] = [];
    const server = fakeServer({
      "GET /api/v1/wells": () => json({ items: [], total: 0, limit: 500, offset: 0, next_offset: null }),
      "GET /api/v1/incidents": () => json({ items: listed, total: listed.length, limit: 25, offset: 0, next_offset: null }),
      "POST /api/v1/incidents": () => {
        listed = [incident];
        return json(incident, 201);
      },
    });
    renderPage(<IncidentsSection canWrite />);
    expect(await screen.findByText("No incidents reported.")).toBeInTheDocument();
    const ui = userEvent.setup();
    const form = screen.getByRole("form", { name: "Report an incident" });
    await ui.type(within(form).getByLabelText("Occurred at"), "2026-11-20T08:30");
    await ui.type(within(form).getByLabelText("Discovered at"), "2026-11-20T09:00");
    await ui.type(within(form).getByLabelText("County"), "Midland");
    await ui.type(within(form).getByLabelText("What happened"), "Flowline leak");
    await ui.click(within(form).getByRole("button", { name: "Report incident" }));
    expect(await within(form).findByText("Spill reported: 1 agency notifications due.")).toBeInTheDocument();
    const row = within(await screen.findByRole("region", { name: "Incidents table" })).getByRole("row", { name: /Flowline leak/ });
    expect(row).toHaveTextContent(/overdue\s*Texas RRC: telephone the district office/);
    const body = server.calls.find((c) => c.method === "POST")?.body as { occurred_at: string; location: unknown };
    expect(body.occurred_at).toBe(new Date("2026-11-20T08:30").toISOString());
    expect(body.location).toEqual({ state: "TX", county: "Midland", well_id: null });
  });
});
