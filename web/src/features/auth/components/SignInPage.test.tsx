import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, problem } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { safeNext, SignInPage, SsoSignIn } from "./SignInPage";

describe("sign-in", () => {
  it("asks for the company on plain localhost and says when the password is wrong", async () => {
    const server = fakeServer({ "POST /api/v1/auth/login": () => problem(401, "invalid_credentials", "invalid e-mail or password") });
    renderPage(<SignInPage />, { path: "/sign-in?next=/alerts" });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Company"), "acme");
    await user.type(screen.getByLabelText("E-mail"), "admin@acme.test");
    await user.type(screen.getByLabelText("Password"), "wrong");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("The e-mail or password is not right."));
    expect(server.calls[0]?.headers.get("X-WellOS-Tenant")).toBe("acme");
    expect(screen.getByLabelText("Password")).toHaveValue("wrong");
  });

  it("refuses a company name that cannot be one, by its field", async () => {
    fakeServer({});
    renderPage(<SignInPage />, { path: "/sign-in" });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Company"), "www");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(screen.getByLabelText("Company")).toHaveAccessibleDescription(/company's WellOS name/);
  });

  it("only ever returns to a path of the app", () => {
    expect(safeNext("/wells/1?range=2y")).toBe("/wells/1?range=2y");
    expect(safeNext("//evil.example/x")).toBe("/wells");
    expect(safeNext("https://evil.example")).toBe("/wells");
    expect(safeNext(null)).toBe("/wells");
  });

  it("offers the tenant's single sign-on as a link to its start, and says when it is required", () => {
    const options = { tenant: "acme", tenant_name: "Acme Oil", password: true, magic_link: true, sso_required: true,
      sso: { kind: "entra" as const, start_path: "/api/v1/auth/sso/start" } };
    const { rerender } = renderPage(<SsoSignIn options={options} />);
    expect(screen.getByRole("link", { name: "Sign in with Microsoft" })).toHaveAttribute("href", "/api/v1/auth/sso/start");
    expect(screen.getByText(/emergency administrator/)).toBeInTheDocument();
    rerender(<SsoSignIn options={{ ...options, sso: null, sso_required: false }} />);
    expect(screen.queryByRole("link")).toBeNull();
  });
});
