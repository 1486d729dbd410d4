import { expect, type Page } from "@playwright/test";

import { expectAccessible, openProducingWell, signIn, test } from "./support";

/** Every page of the app, by its path and the heading it shows. */
async function pages(page: Page): Promise<{ path: string; heading: string | RegExp }[]> {
  await signIn(page);
  const name = await openProducingWell(page);
  const well = new URL(page.url()).pathname;
  // a conflict's own page (the walk's conflict, open or already resolved)
  await page.goto("/review?status=all");
  await page.getByRole("table").getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1, name: /^Conflict on / })).toBeVisible();
  const conflict = new URL(page.url()).pathname;
  return [
    { path: "/wells", heading: "Wells" },
    { path: "/wells/new", heading: "New well" },
    { path: well, heading: name },
    { path: `${well}/edit`, heading: `Edit ${name}` },
    { path: "/alerts", heading: "Alerts" },
    { path: "/review", heading: "Review queue" },
    { path: conflict, heading: /^Conflict on / },
    { path: "/imports", heading: "Import a spreadsheet" },
    { path: "/etl", heading: "ETL from your database" },
    { path: "/admin", heading: "Admin" },
    { path: "/benchmarks", heading: "Benchmarks" },
    { path: "/work-orders", heading: "Work orders" },
    { path: "/audit", heading: "Audit log" },
    { path: "/account", heading: "My account" },
    { path: "/operations", heading: "Operations" },
    { path: "/operations?tab=permits", heading: "Operations" },
    { path: "/operations?tab=incidents", heading: "Operations" },
    { path: "/compliance", heading: "Month-end and compliance" },
    { path: "/settings", heading: "Sign-in settings" },
  ];
}

/** The page has drawn its data: its heading is there and nothing says "Loading". */
async function settled(page: Page, heading: string | RegExp): Promise<void> {
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: /^Loading/ })).toHaveCount(0);
}

/** How far the page scrolls sideways, and the outermost elements that stick out. */
async function horizontalOverflow(page: Page): Promise<{ px: number; culprits: string[] }> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const scrolls = (el: Element | null): boolean => {
      for (let at = el; at && at !== document.body; at = at.parentElement) {
        const style = getComputedStyle(at);
        if ((style.overflowX === "auto" || style.overflowX === "hidden") && style.position !== "static") return true;
      }
      return false;
    };
    const culprits = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !scrolls(el.parentElement))
      .filter((el) => !(el.parentElement && el.parentElement.getBoundingClientRect().right > width + 0.5))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? "").slice(0, 40)}" (${Math.round(el.getBoundingClientRect().right)} px)`);
    return { px: document.documentElement.scrollWidth - width, culprits };
  });
}

for (const [width, height] of [[1280, 800], [768, 1024]] as const) {
  test(`every page passes axe-core and fits the screen at ${width} px`, async ({ page }) => {
    test.setTimeout(180_000); // some twenty pages, each settled and checked
    await page.setViewportSize({ width, height });
    for (const { path, heading } of await pages(page)) {
      await page.goto(path);
      await settled(page, heading);
      await expectAccessible(page);
      const overflow = await horizontalOverflow(page);
      expect(overflow.px, `${path} scrolls sideways at ${width} px: ${overflow.culprits.join(", ")}`).toBeLessThanOrEqual(0);
    }
    await page.goto("/no-such-page");
    await expect(page.getByRole("alert")).toContainText("There is no such page.");
    await expectAccessible(page);
  });
}

test("the signed-out pages pass axe-core at 768 px", async ({ page }) => {
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto("/sign-in");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in to WellOS" })).toBeVisible();
  await expectAccessible(page);
  expect((await horizontalOverflow(page)).px).toBeLessThanOrEqual(0);
});

test("every page is reached from the navigation by keyboard, the focus moving to its content", async ({ page }) => {
  await signIn(page);
  const nav = page.getByRole("navigation", { name: "Main" });
  const headings: [string, string][] = [
    ["Alerts", "Alerts"], ["Review queue", "Review queue"], ["Benchmarks", "Benchmarks"],
    ["Imports", "Import a spreadsheet"], ["ETL", "ETL from your database"], ["Admin", "Admin"],
    ["Work orders", "Work orders"], ["Audit log", "Audit log"], ["Wells", "Wells"],
    ["Operations", "Operations"], ["Month-end", "Month-end and compliance"], ["Sign-in settings", "Sign-in settings"],
  ];
  for (const [link, heading] of headings) {
    // from the top of a fresh page: Tab to the skip link, then on through the navigation
    await page.reload();
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
    const target = nav.getByRole("link", { name: new RegExp(`^${link}`) });
    for (let presses = 0; presses < 16; presses += 1) {
      if (await target.evaluate((el) => el === document.activeElement)) break;
      await page.keyboard.press("Tab");
    }
    await expect(target).toBeFocused();
    await page.keyboard.press("Enter");
    await settled(page, heading);
    await expect(page.locator("main")).toBeFocused();
    // the page's first control is the next stop after its content
    await page.keyboard.press("Tab");
    const inMain = await page.evaluate(() => document.querySelector("main")?.contains(document.activeElement) ?? false);
    expect(inMain, `Tab from ${heading}'s content stays in the page`).toBe(true);
  }
});

test("the wells list filters by lease and by field", async ({ page }) => {
  await signIn(page);
  const table = page.getByRole("table");
  await expect(table.locator("tbody tr")).not.toHaveCount(0);
  const all = await table.locator("tbody tr").count();
  const lease = page.getByLabel("Lease");
  await expect(lease.locator("option")).not.toHaveCount(1);
  const leaseName = (await lease.locator("option").nth(1).textContent()) ?? "";
  await lease.selectOption({ index: 1 });
  await expect(page).toHaveURL(/lease=/);
  await expect.poll(async () => [...new Set(await table.locator("tbody tr td:nth-child(5)").allTextContents())]).toEqual([leaseName]);
  await lease.selectOption("");
  await expect(table.locator("tbody tr")).toHaveCount(all);

  const field = page.getByLabel("Field", { exact: true });
  await expect(field.locator("option")).not.toHaveCount(1);
  const fieldName = (await field.locator("option").nth(1).textContent()) ?? "";
  await field.selectOption({ index: 1 });
  await expect(page).toHaveURL(/field=/);
  await expect.poll(async () => [...new Set(await table.locator("tbody tr td:nth-child(6)").allTextContents())]).toEqual([fieldName]);
  // the filters survive a reload: they live in the address
  await page.reload();
  await expect(page.getByLabel("Field", { exact: true })).not.toHaveValue("");
  await expect.poll(async () => [...new Set(await table.locator("tbody tr td:nth-child(6)").allTextContents())]).toEqual([fieldName]);
});

test("admin: add a user (the API's problem by its field), change the role, assign a well, deactivate", async ({ page }) => {
  await signIn(page, "/admin");
  const form = page.getByRole("form", { name: "Add a user" });
  const email = form.getByLabel("E-mail");
  await email.fill("not-an-address");
  await form.getByLabel("Full name").fill("Robin Relief");
  await form.getByLabel("Role").selectOption("VIEWER");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Full name")).toHaveValue("Robin Relief");
  await expectAccessible(page);
  const address = `robin.${Date.now()}@example.com`;
  await email.fill(address);
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByRole("status").filter({ hasText: "Robin Relief added." })).toContainText("One-time password");

  const row = page.getByRole("row").filter({ hasText: address });
  await expect(row.getByRole("cell").nth(2)).toContainText(/active/i);
  await row.getByLabel("Role of Robin Relief").selectOption("FIELD_OPERATOR");
  await expect(row.getByLabel("Role of Robin Relief")).toHaveValue("FIELD_OPERATOR");

  await page.getByLabel("Well", { exact: true }).selectOption({ index: 1 });
  const robin = page.getByRole("group", { name: /Field operators on/ }).getByLabel(new RegExp(address.replace(/\./g, "\\.")));
  await robin.click();
  await expect(robin).toBeChecked(); // at once, while it saves (the boxes wait meanwhile)
  await expect(robin).toBeEnabled();
  await expect(robin).toBeChecked();
  await page.reload();
  await expect(page.getByRole("group", { name: /Field operators on/ }).getByLabel(new RegExp(address.replace(/\./g, "\\.")))).toBeChecked();

  await page.getByRole("row").filter({ hasText: address }).getByRole("button", { name: "Deactivate Robin Relief" }).click();
  await expect(page.getByRole("row").filter({ hasText: address }).getByRole("cell").nth(2)).toContainText(/deactivated|inactive/i);
});
