import { createHmac } from "node:crypto";

import { expect } from "@playwright/test";

import { env, expectAccessible, screenshot, signIn, test } from "./support";

/** The authenticator app's code for a base32 key (RFC 6238: SHA-1, 30 s, 6 digits). */
function totp(secret: string, at = Date.now()): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const char of secret.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(char).toString(2).padStart(5, "0");
  const bytes = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac("sha1", bytes).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

test("my account: change password (problem by field), sessions, API keys", async ({ page }) => {
  await signIn(page, "/account");
  await expect(page.getByRole("heading", { level: 1, name: "My account" })).toBeVisible();
  await expect(page.getByRole("table", { name: /./ }).or(page.getByRole("region", { name: "Sessions table" }))).toBeVisible();
  await expect(page.getByRole("region", { name: "Sessions table" }).getByText("This session")).toBeVisible();
  await expectAccessible(page);

  // password: a wrong current one is named at its field; then change and change back
  const password = page.getByRole("form", { name: "Change password" });
  await password.getByLabel("Current password").fill("not-my-password");
  await password.getByLabel("New password").fill(`${env.password}-2`);
  await password.getByRole("button", { name: "Change password" }).click();
  await expect(password.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
  await expect(password.getByLabel("New password")).toHaveValue(`${env.password}-2`);
  await password.getByLabel("Current password").fill(env.password);
  await password.getByRole("button", { name: "Change password" }).click();
  await expect(password.getByRole("status")).toContainText("Password changed");
  await password.getByLabel("Current password").fill(`${env.password}-2`);
  await password.getByLabel("New password").fill(env.password);
  await password.getByRole("button", { name: "Change password" }).click();
  await expect(password.getByRole("status")).toContainText("Password changed");
  // still signed in with the new session
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "My account" })).toBeVisible();

  // API keys: the key is shown once, then revoked
  const keys = page.getByRole("form", { name: "Create an API key" });
  const name = `Playwright ${Date.now()}`;
  await keys.getByRole("button", { name: "Create key" }).click();
  await expect(keys.getByLabel("Key name")).toHaveAttribute("aria-invalid", "true");
  await keys.getByLabel("Key name").fill(name);
  await keys.getByRole("button", { name: "Create key" }).click();
  await expect(keys.getByTestId("api-key")).not.toBeEmpty();
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("ACTIVE");
  await screenshot(page, "account");
  // the answer is awaited first, so a failure names the server's status rather than a stale row
  const revoked = page.waitForResponse((r) => r.url().includes("/api/v1/api-keys/") && r.request().method() === "DELETE");
  await row.getByRole("button", { name: `Revoke the key ${name}` }).click();
  const answer = await revoked;
  expect(answer.status(), await answer.text()).toBe(200);
  await expect(row).toContainText("REVOKED");

  // other sessions end; this one stays
  await page.getByRole("button", { name: "End my other sessions" }).click();
  await expect(page.getByText(/other session\(s\) ended/)).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "My account" })).toBeVisible();
});

test("my account: MFA enrolment with a real code, recovery codes shown once, off again", async ({ page }) => {
  await signIn(page, "/account");
  // MFA: a wrong code at its field, the right one shows the recovery codes once; off again with one of them
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  const confirm = page.getByRole("form", { name: "Confirm the authenticator" });
  await expect(confirm.getByLabel("Authenticator link")).toContainText("otpauth://");
  const secret = (await confirm.getByTestId("totp-secret").textContent()) ?? "";
  await confirm.getByLabel("Code from the app").fill("000000");
  await confirm.getByRole("button", { name: "Confirm" }).click();
  await expect(confirm.getByLabel("Code from the app")).toHaveAttribute("aria-invalid", "true");
  await confirm.getByLabel("Code from the app").fill(totp(secret));
  await confirm.getByRole("button", { name: "Confirm" }).click();
  const codes = page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
  await expect(codes).not.toHaveCount(0);
  const recovery = (await codes.first().textContent()) ?? "";
  await expectAccessible(page);
  const off = page.getByRole("form", { name: "Turn off two-factor sign-in" });
  await off.getByLabel("Code or recovery code").fill(recovery);
  await off.getByRole("button", { name: "Turn off two-factor sign-in" }).click();
  const setUp = page.getByRole("button", { name: "Set up an authenticator app" });
  await expect(setUp.or(page.getByRole("alert")).or(off.locator(".error"))).toBeVisible();
  expect(await page.getByRole("alert").or(off.locator(".error")).allTextContents()).toEqual([]);
  await expect(setUp).toBeVisible();

});
