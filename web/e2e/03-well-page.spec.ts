import { expect } from "@playwright/test";

import { expectAccessible, openProducingWell, screenshot, signIn, test } from "./support";

test("a well's page: production, live SCADA, forecast, alerts, timeline, equipment", async ({ page }) => {
  await signIn(page);
  await openProducingWell(page);
  await expect(page.locator('[data-chart="production"][data-drawn="true"]')).toBeVisible();
  await expect(page.getByRole("term").filter({ hasText: /^Days$/ })).toBeVisible();
  await expect(page.getByRole("list", { name: "Latest value of each tag" }).getByRole("listitem")).not.toHaveCount(0);
  await expect(page.locator('[data-chart="scada"][data-drawn="true"]')).toBeVisible();
  const outlook = page.getByRole("region", { name: "Model outlook" });
  await outlook.scrollIntoViewIfNeeded();
  await expect(outlook.getByText(/^(Change|Keep) the choke|optimiser has not scored/)).toBeVisible();
  await expect(outlook.getByText(/Last 30 days|water-cut model has not scored/)).toBeVisible();
  await page.getByRole("heading", { name: "Decline forecast" }).scrollIntoViewIfNeeded();
  await expect(page.getByText("EUR")).toBeVisible();
  await expect(page.locator('[data-chart="forecast"][data-drawn="true"]')).toBeVisible();
  await page.getByRole("heading", { name: "Photos" }).scrollIntoViewIfNeeded();
  await expect(page.getByRole("list").filter({ hasText: "Inspection" }).or(page.getByText("Nothing recorded in the field yet."))).toBeVisible();
  for (const section of ["Alerts", "Assignments", "Field timeline", "Equipment", "Photos"]) {
    await expect(page.getByRole("heading", { level: 2, name: section })).toBeVisible();
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, "well");
  await expectAccessible(page);

  await page.getByRole("button", { name: "90 days" }).click();
  await expect(page.getByRole("img", { name: /Daily production from/ })).toBeVisible();
  await page.getByLabel("Months").fill("0");
  await page.getByRole("button", { name: "Fit" }).click();
  await expect(page.locator(".field", { has: page.getByLabel("Months") }).locator(".error")).toBeVisible();
});
