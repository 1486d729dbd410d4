import { expect } from "@playwright/test";

import { env, expectAccessible, screenshot, signIn, test } from "./support";

test("import a spreadsheet: mapping, problems, progress, undo", async ({ page }) => {
  await signIn(page, "/imports");
  await expectAccessible(page);
  await page.getByLabel("The file holds").selectOption("production");
  await page.getByLabel("CSV or XLSX file").setInputFiles(env.importFile);
  await page.getByRole("button", { name: "Upload and preview" }).click();
  await expect(page.getByRole("heading", { name: /november-production\.csv: 6 columns/ })).toBeVisible();
  await expect(page.getByLabel("WellOS field for Water m3")).toHaveValue("water_bbl");
  await expect(page.getByRole("table").filter({ hasText: "Problem" })).toContainText("oil_bbl");
  await page.getByLabel("WellOS field for Hours").selectOption("");
  await page.getByLabel("WellOS field for Hours").selectOption("hours_on");
  await screenshot(page, "import-mapping");
  await expectAccessible(page);
  await page.getByRole("button", { name: "Confirm and import" }).click();
  await expect(page.getByText("SUCCEEDED", { exact: false }).or(page.getByText("succeeded"))).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("status").filter({ hasText: "inserted" })).toContainText("6 inserted");
  await expect(page.getByRole("heading", { name: "Rejected rows" })).toBeVisible();
  await page.getByRole("button", { name: "Undo this import" }).click();
  await expect(page.getByText(/Undone: 6 rows reverted/)).toBeVisible();
  await expectAccessible(page); // the job's page: progress, rejected rows, undone
});
