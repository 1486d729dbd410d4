import { expect } from "@playwright/test";

import { expectAccessible, screenshot, signIn, test } from "./support";

test("month-end: a tank and a run ticket, the lease's balance with its problems, the reports as files, the filings calendar", async ({ page }) => {
  await signIn(page, "/compliance");
  await expect(page.getByRole("heading", { level: 1, name: "Month-end and compliance" })).toBeVisible();
  const month = await page.getByLabel("Month", { exact: true }).inputValue();
  expect(month).toMatch(/^\d{4}-\d{2}$/);

  // a tank of a lease, strapped (a bad strapping line is named at its field, the form kept)
  const tankForm = page.getByRole("form", { name: "Add a tank" });
  const stamp = Date.now().toString().slice(-6);
  const tankName = `E2E ${stamp}`;
  await tankForm.getByLabel("Tank's lease").selectOption({ index: 1 });
  const leaseLabel = (await tankForm.getByLabel("Tank's lease").locator("option:checked").textContent()) ?? "";
  const leaseNumber = leaseLabel.split(" ")[0] ?? "";
  await tankForm.getByLabel("Tank name").fill(tankName);
  await tankForm.getByLabel("Strapping table").fill("0, 0\ntwelve");
  await tankForm.getByRole("button", { name: "Add tank" }).click();
  await expect(tankForm.getByLabel("Strapping table")).toHaveAccessibleDescription(/line 2/);
  await expect(tankForm.getByLabel("Tank name")).toHaveValue(tankName);
  await tankForm.getByLabel("Strapping table").fill("0, 0\n120, 200\n240, 400");
  await tankForm.getByRole("button", { name: "Add tank" }).click();
  await expect(tankForm.getByRole("status")).toContainText(`Tank ${tankName} added`);

  // a run ticket: the API's problem shows at its field, then the haul is listed with its net volume
  const ticketForm = page.getByRole("form", { name: "Add a run ticket" });
  await ticketForm.getByRole("button", { name: "Add run ticket" }).click();
  await expect(ticketForm.getByLabel("Tank")).toHaveAttribute("aria-invalid", "true");
  await ticketForm.getByLabel("Tank").selectOption({ label: tankName });
  const ticket = `RT-${stamp}`;
  await ticketForm.getByLabel("Ticket number").fill(ticket);
  await ticketForm.getByLabel("Ticket date").fill(`${month}-15`);
  await ticketForm.getByLabel("Purchaser").fill("Plains Marketing");
  await ticketForm.getByLabel("Opening gauge").fill("15' 0\"");
  await ticketForm.getByLabel("Closing gauge").fill("5' 0\"");
  await ticketForm.getByLabel("Observed API gravity").fill("40.2");
  await ticketForm.getByLabel("Observed temperature (°F)").fill("72");
  await ticketForm.getByLabel("BS&W (%)").fill("0.3");
  await ticketForm.getByRole("button", { name: "Add run ticket" }).click();
  await expect(ticketForm.getByRole("status")).toContainText(`Run ticket ${ticket} added`);
  const tickets = page.getByRole("region", { name: "Run tickets table" });
  await expect(tickets.getByRole("row").filter({ hasText: ticket })).toContainText("Plains Marketing");

  // the lease now takes part in month-end: its balance, and its problems with their numbers
  const leaseRow = page.getByRole("region", { name: "Month-end table" }).getByRole("row").filter({ hasText: leaseNumber }).first();
  await expect(leaseRow).toBeVisible();
  const balance = leaseRow.getByText(/^(balanced|\d+ problems)$/).first();
  await expect(balance).toBeVisible();
  if (/problems/.test((await balance.textContent()) ?? "")) {
    // each problem under its lease, with the numbers that broke the rule
    const problems = page.getByRole("row", { name: new RegExp(`^Problems of ${leaseNumber}:`) });
    await expect(problems.getByRole("listitem").first()).toContainText(/\d/);
  }
  await page.getByRole("heading", { name: /^Month-end \d{4}-\d{2} by lease$/ }).scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -16));
  await screenshot(page, "month-end");

  // reports download as files
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download Run tickets (hauling register)" }).click();
  expect((await download).suggestedFilename()).toBe(`run-tickets-${month}.csv`);
  await page.getByLabel("File format").selectOption("xlsx");
  const workbook = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download Month-end balances" }).click();
  expect((await workbook).suggestedFilename()).toBe(`month-end-${month}.xlsx`);

  // the filings calendar of the year
  const calendar = page.getByRole("region", { name: "Filings calendar table" });
  await expect(calendar.getByRole("row").nth(1)).toBeVisible();
  await expectAccessible(page);
  await page.setViewportSize({ width: 768, height: 1024 });
  await expectAccessible(page);
});

test("month-end: keyboard users reach the month, the filters and the forms", async ({ page }) => {
  await signIn(page, "/compliance");
  await page.getByLabel("State", { exact: true }).focus();
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Lease of the run tickets")).toBeFocused();
  await page.getByLabel("State", { exact: true }).selectOption("TX");
  await expect(page).toHaveURL(/state=TX/);
  await expect(page.getByRole("heading", { name: /^Month-end \d{4}-\d{2} by lease$/ })).toBeVisible();
});
