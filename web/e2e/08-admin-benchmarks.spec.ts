import { expect, test } from "@playwright/test";

import { expectAccessible, screenshot, signIn } from "./support";

test("admin: users and roles, assignments, SCADA gateways and tags", async ({ page }) => {
  await signIn(page, "/admin");
  await expect(page.getByRole("heading", { name: "Users and roles" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "SCADA gateways and tags" })).toBeVisible();
  await expect(page.getByRole("cell", { name: /^Pat Pumper/ })).toBeVisible();
  await page.getByLabel("Well", { exact: true }).selectOption({ index: 1 });
  await expect(page.getByRole("group", { name: /Field operators on/ })).toBeVisible();
  await screenshot(page, "admin");
  await expectAccessible(page);
  // Inviting a user by e-mail arrives with the identity release; adding one with a password works today.
});

test("benchmarks rank the wells by BOE/day, decline, water cut and downtime", async ({ page }) => {
  await signIn(page, "/benchmarks");
  const rows = page.getByRole("table").locator("tbody tr");
  await expect(rows).not.toHaveCount(0);
  await expect(rows.first().locator("td").first()).toHaveText("1");
  await screenshot(page, "benchmarks");
  await expectAccessible(page);
  for (const metric of ["decline_rate", "water_cut", "downtime"]) {
    await page.getByLabel("Rank by").selectOption(metric);
    await expect(page).toHaveURL(new RegExp(`metric=${metric}`));
    await expect(page.getByRole("table").or(page.getByText("No well has production"))).toBeVisible();
  }
});
