import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, json, problem } from "@/test/fakeServer";
import { signedInAs } from "@/test/me";
import { renderPage } from "@/test/render";

import WorkOrderPage from "./WorkOrderPage";

const order = (status: string, history: { status: string; note: string }[] = []) => ({
  id: "wo1", well_id: "w1", title: "Replace stuffing box", status, priority: "high", source: { kind: "manual", reference: null },
  equipment_id: null, due_date: "2026-12-10", assignee: null, scheduled_for: null, failure_at: null, created_at: "2026-12-01T10:00:00Z",
  closed_at: null, parts: [], costs: [], downtime: [], downtime_hours: "0", total_cost: "0",
  history: history.map((h) => ({ ...h, at: "2026-12-02T10:00:00Z", by: "pat@acme.test" })),
});

function serve(role: string, start: string) {
  let current = order(start);
  return fakeServer({
    "GET /api/v1/me": () => json(signedInAs(role)),
    "GET /api/v1/wells": () => json({ items: [{ id: "w1", name: "Bravo 1" }], total: 1, limit: 500, offset: 0, next_offset: null }),
    "GET /api/v1/work-orders/:id": () => json(current),
    "POST /api/v1/work-orders/:id/status": async (request) => {
      const body = (await request.json()) as { status: string; note: string; scheduled_for: string | null };
      if (body.status === "scheduled" && !body.scheduled_for) return problem(422, "invalid_input", "scheduled_for: needed to schedule", { field: "scheduled_for" });
      current = order(body.status, [{ status: body.status, note: body.note }]);
      return json(current);
    },
  });
}

describe("a work order's page", () => {
  it("moves a work order on by the steps the state machine allows, a missing date named at its field", async () => {
    signedInAs("FIELD_OPERATOR");
    const server = serve("FIELD_OPERATOR", "open");
    renderPage(<WorkOrderPage />, { path: "/work-orders/wo1", route: "/work-orders/:workOrderId" });
    const ui = userEvent.setup();
    expect(await screen.findByRole("heading", { level: 1, name: "Replace stuffing box" })).toBeInTheDocument();
    for (const name of ["Schedule", "Start work", "Mark done", "Cancel work order"]) {
      expect(await screen.findByRole("button", { name })).toBeInTheDocument();
    }
    await ui.click(screen.getByRole("button", { name: "Schedule" }));
    await waitFor(() => expect(screen.getByLabelText("Scheduled for")).toHaveAccessibleDescription(/needed to schedule/));
    await ui.type(screen.getByLabelText("Scheduled for"), "2026-12-20T07:00");
    await ui.type(screen.getByLabelText("Note for the history"), "Rig on location");
    await ui.click(screen.getByRole("button", { name: "Schedule" }));
    expect(await screen.findByText("Rig on location")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Schedule" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Start work" })).toBeInTheDocument();
    const sent = server.calls.filter((c) => c.method === "POST").at(-1)?.body as { scheduled_for: string };
    expect(sent.scheduled_for).toBe(new Date("2026-12-20T07:00").toISOString());
    await ui.click(screen.getByRole("button", { name: "Mark done" }));
    expect(await screen.findByText(/it does not change any more/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Cancel work order" })).not.toBeInTheDocument();
  });

  it("lets a viewer read it without buttons", async () => {
    signedInAs("VIEWER");
    serve("VIEWER", "in_progress");
    renderPage(<WorkOrderPage />, { path: "/work-orders/wo1", route: "/work-orders/:workOrderId" });
    expect(await screen.findByText(/Your role reads work orders/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Mark done" })).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Bravo 1" })).toHaveAttribute("href", "/wells/w1");
  });
});
