import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { describe, expect, it } from "vitest";

import { session } from "@/api/client";
import { makeQueryClient } from "@/api/queryClient";
import { takeHashLink } from "@/app/hashLinks";
import { fakeServer, json, problem } from "@/test/fakeServer";

import AcceptInvitationPage from "./AcceptInvitationPage";
import ForgotPasswordPage from "./ForgotPasswordPage";
import ResetPasswordPage from "./ResetPasswordPage";
import { SignInPage } from "./SignInPage";

const tokens = { access_token: "a-1", refresh_token: "r-1", token_type: "bearer", expires_in: 900 };

/** The link pages and the sign-in page, as the router has them, opened at `path`. */
function openAt(path: string): void {
  const client = makeQueryClient();
  client.setDefaultOptions({ queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route path="/sign-in/invitation" element={<AcceptInvitationPage />} />
          <Route path="/sign-in/reset" element={<ResetPasswordPage />} />
          <Route path="/sign-in/forgot" element={<ForgotPasswordPage />} />
          <Route path="*" element={<p>wells page</p>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

async function choosePassword(password: string, repeat = password, button: string) {
  const ui = userEvent.setup();
  await ui.type(screen.getByLabelText("New password"), password);
  await ui.type(screen.getByLabelText("Repeat the new password"), repeat);
  await ui.click(screen.getByRole("button", { name: button }));
}

describe("accepting an e-mailed invitation", () => {
  it("turns the e-mailed invitation and reset links into their pages", () => {
    const replaced: string[] = [];
    const history = { replaceState: (_: unknown, __: string, url: string) => replaced.push(url) } as unknown as History;
    takeHashLink(session, { hash: "#/accept-invitation?tenant=acme&token=inv-1", hostname: "localhost" } as Location, history);
    takeHashLink(session, { hash: "#/reset-password?tenant=acme&token=rst-1", hostname: "localhost" } as Location, history);
    expect(replaced).toEqual(["/sign-in/invitation?tenant=acme&token=inv-1", "/sign-in/reset?tenant=acme&token=rst-1"]);
  });

  it("shows the password policy's problem at the field, keeps the link good, then signs in", async () => {
    let attempts = 0;
    const server = fakeServer({
      "POST /api/v1/auth/invitation/accept": async (request) => {
        attempts += 1;
        const body = (await request.json()) as { password: string };
        if (body.password === "password1234") {
          return problem(422, "invalid_input", "password: is a commonly used password; choose another", {
            field: "password", errors: [{ field: "password", reason: "is a commonly used password; choose another" }],
          });
        }
        return json(tokens);
      },
    });
    openAt("/sign-in/invitation?tenant=acme&token=invitation-token-1");
    expect(screen.getByText(/You are invited to/)).toHaveTextContent("acme");
    await choosePassword("password1234", "password1234", "Set my password and sign in");
    const field = await screen.findByLabelText("New password");
    await waitFor(() => expect(field).toHaveAccessibleDescription(/commonly used password/));
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(session.current).not.toBe("signed-in");

    const ui = userEvent.setup();
    await ui.clear(field);
    await ui.type(field, "Quiet-Pumpjack-42");
    await ui.clear(screen.getByLabelText("Repeat the new password"));
    await ui.type(screen.getByLabelText("Repeat the new password"), "Quiet-Pumpjack-42");
    await ui.click(screen.getByRole("button", { name: "Set my password and sign in" }));
    expect(await screen.findByText("wells page")).toBeInTheDocument();
    expect(session.current).toBe("signed-in");
    expect(session.tenant).toBe("acme");
    expect(attempts).toBe(2);
    expect(server.calls[1]?.body).toEqual({ token: "invitation-token-1", password: "Quiet-Pumpjack-42" });
    expect(server.calls[1]?.headers.get("X-WellOS-Tenant")).toBe("acme");
    await session.signOut();
  });

  it("catches two different passwords before spending the link", async () => {
    const server = fakeServer({});
    openAt("/sign-in/invitation?tenant=acme&token=invitation-token-2");
    await choosePassword("Quiet-Pumpjack-42", "Quiet-Pumpjack-43", "Set my password and sign in");
    expect(screen.getByLabelText("Repeat the new password")).toHaveAccessibleDescription(/the two passwords differ/);
    expect(server.calls).toEqual([]);
  });

  it("says an expired or used invitation cannot be used, and whom to ask", async () => {
    fakeServer({
      "POST /api/v1/auth/invitation/accept": () =>
        problem(422, "link_invalid", "token: the link is invalid or has expired; ask for a new one", { field: "token" }),
    });
    openAt("/sign-in/invitation?tenant=acme&token=spent-invitation-3");
    await choosePassword("Quiet-Pumpjack-42", "Quiet-Pumpjack-42", "Set my password and sign in");
    expect(await screen.findByRole("alert")).toHaveTextContent(/expired or was already used.*administrator to send the invitation again/);
    expect(screen.queryByLabelText("New password")).not.toBeInTheDocument();
    expect(session.current).not.toBe("signed-in");
  });

  it("says an incomplete link is incomplete, without calling the API", () => {
    const server = fakeServer({});
    openAt("/sign-in/invitation?tenant=acme");
    expect(screen.getByRole("alert")).toHaveTextContent(/incomplete/);
    expect(server.calls).toEqual([]);
  });
});

describe("a forgotten password", () => {
  it("asks for a reset link from the sign-in page, with the same answer for any address", async () => {
    const server = fakeServer({ "POST /api/v1/auth/password/forgot": () => json({ detail: "on its way if known" }, 202) });
    openAt("/sign-in");
    const ui = userEvent.setup();
    await ui.type(screen.getByLabelText("Company"), "acme");
    await ui.type(screen.getByLabelText("E-mail"), "pat@acme.test");
    await ui.click(screen.getByRole("link", { name: "Forgot your password?" }));
    expect(await screen.findByRole("heading", { name: "Forgot your password?" })).toBeInTheDocument();
    expect(screen.getByLabelText("E-mail")).toHaveValue("pat@acme.test");
    await ui.click(screen.getByRole("button", { name: "Email me a reset link" }));
    expect(await screen.findByRole("status")).toHaveTextContent(/If pat@acme.test belongs to a user of this company, a link to reset the password is on its way/);
    expect(server.calls[0]?.body).toEqual({ email: "pat@acme.test" });
    expect(server.calls[0]?.headers.get("X-WellOS-Tenant")).toBe("acme");
  });

  it("sets the new password from the link, then the sign-in page says so", async () => {
    const server = fakeServer({ "POST /api/v1/auth/password/reset": () => new Response(null, { status: 204 }) });
    openAt("/sign-in/reset?tenant=acme&token=reset-token-1");
    await choosePassword("Quiet-Pumpjack-42", "Quiet-Pumpjack-42", "Set the new password");
    expect(await screen.findByRole("heading", { name: "Sign in to WellOS" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent(/Your password is changed.*sign in with the new password/);
    expect(server.calls[0]?.body).toEqual({ token: "reset-token-1", new_password: "Quiet-Pumpjack-42" });
  });

  it("shows a too-short password at its field", async () => {
    fakeServer({
      "POST /api/v1/auth/password/reset": () =>
        problem(422, "invalid_input", "new_password: must be at least 12 characters", {
          field: "new_password", errors: [{ field: "new_password", reason: "must be at least 12 characters" }],
        }),
    });
    openAt("/sign-in/reset?tenant=acme&token=reset-token-2");
    await choosePassword("short-pw", "short-pw", "Set the new password");
    await waitFor(() => expect(screen.getByLabelText("New password")).toHaveAccessibleDescription(/must be at least 12 characters/));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("says an expired or used reset link cannot be used, and offers a new one", async () => {
    fakeServer({
      "POST /api/v1/auth/password/reset": () =>
        problem(422, "link_invalid", "token: the link is invalid or has expired; ask for a new one", { field: "token" }),
    });
    openAt("/sign-in/reset?tenant=acme&token=spent-reset-3");
    await choosePassword("Quiet-Pumpjack-42", "Quiet-Pumpjack-42", "Set the new password");
    expect(await screen.findByRole("alert")).toHaveTextContent(/expired or was already used/);
    await userEvent.setup().click(screen.getByRole("link", { name: "Ask for a new reset link" }));
    expect(await screen.findByRole("heading", { name: "Forgot your password?" })).toBeInTheDocument();
    expect(screen.getByLabelText("Company")).toHaveValue("acme");
  });
});
