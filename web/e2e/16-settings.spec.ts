import { expect } from "@playwright/test";

import { env, expectAccessible, screenshot, signIn, test } from "./support";

test("sign-in settings: SSO with a write-only secret (the provider's problem at its field), the two-factor policy", async ({ page }) => {
  await signIn(page, "/settings");
  await expect(page.getByRole("heading", { level: 1, name: "Sign-in settings" })).toBeVisible();
  const sso = page.getByRole("form", { name: "Single sign-on" });
  await sso.getByLabel("Issuer URL").fill("https://idp.invalid/");
  await sso.getByLabel("Client id").fill("wellos-office");
  await sso.getByLabel("Client secret").fill("s3cret-value");
  await sso.getByLabel("Allowed e-mail domains").fill("example.com");
  await sso.getByRole("button", { name: "Save single sign-on" }).click();
  // the API checks the provider's discovery document, which this machine cannot reach
  await expect(sso.getByLabel("Issuer URL")).toHaveAttribute("aria-invalid", "true");
  await expect(sso.getByLabel("Client secret")).toHaveValue("s3cret-value");
  await expect(sso.getByLabel("Client id")).toHaveValue("wellos-office");
  const mfa = page.getByRole("form", { name: "Two-factor sign-in" });
  await expect(mfa.getByLabel("Authenticator codes")).toHaveValue(/none|admins|everyone/);
  await screenshot(page, "settings");
  await expectAccessible(page);
  await page.setViewportSize({ width: 768, height: 1024 });
  await expectAccessible(page);
});

test("sign-in: e-mail me a sign-in link, and a spent or wrong link says so", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail").fill(env.email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "a sign-in link is on its way" })).toBeVisible();
  await expectAccessible(page);
  await page.goto("/#/magic-link?tenant=acme&token=not-a-real-link-token");
  await expect(page).toHaveURL(/\/sign-in\/link\?/);
  await expect(page.getByRole("alert")).toContainText("cannot be used");
  await expect(page.getByRole("link", { name: "Sign in with a password instead" })).toBeVisible();
  await expectAccessible(page);
});
