import { expect } from "@playwright/test";

import { env, expectAccessible, plainUrl, screenshot, signIn, tenant, test } from "./support";

test("a wrong password is refused next to the form, the right one signs in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByText(`Company: ${tenant}`)).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "sign-in");
  await page.getByLabel("E-mail").fill(env.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("not right");
  await page.getByLabel("Password").fill(env.password);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Wells" })).toBeVisible();
});

test("on plain localhost the user names the company", async ({ page }) => {
  await page.goto(`${plainUrl}/sign-in`);
  await page.getByLabel("Company").fill(tenant);
  await page.getByLabel("E-mail").fill(env.email);
  await page.getByLabel("Password").fill(env.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Wells" })).toBeVisible();
});

test("a session that ended sends the user to sign in and back to where they were", async ({ page }) => {
  await signIn(page);
  const link = page.getByRole("table").getByRole("link").first();
  const name = (await link.textContent()) ?? "";
  await link.click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  const where = new URL(page.url()).pathname;
  // The server forgets the session: both tokens are no longer valid.
  await page.evaluate(() => {
    const stored = JSON.parse(localStorage.getItem("wellos.session") ?? "{}");
    localStorage.setItem("wellos.session", JSON.stringify({ ...stored, accessToken: "x.y.z", refreshToken: "revoked-refresh-token" }));
  });
  await page.reload();
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await expect(page.getByText("Your session has ended")).toBeVisible();
  await page.getByLabel("E-mail").fill(env.email);
  await page.getByLabel("Password").fill(env.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`${where}$`));
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
});

test("silent refresh: an expired access token is renewed without the user noticing", async ({ page }) => {
  await signIn(page);
  await page.evaluate(() => {
    const stored = JSON.parse(localStorage.getItem("wellos.session") ?? "{}");
    localStorage.setItem("wellos.session", JSON.stringify({ ...stored, accessToken: "x.y.z" }));
  });
  await page.getByRole("link", { name: "Benchmarks" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Benchmarks" })).toBeVisible();
  await expect(page.getByRole("table")).toBeVisible();
  await expect(page).not.toHaveURL(/sign-in/);
});

test("sign-out ends the session", async ({ page }) => {
  await signIn(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/wells");
  await expect(page).toHaveURL(/\/sign-in/);
});
