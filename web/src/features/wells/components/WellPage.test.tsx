import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, json, problem } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { LifecycleButtons } from "./WellPage";

const well = {
  id: "w1", name: "Smith 1H", status: "PRODUCING", next_statuses: ["SHUT_IN", "ABANDONED"], api_number: null,
  api_number_formatted: null, well_type: "OIL", is_horizontal: false,
} as never;

describe("the lifecycle buttons", () => {
  it("offers the moves the API allows and says why a move was refused", async () => {
    const server = fakeServer({
      "PATCH /api/v1/wells/:id": () =>
        problem(409, "illegal_transition", "PRODUCING cannot become ABANDONED", { allowed: ["SHUT_IN"] }),
    });
    renderPage(<LifecycleButtons well={well} canWrite />);
    const group = screen.getByRole("group", { name: "Lifecycle" });
    const buttons = Array.from(group.querySelectorAll("button")).map((b) => b.textContent);
    expect(buttons).toEqual(["Shut in", "Abandon"]);
    await userEvent.click(screen.getByRole("button", { name: "Abandon" }));
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("PRODUCING cannot become ABANDONED"));
    expect(server.calls[0]?.body).toEqual({ status: "ABANDONED" });
  });

  it("shows nothing to someone who may not change wells", () => {
    fakeServer({ "GET /api/v1/x": () => json({}) });
    renderPage(<LifecycleButtons well={well} canWrite={false} />);
    expect(screen.queryByRole("group", { name: "Lifecycle" })).toBeNull();
  });
});
