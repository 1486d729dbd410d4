import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, json, problem } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { AssignmentsSection } from "./AssignmentsSection";

const page = (items: unknown[]) => ({ items, total: items.length, limit: 500, offset: 0, next_offset: null });
const pat = { id: "u1", email: "pat@acme.example", full_name: "Pat Pumper", role: "FIELD_OPERATOR", status: "ACTIVE", last_login_at: null, created_at: "" };

function arrange(put: () => Response | Promise<Response>) {
  const assigned: string[] = [];
  const server = fakeServer({
    "GET /api/v1/users": () => json(page([pat])),
    "GET /api/v1/wells": () => json(page([{ id: "w1", name: "Smith 1H" }])),
    "GET /api/v1/wells/:id/assignments": () =>
      json({ well_id: "w1", items: assigned.map((user_id) => ({ user_id, well_id: "w1", assigned_by: "admin", assigned_at: "" })) }),
    "PUT /api/v1/wells/:id/assignments/:user": async (_request, params) => {
      const answer = await put();
      if (answer.ok) assigned.push(params.user ?? "");
      return answer;
    },
  });
  renderPage(<AssignmentsSection canWrite />, { path: "/admin?well=w1" });
  return server;
}

describe("well assignments", () => {
  it("shows the choice at once, keeps it once saved", async () => {
    let release: () => void = () => undefined;
    const saved = new Promise<void>((resolve) => { release = resolve; });
    arrange(async () => { await saved; return json({ well_id: "w1", user_id: "u1", assigned: true }); });
    const box = await screen.findByRole("checkbox", { name: "Pat Pumper (pat@acme.example)" });
    expect(box).not.toBeChecked();
    await userEvent.setup().click(box);
    expect(box).toBeChecked(); // while the server has not answered yet
    expect(box).toBeDisabled();
    release();
    await waitFor(() => expect(box).toBeEnabled());
    expect(box).toBeChecked();
  });

  it("a refused assignment goes back, saying why", async () => {
    arrange(() => problem(403, "forbidden", "only admins and managers assign wells"));
    const box = await screen.findByRole("checkbox", { name: "Pat Pumper (pat@acme.example)" });
    await userEvent.setup().click(box);
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("only admins and managers assign wells"));
    expect(box).not.toBeChecked();
  });
});
