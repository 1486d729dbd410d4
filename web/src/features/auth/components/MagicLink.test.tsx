import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { session } from "@/api/client";
import { takeHashLink } from "@/app/hashLinks";
import { fakeServer, json, problem } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import MagicLinkPage from "./MagicLinkPage";
import { SignInPage } from "./SignInPage";

const tokens = { access_token: "a-1", refresh_token: "r-1", token_type: "bearer", expires_in: 900 };

describe("sign-in by e-mailed link", () => {
  it("asks for a link for the typed address, without a password", async () => {
    const server = fakeServer({ "POST /api/v1/auth/magic-link": () => json({ detail: "sent if known" }, 202) });
    renderPage(<SignInPage />, { path: "/sign-in" });
    const ui = userEvent.setup();
    await ui.type(screen.getByLabelText("Company"), "acme");
    await ui.click(screen.getByRole("button", { name: "Email me a sign-in link" }));
    expect(screen.getByLabelText("E-mail")).toHaveAccessibleDescription(/enter your e-mail address/);
    await ui.type(screen.getByLabelText("E-mail"), "pat@acme.test");
    await ui.click(screen.getByRole("button", { name: "Email me a sign-in link" }));
    expect(await screen.findByText(/If pat@acme.test belongs to a user of this company, a sign-in link is on its way/)).toBeInTheDocument();
    expect(server.calls[0]?.body).toEqual({ email: "pat@acme.test" });
    expect(server.calls[0]?.headers.get("X-WellOS-Tenant")).toBe("acme");
  });

  it("spends the link once when it opens, asks for the authenticator code when needed, then signs in", async () => {
    const server = fakeServer({
      "POST /api/v1/auth/magic-link/sign-in": async (request) => {
        const body = (await request.json()) as { mfa_code?: string };
        if (!body.mfa_code) return problem(401, "mfa_required", "an authenticator code is required");
        return json(tokens);
      },
    });
    renderPage(<MagicLinkPage />, { path: "/sign-in/link?tenant=acme&token=link-token-123", route: "/sign-in/link" });
    const ui = userEvent.setup();
    await ui.type(await screen.findByLabelText("Authenticator code"), "123456");
    await ui.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("elsewhere")).toBeInTheDocument();
    expect(session.current).toBe("signed-in");
    expect(server.calls.map((c) => c.body)).toEqual([{ token: "link-token-123" }, { token: "link-token-123", mfa_code: "123456" }]);
    await session.signOut();
  });

  it("says a spent link cannot be used", async () => {
    fakeServer({ "POST /api/v1/auth/magic-link/sign-in": () => problem(401, "link_invalid", "the link is not valid or was used") });
    renderPage(<MagicLinkPage />, { path: "/sign-in/link?tenant=acme&token=spent-token-456" });
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent(/cannot be used \(the link is not valid or was used\)/));
  });

  it("turns the e-mailed link's fragment into the link page, and the SSO callback's tokens into a session", () => {
    const replaced: string[] = [];
    const history = { replaceState: (_: unknown, __: string, url: string) => replaced.push(url) } as unknown as History;
    takeHashLink(session, { hash: "#/magic-link?tenant=acme&token=t1", hostname: "acme.localhost" } as Location, history);
    expect(replaced).toEqual(["/sign-in/link?tenant=acme&token=t1"]);
    takeHashLink(session, { hash: "#/sso?access_token=a&refresh_token=r&token_type=bearer&expires_in=900", hostname: "acme.localhost" } as Location, history);
    expect(replaced[1]).toBe("/wells");
    expect(session.current).toBe("signed-in");
    expect(session.tenant).toBe("acme");
  });
});
