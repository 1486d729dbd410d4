import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, json, problem } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { UsersSection } from "./UsersSection";

const user = (id: string, name: string, status: string) => ({
  id, email: `${id}@example.com`, full_name: name, role: "VIEWER", status, last_login_at: null, created_at: null,
});
const page = (items: unknown[]) => ({ items, total: items.length, limit: 500, offset: 0, next_offset: null });

describe("users and roles", () => {
  it("shows a refused invitation address by its field, keeps the form, then sends the invitation", async () => {
    let refused = false;
    const server = fakeServer({
      "GET /api/v1/users": () => json(page([user("u1", "Pat Pumper", "ACTIVE")])),
      "POST /api/v1/invitations": () => {
        if (!refused) {
          refused = true;
          return problem(422, "invalid_input", "email: not an e-mail address", { field: "email" });
        }
        return json(user("u2", "Ivy Invitee", "INVITED"), 201);
      },
    });
    renderPage(<UsersSection canWrite me="admin" />);
    const ui = userEvent.setup();
    const form = await screen.findByRole("form", { name: "Invite a user" });
    await ui.type(within(form).getByLabelText("E-mail"), "ivy");
    await ui.type(within(form).getByLabelText("Full name"), "Ivy Invitee");
    await ui.click(within(form).getByRole("button", { name: "Send invitation" }));
    await waitFor(() => expect(within(form).getByLabelText("E-mail")).toHaveAccessibleDescription("email: not an e-mail address"));
    expect(within(form).getByLabelText("Full name")).toHaveValue("Ivy Invitee");
    await ui.click(within(form).getByRole("button", { name: "Send invitation" }));
    expect(await within(form).findByText("Ivy Invitee invited.")).toBeInTheDocument();
    expect(server.calls.filter((c) => c.method === "POST").at(-1)?.body).toMatchObject({ email: "ivy", full_name: "Ivy Invitee", role: "VIEWER" });
  });

  it("offers the actions each status allows", async () => {
    fakeServer({
      "GET /api/v1/users": () => json(page([user("a", "Ann Active", "ACTIVE"), user("i", "Ian Invited", "INVITED"), user("d", "Dee Gone", "DEACTIVATED")])),
    });
    renderPage(<UsersSection canWrite me="admin" />);
    expect(await screen.findByRole("button", { name: "Deactivate Ann Active" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "End the sessions of Ann Active" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Reset the two-factor sign-in of Ann Active" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Re-send the invitation of Ian Invited" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Revoke the invitation of Ian Invited" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Reactivate Dee Gone" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Deactivate Dee Gone" })).not.toBeInTheDocument();
  });
});
