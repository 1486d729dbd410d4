import { expect } from "@playwright/test";

import { env, expectAccessible, screenshot, signIn, test } from "./support";

test("the review queue: two claims side by side, one chosen with a reason", async ({ page }) => {
  await signIn(page, "/review");
  await expect(page.getByRole("navigation", { name: "Main" }).getByLabel(/open conflicts/)).toHaveText("1");
  const row = page.getByRole("row", { name: new RegExp(env.conflictWell) });
  await row.getByRole("link").click();
  const claims = page.getByRole("radio");
  await expect(claims).toHaveCount(2);
  await expect(page.getByText("belts worn")).toBeVisible();
  await expect(page.getByText("all good")).toBeVisible();
  await screenshot(page, "review");
  await expectAccessible(page);
  await page.getByRole("radio", { name: /Claim 2/ }).check();
  await page.getByLabel("Reason").fill("The relief pumper photographed the worn belts");
  await page.getByRole("button", { name: "Resolve with the chosen claim" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Resolved" })).toContainText("worn belts");
  await expect(page.getByRole("navigation", { name: "Main" }).getByLabel(/open conflicts/)).toHaveCount(0);
  // The well's field timeline shows both inspections.
  await page.getByRole("link", { name: "Open the well" }).click();
  await page.getByRole("heading", { name: "Field timeline" }).scrollIntoViewIfNeeded();
  await expect(page.getByText("Inspection failed: belts worn")).toBeVisible();
  await expect(page.getByText("Inspection passed: all good")).toBeVisible();
});
