import { defineConfig } from "@playwright/test";

/**
 * The user's walk through the app, in Debian's Chromium (no browser download).
 * tests/web/test_browser.py starts a seeded platform and runs this with the
 * WELLOS_E2E_* variables set; see e2e/env.ts.
 */
export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  // one retry: a walk that fails twice fails CI; one that passes on its retry is reported as flaky
  retries: 1,
  reporter: [["list"], ["json", { outputFile: process.env.WELLOS_E2E_REPORT ?? "test-results/report.json" }]],
  outputDir: process.env.WELLOS_E2E_OUTPUT ?? "test-results",
  use: {
    baseURL: process.env.WELLOS_E2E_URL,
    viewport: { width: 1280, height: 800 },
    headless: true,
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.WELLOS_CHROMIUM ?? "/usr/bin/chromium",
      // Playwright gives each launch a fresh temporary profile (its --user-data-dir).
      args: [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
      ],
    },
  },
});
