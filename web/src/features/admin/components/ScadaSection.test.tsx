import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, json, problem } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { ScadaSection } from "./ScadaSection";

const page = (items: unknown[]) => ({ items, total: items.length, limit: 500, offset: 0, next_offset: null });

describe("SCADA administration", () => {
  it("shows a refused tag name by its field and keeps the form", async () => {
    const server = fakeServer({
      "GET /api/v1/gateways": () => json([{ id: "g1", name: "Site A", status: "ACTIVE", created_at: "", created_by: "", revoked_at: null, last_seen_at: null }]),
      "GET /api/v1/scada/connections": () => json(page([{ id: "c1", name: "RTU 1", endpoint_url: "opc.tcp://10.0.0.5:4840", enabled: true }])),
      "GET /api/v1/scada/connections/:id/tags": () => json(page([])),
      "GET /api/v1/wells": () => json(page([{ id: "w1", name: "Smith 1H" }])),
      "POST /api/v1/scada/connections/:id/tags": () =>
        problem(422, "invalid_input", "tag_name: String should match pattern", { errors: [{ field: "tag_name", reason: "String should match pattern" }] }),
    });
    renderPage(<ScadaSection canWrite />);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Node id"), "ns=2;s=Well07.TP");
    await waitFor(() => expect(screen.getByRole("option", { name: "Smith 1H" })).toBeInTheDocument());
    await user.selectOptions(screen.getByLabelText("Tag's well"), "w1");
    await user.type(screen.getByLabelText("Tag name"), "9 bad name");
    await user.click(screen.getByRole("button", { name: "Add tag" }));
    await waitFor(() => expect(screen.getByLabelText("Tag name")).toHaveAccessibleDescription("String should match pattern"));
    expect(screen.getByLabelText("Tag name")).toHaveValue("9 bad name");
    expect(server.calls.find((c) => c.method === "POST")?.body).toMatchObject({ node_id: "ns=2;s=Well07.TP", well_id: "w1", tag_name: "9 bad name" });
  });
});
