import { expect } from "@playwright/test";

import { expectAccessible, screenshot, signIn, test } from "./support";

test("admin: invite a user (the API's problem by its field), re-send, revoke, reactivate, end sessions", async ({ page }) => {
  await signIn(page, "/admin");
  const form = page.getByRole("form", { name: "Invite a user" });
  const email = form.getByLabel("E-mail");
  await email.fill("not-an-address");
  await form.getByLabel("Full name").fill("Ivy Invitee");
  await form.getByLabel("Role").selectOption("MANAGER");
  await form.getByRole("button", { name: "Send invitation" }).click();
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Full name")).toHaveValue("Ivy Invitee");
  await expectAccessible(page);

  const address = `ivy.${Date.now()}@example.com`;
  await email.fill(address);
  await form.getByRole("button", { name: "Send invitation" }).click();
  await expect(form.getByRole("status").filter({ hasText: "Ivy Invitee invited." })).toContainText(address);
  const row = page.getByRole("row").filter({ hasText: address });
  await expect(row.getByRole("cell").nth(2)).toContainText(/invited/i);
  await screenshot(page, "admin-invite");

  await row.getByRole("button", { name: "Re-send the invitation of Ivy Invitee" }).click();
  await expect(row.getByRole("status").filter({ hasText: "Invitation sent again." })).toBeVisible();
  await row.getByRole("button", { name: "Revoke the invitation of Ivy Invitee" }).click();
  await expect(row.getByRole("cell").nth(2)).toContainText(/deactivated/i);
  await row.getByRole("button", { name: "Reactivate Ivy Invitee" }).click();
  // never set a password: invited again
  await expect(row.getByRole("cell").nth(2)).toContainText(/invited/i);
  await expectAccessible(page);

  // an active user: end their sessions
  const active = page.getByRole("row").filter({ has: page.getByRole("button", { name: /^End the sessions of / }) }).first();
  await active.getByRole("button", { name: /^End the sessions of / }).click();
  await expect(active.getByRole("status").filter({ hasText: /session\(s\) ended/ })).toBeVisible();
  await active.getByRole("button", { name: /^Reset the two-factor sign-in of / }).click();
  await expect(active.getByRole("status").filter({ hasText: "Two-factor sign-in reset" })).toBeVisible();
});
