import { expect } from "@playwright/test";

import { env, expectAccessible, screenshot, signIn, test } from "./support";

test("edit an ETL mapping: the source's refusal shows by the setting, then it saves", async ({ page }) => {
  test.skip(!env.etl, "needs MariaDB/MySQL for the operator's source database");
  await signIn(page, "/etl");
  const oil = page.getByLabel("production source column for oil_bbl");
  await expect(oil).toBeVisible();
  const original = await oil.inputValue();
  await oil.fill("Oil Volume");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(oil).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator(".field", { has: oil }).locator(".error")).toContainText("does not exist");
  await expect(oil).toHaveValue("Oil Volume");
  await screenshot(page, "etl");
  await expectAccessible(page);
  await oil.fill(original);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Saved: every table and column was found")).toBeVisible();
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByText("Connected.")).toBeVisible();
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText(/source rows read/)).toBeVisible();
  await page.getByRole("button", { name: "Run now" }).click();
  await expect(page.getByText(/Run succeeded/)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "Runs" })).toBeVisible();
});
