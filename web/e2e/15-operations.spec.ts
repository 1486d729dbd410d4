import { expect } from "@playwright/test";

import { expectAccessible, screenshot, signIn, test } from "./support";

test("operations: propose and submit an AFE, record a permit and its approval, report an incident", async ({ page }) => {
  await signIn(page, "/operations");
  await expect(page.getByRole("heading", { level: 1, name: "Operations" })).toBeVisible();
  const stamp = Date.now().toString().slice(-6);

  // AFEs: a problem by its field, then a draft submitted to its first approver
  const afeForm = page.getByRole("form", { name: "Propose an AFE" });
  await afeForm.getByRole("button", { name: "Create AFE" }).click();
  // the API names the empty fields (the estimate's amount first of all): each shows at its field
  await expect(afeForm.locator('[aria-invalid="true"]').first()).toBeVisible();
  await afeForm.getByLabel("AFE number").fill(`AFE-${stamp}`);
  await afeForm.getByLabel("AFE title").fill("Rod pump conversion");
  await afeForm.getByLabel("AFE's well").selectOption({ index: 1 });
  await afeForm.getByLabel("Category of line 1").selectOption("workover");
  await afeForm.getByLabel("Amount of line 1 (USD)").fill("48000");
  await afeForm.getByRole("button", { name: "Add an estimate line" }).click();
  await afeForm.getByLabel("Amount of line 2 (USD)").fill("2000");
  await afeForm.getByRole("button", { name: "Create AFE" }).click();
  await expect(afeForm.getByRole("status")).toContainText(`AFE AFE-${stamp} drafted`);
  await page.getByRole("button", { name: `Submit AFE AFE-${stamp}` }).click();
  const afeRow = page.getByRole("region", { name: "AFEs table" }).getByRole("row").filter({ hasText: `AFE-${stamp}` });
  await expect(afeRow).toContainText("submitted");
  await expect(afeRow).toContainText("Manager");
  // the first level is a manager's: an admin sees no decision button on it
  await expect(page.getByRole("button", { name: `Decide on AFE AFE-${stamp}` })).toHaveCount(0);
  await screenshot(page, "operations-afes");
  await expectAccessible(page);

  // permits: apply, then record the agency's approval
  await page.getByRole("link", { name: "Permits" }).click();
  const permitForm = page.getByRole("form", { name: "Apply for a permit" });
  const agency = `RRC ${stamp}`;
  await permitForm.getByLabel("Permit type").selectOption("flaring");
  await permitForm.getByLabel("Agency").fill(agency);
  await permitForm.getByRole("button", { name: "Record permit application" }).click();
  // a permit is for a well (or a facility): the API says so at the well's field
  await expect(permitForm.getByLabel("Permit's well")).toHaveAttribute("aria-invalid", "true");
  await permitForm.getByLabel("Permit's well").selectOption({ index: 1 });
  await permitForm.getByRole("button", { name: "Record permit application" }).click();
  await expect(permitForm.getByRole("status")).toContainText(agency);
  await page.getByLabel(`New status of the ${agency} flaring permit`).selectOption("submitted");
  await page.getByRole("button", { name: `Set status of the ${agency} flaring permit` }).click();
  await expect(page.getByRole("region", { name: "Permits table" }).getByRole("row").filter({ hasText: agency })).toContainText("submitted");
  await page.getByRole("button", { name: `Record approval of ${agency} flaring permit` }).click();
  const approval = page.getByRole("form", { name: "Approval of the flaring permit" });
  await approval.getByLabel("Issued on").fill("2026-01-15");
  await approval.getByRole("button", { name: "Record approval" }).click();
  await expect(approval.getByLabel("Permit number")).toHaveAttribute("aria-invalid", "true");
  await approval.getByLabel("Permit number").fill(`F-${stamp}`);
  await approval.getByRole("button", { name: "Record approval" }).click();
  const permitRow = page.getByRole("region", { name: "Permits table" }).getByRole("row").filter({ hasText: agency });
  await expect(permitRow).toContainText(`F-${stamp}`);
  await expect(permitRow).toContainText("approved");
  await expectAccessible(page);

  // incidents: a spill with the notifications it owes
  await page.getByRole("link", { name: "Incidents" }).click();
  const incidentForm = page.getByRole("form", { name: "Report an incident" });
  await incidentForm.getByLabel("Kind").selectOption("spill");
  await incidentForm.getByLabel("Occurred at").fill("2026-11-20T08:30");
  await incidentForm.getByLabel("Discovered at").fill("2026-11-20T09:00");
  await incidentForm.getByLabel("County").fill("Midland");
  const description = `Stuffing box leak ${stamp}`;
  await incidentForm.getByLabel("What happened").fill(description);
  await incidentForm.getByRole("button", { name: "Report incident" }).click();
  await expect(incidentForm.getByRole("status")).toContainText("Spill reported");
  await expect(page.getByRole("region", { name: "Incidents table" }).getByRole("row").filter({ hasText: description })).toBeVisible();
  await expectAccessible(page);
});

test("operations: documents upload and download, well tests, at tablet width", async ({ page }) => {
  await page.setViewportSize({ width: 768, height: 1024 });
  await signIn(page, "/operations?tab=documents");
  await page.getByLabel("Documents' well").selectOption({ index: 1 });
  const name = `inspection-${Date.now()}.pdf`;
  await page.getByLabel("File", { exact: true }).setInputFiles({ name, mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n") });
  await page.getByRole("button", { name: "Upload document" }).click();
  const uploadForm = page.getByRole("form", { name: "Upload a document" });
  await expect(uploadForm.getByRole("status").or(uploadForm.getByRole("alert")).or(uploadForm.locator(".error"))).toContainText(`${name} uploaded`);
  const link = page.getByRole("region", { name: "Documents table" }).getByRole("link", { name });
  await expect(link).toBeVisible();
  const download = page.waitForEvent("download");
  await link.click();
  expect((await download).suggestedFilename()).toBe(name);
  await expectAccessible(page);

  await page.getByRole("link", { name: "Well tests" }).click();
  await page.getByLabel("Tests of well").selectOption({ index: 1 });
  const form = page.getByRole("form", { name: "Log a well test" });
  await form.getByLabel("Test start").fill("2026-11-01T08:00");
  await form.getByLabel("Test end").fill("2026-11-02T08:00");
  await form.getByLabel("Oil (bbl/day)").fill("42");
  await form.getByLabel("Gas (mcf/day)").fill("110");
  await form.getByLabel("Water (bbl/day)").fill("65");
  await form.getByRole("button", { name: "Log well test" }).click();
  await expect(form.getByRole("status")).toContainText("Well test of 24 hours logged");
  await expect(page.getByRole("region", { name: "Well tests table" }).getByRole("cell", { name: "42" }).first()).toBeVisible();
  await expectAccessible(page);
});

test("work orders: a work order's page moves it open -> scheduled -> in progress -> done", async ({ page }) => {
  await signIn(page, "/work-orders");
  const form = page.getByRole("form", { name: "Create a work order" });
  await form.getByLabel("Work order's well").selectOption({ index: 1 });
  const title = `Change out pump ${Date.now()}`;
  await form.getByLabel("Title").fill(title);
  await form.getByRole("button", { name: "Create work order" }).click();
  await page.getByRole("link", { name: title }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await page.getByRole("button", { name: "Schedule" }).click();
  await expect(page.getByLabel("Scheduled for")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Scheduled for").fill("2026-12-20T07:00");
  await page.getByRole("button", { name: "Schedule" }).click();
  await expect(page.getByRole("button", { name: "Schedule" })).toHaveCount(0);
  await expect(page.getByText(/Dec 20, 2026/)).toBeVisible();
  await page.getByLabel("Note for the history").fill("Rig on location");
  await page.getByRole("button", { name: "Start work" }).click();
  await expect(page.getByRole("button", { name: "Start work" })).toHaveCount(0);
  await expect(page.getByRole("listitem").filter({ hasText: "Rig on location" })).toContainText("in progress");
  await page.getByRole("button", { name: "Mark done" }).click();
  await expect(page.getByText("it does not change any more")).toBeVisible();
  await screenshot(page, "work-order");
  await expectAccessible(page);
  await page.setViewportSize({ width: 768, height: 1024 });
  await expectAccessible(page);
});
