import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, json, problem } from "@/test/fakeServer";
import { signedInAs } from "@/test/me";
import { renderPage } from "@/test/render";

import SettingsPage from "./SettingsPage";

const stored = {
  kind: "oidc", issuer: "https://login.acme.com", discovery_url: "https://login.acme.com/.well-known/openid-configuration", client_id: "wellos",
  client_secret_set: true, allowed_domains: ["acme.com"], default_role: "VIEWER", role_claim: null, role_map: {}, require_sso: false,
  break_glass_email: null, updated_at: "2026-12-01T10:00:00Z",
};

describe("sign-in settings", () => {
  it("keeps the stored client secret unless a new one is typed, and shows the provider's problem at its field", async () => {
    let tries = 0;
    const server = fakeServer({
      "GET /api/v1/me": () => json(signedInAs("ADMIN")),
      "GET /api/v1/auth/sso/config": () => json(stored),
      "GET /api/v1/auth/mfa": () => json({ enrolled: true, required: false, requirement: "none" }),
      "PUT /api/v1/auth/sso/config": async (request) => {
        tries += 1;
        if (tries === 1) return problem(422, "invalid_input", "discovery_url: the provider did not answer", { field: "discovery_url" });
        return json({ ...stored, ...((await request.json()) as object), client_secret_set: true, updated_at: "2026-12-05T10:00:00Z" });
      },
    });
    signedInAs("ADMIN");
    renderPage(<SettingsPage />);
    const ui = userEvent.setup();
    const form = await screen.findByRole("form", { name: "Single sign-on" });
    expect(within(form).getByLabelText("Client secret")).toHaveValue("");
    expect(within(form).getByLabelText("Client secret")).toHaveAccessibleDescription(/A secret is stored and never shown/);
    await ui.clear(within(form).getByLabelText("Allowed e-mail domains"));
    await ui.type(within(form).getByLabelText("Allowed e-mail domains"), "acme.com, acme.co.uk");
    await ui.click(within(form).getByLabelText(/Require SSO/));
    await ui.click(within(form).getByRole("button", { name: "Save single sign-on" }));
    await waitFor(() => expect(within(form).getByLabelText("Issuer URL")).toHaveAccessibleDescription(/the provider did not answer/));
    expect(within(form).getByLabelText("Allowed e-mail domains")).toHaveValue("acme.com, acme.co.uk");
    await ui.click(within(form).getByRole("button", { name: "Save single sign-on" }));
    expect(await screen.findByText("Single sign-on saved.")).toBeInTheDocument();
    const sent = server.calls.filter((c) => c.method === "PUT").at(-1)?.body;
    expect(sent).toMatchObject({ client_id: "wellos", client_secret: null, allowed_domains: ["acme.com", "acme.co.uk"], require_sso: true, entra_tenant_id: null });
  });

  it("sets the two-factor policy", async () => {
    const server = fakeServer({
      "GET /api/v1/me": () => json(signedInAs("ADMIN")),
      "GET /api/v1/auth/sso/config": () => problem(404, "not_found", "no SSO configuration"),
      "GET /api/v1/auth/mfa": () => json({ enrolled: true, required: false, requirement: "none" }),
      "PUT /api/v1/auth/mfa/policy": () => json({ mfa_required: "admins" }),
    });
    signedInAs("ADMIN");
    renderPage(<SettingsPage />);
    const ui = userEvent.setup();
    expect(await screen.findByText(/Not configured: users sign in with a password/)).toBeInTheDocument();
    const form = await screen.findByRole("form", { name: "Two-factor sign-in" });
    await ui.selectOptions(within(form).getByLabelText("Authenticator codes"), "admins");
    await ui.click(within(form).getByRole("button", { name: "Save two-factor policy" }));
    expect(await within(form).findByText("Two-factor sign-in: required for admins.")).toBeInTheDocument();
    expect(server.calls.find((c) => c.method === "PUT")?.body).toEqual({ mfa_required: "admins" });
  });

  it("tells a manager the settings are an admin's", async () => {
    fakeServer({ "GET /api/v1/me": () => json(signedInAs("MANAGER")) });
    signedInAs("MANAGER");
    renderPage(<SettingsPage />);
    expect(await screen.findByRole("alert")).toHaveTextContent("Only admins change the company's sign-in settings.");
    expect(screen.queryByRole("form", { name: "Single sign-on" })).not.toBeInTheDocument();
  });
});
