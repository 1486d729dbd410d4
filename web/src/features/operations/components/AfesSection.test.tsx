import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, json, problem } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { AfesSection } from "./AfesSection";

const afe = (id: string, number: string, status: string, waiting: string | null) => ({
  id, number, title: `Work ${number}`, status, well_id: null, lease_id: null, created_at: "2026-11-01T00:00:00Z", submitted_at: null,
  approved_at: null, estimate: [], total_estimate: "50000.00", total_actual: "0.00", levels: [], waiting_for: waiting, decisions: [],
  actuals: [], budget: [], overruns: [], partners: [], consent: {},
});
const page = (items: unknown[]) => ({ items, total: items.length, limit: 25, offset: 0, next_offset: null });
const wells = { "GET /api/v1/wells": () => json({ items: [{ id: "w1", name: "Bravo 1" }], total: 1, limit: 500, offset: 0, next_offset: null }) };

describe("AFEs", () => {
  it("offers each AFE the step its status and the user's role allow", async () => {
    fakeServer({
      ...wells,
      "GET /api/v1/afes": () => json(page([afe("a", "A-1", "draft", null), afe("b", "A-2", "submitted", "MANAGER"), afe("c", "A-3", "submitted", "ADMIN"), afe("d", "A-4", "approved", null)])),
    });
    renderPage(<AfesSection role="MANAGER" />);
    expect(await screen.findByRole("button", { name: "Submit AFE A-1" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Decide on AFE A-2" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Decide on AFE A-3" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Close AFE A-4" })).toBeInTheDocument();
  });

  it("rejects with the note the API asks for, shown where the decision is made", async () => {
    let decided: unknown = null;
    const server = fakeServer({
      ...wells,
      "GET /api/v1/afes": () => json(page([afe("b", "A-2", "submitted", "MANAGER")])),
      "POST /api/v1/afes/:id/decision": async (request) => {
        const body = (await request.json()) as { note: string };
        if (!body.note) return problem(422, "invalid_input", "note: a rejection says why", { field: "note" });
        decided = body;
        return json(afe("b", "A-2", "rejected", null));
      },
    });
    renderPage(<AfesSection role="MANAGER" />);
    const ui = userEvent.setup();
    await ui.click(await screen.findByRole("button", { name: "Decide on AFE A-2" }));
    const box = screen.getByRole("group", { name: "Decision on AFE A-2" });
    await ui.click(within(box).getByRole("button", { name: "Reject AFE A-2" }));
    await waitFor(() => expect(within(box).getByLabelText("Decision note")).toHaveAccessibleDescription(/a rejection says why/));
    await ui.type(within(box).getByLabelText("Decision note"), "Over budget");
    await ui.click(within(box).getByRole("button", { name: "Reject AFE A-2" }));
    await waitFor(() => expect(decided).toEqual({ approve: false, note: "Over budget" }));
    expect(server.calls.at(-1)?.path).toBe("/api/v1/afes");
  });

  it("proposes an AFE with several estimate lines; a line's problem shows at that line", async () => {
    let tries = 0;
    const server = fakeServer({
      ...wells,
      "GET /api/v1/afes": () => json(page([])),
      "POST /api/v1/afes": () => {
        tries += 1;
        if (tries === 1) return problem(422, "invalid_input", "must be positive", { errors: [{ field: "estimate.1.amount", reason: "must be positive" }] });
        return json(afe("n", "A-9", "draft", null), 201);
      },
    });
    renderPage(<AfesSection role="ADMIN" />);
    const ui = userEvent.setup();
    expect(await screen.findByText("No AFEs match.")).toBeInTheDocument();
    const form = screen.getByRole("form", { name: "Propose an AFE" });
    await ui.type(within(form).getByLabelText("AFE number"), "A-9");
    await ui.type(within(form).getByLabelText("AFE title"), "Workover");
    await ui.type(within(form).getByLabelText("Amount of line 1 (USD)"), "1000");
    await ui.click(within(form).getByRole("button", { name: "Add an estimate line" }));
    await ui.type(within(form).getByLabelText("Amount of line 2 (USD)"), "-5");
    await ui.click(within(form).getByRole("button", { name: "Create AFE" }));
    await waitFor(() => expect(within(form).getByLabelText("Amount of line 2 (USD)")).toHaveAccessibleDescription("must be positive"));
    await ui.clear(within(form).getByLabelText("Amount of line 2 (USD)"));
    await ui.type(within(form).getByLabelText("Amount of line 2 (USD)"), "500");
    await ui.click(within(form).getByRole("button", { name: "Create AFE" }));
    expect(await within(form).findByText(/AFE A-9 drafted/)).toBeInTheDocument();
    expect(server.calls.filter((c) => c.method === "POST").at(-1)?.body).toMatchObject({
      number: "A-9", title: "Workover", well_id: null,
      estimate: [{ category: "idc", amount: "1000" }, { category: "contingency", amount: "500" }],
    });
  });
});
