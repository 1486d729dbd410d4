import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";

/** A path as the log may show it: no host, no query, long opaque segments (link tokens) elided. */
function loggable(url: string): string {
  const path = url.replace(/^[a-z]+:\/\/[^/]+/, "").split(/[?#]/)[0] ?? "";
  return path.replace(/\/[A-Za-z0-9_-]{40,}/g, "/…");
}

/**
 * Every walk, with its API calls and page loads recorded: a walk that fails prints the last
 * of them (statuses, methods, paths; never tokens), so a flaky failure shows what the app saw.
 */
export const test = base.extend<{ apiLog: void }>({
  apiLog: [
    async ({ page }, use, testInfo) => {
      const started = Date.now();
      const lines: string[] = [];
      const at = () => `+${Date.now() - started}ms`;
      page.on("response", (r) => {
        if (r.url().includes("/api/")) lines.push(`${at()} ${r.status()} ${r.request().method()} ${loggable(r.url())}`);
      });
      page.on("requestfailed", (r) => {
        if (r.url().includes("/api/")) lines.push(`${at()} failed ${r.method()} ${loggable(r.url())}: ${r.failure()?.errorText ?? ""}`);
      });
      page.on("framenavigated", (frame) => {
        if (frame === page.mainFrame()) lines.push(`${at()} page ${loggable(frame.url())}`);
      });
      await use();
      if (testInfo.status !== testInfo.expectedStatus) {
        console.log(`The walk's last API calls and page loads:\n${lines.slice(-80).join("\n")}`);
      }
    },
    { auto: true },
  ],
});

/** What the pytest fixture hands over (tests/web/conftest.py). */
export const env = {
  email: process.env.WELLOS_E2E_EMAIL ?? "",
  password: process.env.WELLOS_E2E_PASSWORD ?? "",
  screenshots: process.env.WELLOS_E2E_SCREENSHOTS ?? "",
  conflictWell: process.env.WELLOS_E2E_CONFLICT_WELL ?? "",
  etl: process.env.WELLOS_E2E_ETL === "1",
  importFile: process.env.WELLOS_E2E_IMPORT_FILE ?? "",
};

export async function signIn(page: Page, path = "/wells"): Promise<void> {
  await page.goto(`/sign-in?next=${encodeURIComponent(path)}`);
  await page.getByLabel("E-mail").fill(env.email);
  await page.getByLabel("Password").fill(env.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/sign-in/);
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  expect(summary, "accessibility violations").toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  if (env.screenshots) await page.screenshot({ path: `${env.screenshots}/${name}.png`, fullPage: false });
}

export const plainUrl = process.env.WELLOS_E2E_PLAIN_URL ?? "";
export const tenant = process.env.WELLOS_E2E_TENANT ?? "";

/** Open the first producing well from the list; returns its name. */
export async function openProducingWell(page: Page): Promise<string> {
  await page.goto("/wells?status=PRODUCING");
  const link = page.getByRole("table").getByRole("link").first();
  const name = (await link.textContent()) ?? "";
  await link.click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  return name;
}
