import { expect } from "@playwright/test";

import { expectAccessible, screenshot, signIn, test } from "./support";

test("admin: users and roles, assignments, SCADA gateways and tags", async ({ page }) => {
  await signIn(page, "/admin");
  await expect(page.getByRole("heading", { name: "Users and roles" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "SCADA gateways and tags" })).toBeVisible();
  await expect(page.getByRole("cell", { name: /^Pat Pumper/ }).first()).toBeVisible();
  await page.getByLabel("Well", { exact: true }).selectOption({ index: 1 });
  await expect(page.getByRole("group", { name: /Field operators on/ })).toBeVisible();
  await screenshot(page, "admin");
  await expectAccessible(page);
  // A tag mapping: the API's refusal by its field, then the tag in the list.
  const form = page.getByRole("form", { name: "Add a tag" }).first();
  await form.getByLabel("Node id").fill("ns=2;s=Playwright.TP");
  await form.getByLabel("Tag's well").selectOption({ index: 1 });
  await form.getByLabel("Tag name").fill("9 bad name");
  await form.getByRole("button", { name: "Add tag" }).click();
  await expect(form.getByLabel("Tag name")).toHaveAttribute("aria-invalid", "true");
  await form.getByLabel("Tag name").fill("playwright_tp");
  await form.getByRole("button", { name: "Add tag" }).click();
  await expect(page.getByRole("cell", { name: "playwright_tp", exact: true })).toBeVisible();
  // Inviting a user by e-mail: 10-invite-user.spec.ts.
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
