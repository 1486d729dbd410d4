import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, json, problem } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { RunTicketsSection } from "./RunTicketsSection";

const tanks = [
  { id: "t-oil", lease_id: "l1", name: "Tank 1", product: "oil", capacity_bbl: "400" },
  { id: "t-water", lease_id: "l1", name: "Water 1", product: "water", capacity_bbl: "400" },
];
const ticket = {
  id: "rt1", ticket_number: "RT-9", tank_id: "t-oil", lease_id: "l1", ticket_date: "2026-10-15", purchaser: "Plains",
  opening_gauge_inches: "180", closing_gauge_inches: "60", observed_gravity: "40.2", observed_temperature_f: "72",
  bsw_percent: "0.3", gross_observed_bbl: "200", net_standard_bbl: "197.12",
};

describe("run tickets", () => {
  it("adds a haul from an oil tank: a refused gauge is shown at its field, the form kept, then the ticket is listed", async () => {
    let listed: unknown[] = [];
    let refused = false;
    const server = fakeServer({
      "GET /api/v1/compliance/run-tickets": () => json(listed),
      "GET /api/v1/compliance/tanks": () => json(tanks),
      "POST /api/v1/compliance/run-tickets": () => {
        if (!refused) {
          refused = true;
          return problem(422, "invalid_input", "closing_gauge: not a gauge", { field: "closing_gauge" });
        }
        listed = [ticket];
        return json(ticket, 201);
      },
    });
    renderPage(<RunTicketsSection period="2026-10" leaseId={undefined} canWrite />);
    expect(await screen.findByText("No run tickets in 2026-10.")).toBeInTheDocument();
    const form = screen.getByRole("form", { name: "Add a run ticket" });
    const ui = userEvent.setup();
    // only oil tanks are hauled from
    expect(within(form).getByRole("option", { name: "Tank 1" })).toBeInTheDocument();
    expect(within(form).queryByRole("option", { name: "Water 1" })).not.toBeInTheDocument();
    await ui.selectOptions(within(form).getByLabelText("Tank"), "t-oil");
    await ui.type(within(form).getByLabelText("Ticket number"), "RT-9");
    await ui.type(within(form).getByLabelText("Purchaser"), "Plains");
    await ui.type(within(form).getByLabelText("Opening gauge"), "15-0-0");
    await ui.type(within(form).getByLabelText("Closing gauge"), "five");
    await ui.type(within(form).getByLabelText("Observed API gravity"), "40.2");
    await ui.type(within(form).getByLabelText("Observed temperature (°F)"), "72");
    await ui.click(within(form).getByRole("button", { name: "Add run ticket" }));
    await waitFor(() => expect(within(form).getByLabelText("Closing gauge")).toHaveAccessibleDescription(/closing_gauge: not a gauge/));
    expect(within(form).getByLabelText("Purchaser")).toHaveValue("Plains");
    await ui.clear(within(form).getByLabelText("Closing gauge"));
    await ui.type(within(form).getByLabelText("Closing gauge"), "5-0-0");
    await ui.click(within(form).getByRole("button", { name: "Add run ticket" }));
    expect(await within(form).findByText(/Run ticket RT-9 added: 197\.12 net standard bbl/)).toBeInTheDocument();
    const table = await screen.findByRole("region", { name: "Run tickets table" });
    expect(within(table).getByRole("row", { name: /RT-9/ })).toHaveTextContent("Tank 1");
    const sent = server.calls.filter((c) => c.method === "POST").at(-1)?.body;
    expect(sent).toMatchObject({ tank_id: "t-oil", ticket_number: "RT-9", ticket_date: "2026-10-01", opening_gauge: "15-0-0", closing_gauge: "5-0-0", truck: null });
  });

  it("offers no form to a viewer", async () => {
    fakeServer({ "GET /api/v1/compliance/run-tickets": () => json([ticket]), "GET /api/v1/compliance/tanks": () => json(tanks) });
    renderPage(<RunTicketsSection period="2026-10" leaseId="l1" canWrite={false} />);
    expect(await screen.findByRole("region", { name: "Run tickets table" })).toBeInTheDocument();
    expect(screen.queryByRole("form", { name: "Add a run ticket" })).not.toBeInTheDocument();
  });
});
