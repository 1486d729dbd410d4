import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, json } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { ConflictReview } from "./ReviewPage";

const event = (id: string, email: string, passed: boolean) => ({
  id, type: "EQUIPMENT_INSPECTED", device_id: `tablet-${id}`, device_seq: 1, well_id: "w1", equipment_id: "p1",
  occurred_at: "2026-12-01T10:00:00Z", received_at: "2026-12-01T18:00:00Z", clock_skew_s: 0, recorded_by_email: email,
  payload: { passed, notes: passed ? "all good" : "belts worn" }, status: "conflict",
});
const detail = {
  id: "c1", event_type: "EQUIPMENT_INSPECTED", well_id: "w1", equipment_id: "p1", rule: "manual_review", status: "open",
  event_ids: ["e1", "e2"], winner_event_id: null, created_at: "2026-12-01T18:00:00Z", updated_at: "2026-12-01T18:00:00Z",
  resolved_at: null, resolved_by: null, resolution: null,
  events: [event("e1", "pat@acme.test", true), event("e2", "sam@acme.test", false)],
};

describe("a conflict under review", () => {
  it("shows the claims side by side and resolves with the chosen one and the reason", async () => {
    const server = fakeServer({
      "POST /api/v1/conflicts/:id/resolve": () =>
        json({ ...detail, status: "resolved", winner_event_id: "e2", resolved_by: "boss@acme.test", resolved_at: "2026-12-02T08:00:00Z", resolution: { choose: "e2", reason: "photo" } }),
    });
    renderPage(<ConflictReview detail={detail as never} />);
    expect(screen.getByText("all good")).toBeInTheDocument();
    expect(screen.getByText("belts worn")).toBeInTheDocument();
    const resolve = screen.getByRole("button", { name: "Resolve with the chosen claim" });
    expect(resolve).toBeDisabled();
    const user = userEvent.setup();
    await user.click(screen.getByRole("radio", { name: /Claim 2/ }));
    await user.type(screen.getByLabelText("Reason"), "photo");
    await user.click(resolve);
    await waitFor(() => expect(server.calls).toHaveLength(1));
    expect(server.calls[0]?.body).toEqual({ choose: "e2", reason: "photo" });
  });
});
