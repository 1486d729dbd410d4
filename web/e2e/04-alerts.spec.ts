import { expect } from "@playwright/test";

import { expectAccessible, screenshot, signIn, test } from "./support";

test("the alerts inbox: acknowledge one, resolve one with a note, the count follows", async ({ page }) => {
  await signIn(page, "/alerts");
  const nav = page.getByRole("navigation", { name: "Main" });
  const count = nav.getByLabel(/open alerts/);
  await expect(count).toBeVisible();
  const before = Number(await count.textContent());
  const rows = page.getByRole("table").locator("tbody tr");
  await expect(rows).not.toHaveCount(0);
  await screenshot(page, "alerts");
  await expectAccessible(page);

  await rows.first().getByRole("button", { name: /^Acknowledge/ }).click();
  if (before > 1) await expect(count).toHaveText(String(before - 1));
  else await expect(count).toHaveCount(0);

  await page.getByLabel("Status").selectOption("ACKNOWLEDGED");
  // the open alerts stay on screen (their actions disabled) until the acknowledged ones arrive
  await expect(page.getByRole("region", { name: "Alerts table" })).not.toHaveAttribute("aria-busy", "true");
  const acknowledged = page.getByRole("table").locator("tbody tr").first();
  await acknowledged.getByRole("button", { name: /^Resolve/ }).click();
  await acknowledged.getByRole("textbox").fill("Replaced the pump bearings");
  await expectAccessible(page);
  const resolved = page.waitForResponse((r) => r.url().includes("/resolve") && r.request().method() === "POST");
  await acknowledged.getByRole("button", { name: "Resolve", exact: true }).click();
  const answer = await resolved;
  expect(answer.status(), await answer.text()).toBe(200);
  await page.getByLabel("Status").selectOption("RESOLVED");
  await expect(page.getByText("Note: Replaced the pump bearings")).toBeVisible();
});
