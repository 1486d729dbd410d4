import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, json } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { parseStrapping, TankForm } from "./TankForm";

describe("tank strapping", () => {
  it("reads one step a line and names the first bad line", () => {
    expect(parseStrapping("0, 0\n120\t200\n\n240 400")).toEqual({
      rows: [{ height_inches: "0", volume_bbl: "0" }, { height_inches: "120", volume_bbl: "200" }, { height_inches: "240", volume_bbl: "400" }],
      error: null,
    });
    expect(parseStrapping("0, 0\ntwelve, 20").error).toMatch(/^line 2:/);
    expect(parseStrapping("0, 0").error).toMatch(/at least two lines/);
  });

  it("does not send a bad table, then adds the tank with its rows", async () => {
    const server = fakeServer({
      "GET /api/v1/leases": () => json({ items: [{ id: "l1", lease_number: "L-100", name: "North" }], total: 1, limit: 500, offset: 0, next_offset: null }),
      "POST /api/v1/compliance/tanks": () => json({ id: "t1", lease_id: "l1", name: "Tank 7", product: "oil", capacity_bbl: null }, 201),
    });
    renderPage(<TankForm />);
    const ui = userEvent.setup();
    const form = screen.getByRole("form", { name: "Add a tank" });
    await ui.selectOptions(within(form).getByLabelText("Tank's lease"), await within(form).findByRole("option", { name: "L-100 North" }));
    await ui.type(within(form).getByLabelText("Tank name"), "Tank 7");
    await ui.type(within(form).getByLabelText("Strapping table"), "0 0{Enter}oops");
    await ui.click(within(form).getByRole("button", { name: "Add tank" }));
    expect(within(form).getByLabelText("Strapping table")).toHaveAccessibleDescription(/line 2/);
    expect(server.calls.filter((c) => c.method === "POST")).toHaveLength(0);
    await ui.clear(within(form).getByLabelText("Strapping table"));
    await ui.type(within(form).getByLabelText("Strapping table"), "0 0{Enter}240 400");
    await ui.click(within(form).getByRole("button", { name: "Add tank" }));
    expect(await within(form).findByText("Tank Tank 7 added.")).toBeInTheDocument();
    expect(server.calls.find((c) => c.method === "POST")?.body).toEqual({
      lease_id: "l1", name: "Tank 7", product: "oil", capacity_bbl: null,
      strapping: [{ height_inches: "0", volume_bbl: "0" }, { height_inches: "240", volume_bbl: "400" }],
    });
  });
});
