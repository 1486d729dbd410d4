import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, json } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import AlertsPage from "./AlertsPage";

function alertIn(status: string, id: string) {
  return { id, well_id: "w1", title: `Pump bearing wear ${id}`, severity: "HIGH", status, source: "PREDICTIVE", details: {}, created_at: "2026-12-01T00:00:00Z" };
}

describe("changing the alerts filter", () => {
  it("keeps the previous rows on screen with their actions disabled until the new ones arrive", async () => {
    let release: () => void = () => undefined;
    const acknowledgedArrive = new Promise<void>((resolve) => { release = resolve; });
    fakeServer({
      "GET /api/v1/wells": () => json({ items: [{ id: "w1", name: "Smith 1H" }], total: 1, next_offset: null }),
      "GET /api/v1/alerts": async (request) => {
        const status = new URL(request.url).searchParams.get("status");
        if (status === "ACKNOWLEDGED") await acknowledgedArrive;
        const item = alertIn(status ?? "OPEN", status === "ACKNOWLEDGED" ? "a2" : "a1");
        return json({ items: [item], total: 1, next_offset: null });
      },
    });
    renderPage(<AlertsPage />, { path: "/alerts" });
    const user = userEvent.setup();
    await screen.findByText("Pump bearing wear a1");

    await user.selectOptions(screen.getByLabelText("Status"), "ACKNOWLEDGED");
    const table = screen.getByRole("region", { name: "Alerts table" });
    await waitFor(() => expect(table).toHaveAttribute("aria-busy", "true"));
    expect(screen.getByRole("button", { name: /^Resolve Pump bearing wear a1/ })).toBeDisabled();

    release();
    await screen.findByText("Pump bearing wear a2");
    expect(table).not.toHaveAttribute("aria-busy");
    expect(screen.getByRole("button", { name: /^Resolve Pump bearing wear a2/ })).toBeEnabled();
  });
});
