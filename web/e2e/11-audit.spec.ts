import { expect } from "@playwright/test";

import { env, expectAccessible, screenshot, signIn, test } from "./support";

test("audit log: filter by actor, action and day, page, export CSV", async ({ page }) => {
  await signIn(page, "/audit");
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  const rows = page.getByRole("table").locator("tbody tr");
  await expect(rows).not.toHaveCount(0);
  await screenshot(page, "audit");
  await expectAccessible(page);

  // the admin's own sign-ins, today
  const today = new Date().toISOString().slice(0, 10);
  const filters = page.getByRole("form", { name: "Audit filters" });
  await filters.getByLabel("Actor (e-mail)").fill(env.email);
  await filters.getByLabel("From day").fill(today);
  await filters.getByLabel("To day").fill(today);
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/actor=/);
  await expect(rows).not.toHaveCount(0);
  await expect.poll(async () => [...new Set(await rows.locator("td:nth-child(2)").allTextContents())]).toEqual([env.email]);

  // a bad day: the API's problem by its field
  await page.goto("/audit?from=yesterday");
  await expect(page.getByLabel("From day")).toHaveAttribute("aria-invalid", "true");

  await page.goto("/audit");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
});
