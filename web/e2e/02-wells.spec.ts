import { expect } from "@playwright/test";

import { expectAccessible, screenshot, signIn, test } from "./support";

test("the wells list filters, sorts, pages and maps the wells", async ({ page }) => {
  await signIn(page);
  const table = page.getByRole("table");
  await expect(table.getByRole("row")).not.toHaveCount(1);
  await expect(page.getByRole("img", { name: /Map of \d+ well locations/ })).toBeVisible();
  await screenshot(page, "wells");
  await expectAccessible(page);

  await page.getByLabel("Status").selectOption("SHUT_IN");
  await expect(page.getByRole("heading", { level: 2, name: /\d+ wells/ })).toBeVisible();
  await expect(page).toHaveURL(/status=SHUT_IN/);
  await expect.poll(async () => [...new Set(await table.locator("tbody tr td:nth-child(3)").allTextContents())]).toEqual(["SHUT IN"]);
  await page.getByLabel("Status").selectOption("");

  await page.getByRole("button", { name: /^Name/ }).click(); // now descending
  await expect(page.getByRole("columnheader", { name: /Name/ })).toHaveAttribute("aria-sort", "descending");
  const names = await table.locator("tbody tr td:first-child").allTextContents();
  expect(names).toEqual([...names].sort((a, b) => b.localeCompare(a, undefined, { numeric: true })));

  const first = names[0] ?? "";
  await page.getByLabel("Search").fill(first);
  await expect(table.locator("tbody tr")).toHaveCount(1);
  await page.getByLabel("Search").fill("");
  await expect(page.getByRole("navigation", { name: "Well pages" })).toContainText("of");
});

test("a new well: the API's problem shows by its field, nothing typed is lost, then the lifecycle", async ({ page }) => {
  await signIn(page);
  await page.getByRole("link", { name: "New well" }).click();
  await page.getByLabel("Name").fill("Playwright 1H");
  await page.getByLabel("API number").fill("12345");
  await page.getByLabel("Surface latitude").fill("31.9");
  await page.getByRole("button", { name: "Create well" }).click();
  const api = page.getByLabel("API number");
  await expect(api).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator(".field", { has: api }).locator(".error")).toContainText("digits");
  await expect(page.getByLabel("Name")).toHaveValue("Playwright 1H");
  await expect(page.getByLabel("Surface latitude")).toHaveValue("31.9");
  await expectAccessible(page);
  await api.fill(`42-329-${90000 + Math.floor(Math.random() * 9999)}`);
  await page.getByRole("button", { name: "Create well" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Playwright 1H" })).toBeVisible();
  const lifecycle = page.getByRole("group", { name: "Lifecycle" });
  await expect(lifecycle.getByRole("button")).toHaveText(["Mark permitted", "Cancel well"]);
  await lifecycle.getByRole("button", { name: "Mark permitted" }).click();
  await expect(page.getByText("PERMITTED", { exact: true })).toBeVisible();
  await expect(lifecycle.getByRole("button")).toHaveText(["Start drilling", "Cancel well"]);
  await page.getByRole("link", { name: "Edit" }).click();
  await page.getByLabel("Well number").fill("1H");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Playwright 1H" })).toBeVisible();
});

test("usable on a 768-pixel tablet", async ({ page }) => {
  await page.setViewportSize({ width: 768, height: 1024 });
  await signIn(page);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts" })).toBeVisible();
  await expect(page.getByRole("table")).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, "wells-tablet");
  await expectAccessible(page);
});

test("the wells list works by keyboard", async ({ page }) => {
  await signIn(page);
  await page.goto("/wells");
  await expect(page.getByRole("link", { name: "New well" })).toBeVisible();
  await expect(page.getByRole("table")).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "New well" })).toBeFocused();
  await page.getByRole("button", { name: /^API number/ }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("columnheader", { name: /API number/ })).toHaveAttribute("aria-sort", "ascending");
  const first = page.getByRole("table").getByRole("link").first();
  const name = (await first.textContent()) ?? "";
  await first.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.locator("main")).toBeFocused();
});
