import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { fakeServer, problem } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { detailsText, ResolveForm } from "./AlertsPage";

const alert = { id: "a1", well_id: "w1", title: "Pump bearing wear", severity: "HIGH", status: "OPEN", details: {} } as never;

describe("resolving an alert", () => {
  it("keeps the note when the resolve fails, and says why", async () => {
    fakeServer({ "POST /api/v1/alerts/:id/resolve": () => problem(503, "database_unavailable", "the database is unavailable; try again") });
    const done = vi.fn();
    renderPage(<ResolveForm alert={alert} onDone={done} />);
    const user = userEvent.setup();
    const note = screen.getByLabelText(/What was done about/);
    await user.type(note, "Replaced the bearings");
    await user.click(screen.getByRole("button", { name: "Resolve" }));
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("the database is unavailable"));
    expect(note).toHaveValue("Replaced the bearings");
    expect(done).not.toHaveBeenCalled();
  });

  it("summarizes an alert's details in words", () => {
    expect(detailsText({ failure_probability: 0.8123, model: "pump-v1", window: { a: 1 } })).toBe("failure probability: 0.812 · model: pump-v1");
  });
});
