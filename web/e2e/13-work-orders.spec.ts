import { expect } from "@playwright/test";

import { expectAccessible, openProducingWell, screenshot, signIn, test } from "./support";

test("work orders: create one from an alert in the inbox, then see it in the well's list", async ({ page }) => {
  await signIn(page, "/alerts?status=ALL");
  const button = page.getByRole("button", { name: /^Create a work order from / }).first();
  await expect(button).toBeVisible();
  await button.click();
  const made = page.getByRole("status").filter({ hasText: "Work order created:" }).first();
  await expect(made).toBeVisible();
  const title = (await made.getByRole("link").textContent()) ?? "";
  await made.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1, name: "Work orders" })).toBeVisible();
  await expect(page).toHaveURL(/well=/);
  await expect(page.getByRole("cell", { name: title, exact: true }).first()).toBeVisible();
  await screenshot(page, "work-orders");
  await expectAccessible(page);
});

test("work orders: the list of all wells by status, and a new one (the API's problem by its field)", async ({ page }) => {
  await signIn(page, "/work-orders");
  await expect(page.getByRole("heading", { level: 1, name: "Work orders" })).toBeVisible();
  const form = page.getByRole("form", { name: "Create a work order" });
  await form.getByRole("button", { name: "Create work order" }).click();
  await expect(form.getByLabel("Work order's well")).toHaveAttribute("aria-invalid", "true");
  await form.getByLabel("Work order's well").selectOption({ index: 1 });
  const title = `Replace stuffing box ${Date.now()}`;
  await form.getByLabel("Title").fill(title);
  await form.getByLabel("Priority").selectOption("high");
  await form.getByRole("button", { name: "Create work order" }).click();
  await expect(form.getByRole("status")).toContainText(title);
  await expect(page.getByRole("cell", { name: title, exact: true })).toBeVisible();
  await page.getByLabel("Status").selectOption("open");
  await expect(page).toHaveURL(/status=open/);
  await expect(page.getByRole("cell", { name: title, exact: true })).toBeVisible();
  await expectAccessible(page);
});

test("work orders: a well's page leads to that well's work orders", async ({ page }) => {
  await signIn(page);
  const name = await openProducingWell(page);
  await page.getByRole("main").getByRole("link", { name: "Work orders", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Work orders" })).toBeVisible();
  await expect(page).toHaveURL(/well=/);
  await expect(page.getByLabel("Well", { exact: true }).locator("option:checked")).toHaveText(name);
});
