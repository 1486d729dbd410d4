// Measures the office app in Chromium for bench/web.py; prints one JSON object.
// Input (environment): WELLOS_BENCH_URL, _EMAIL, _PASSWORD, _WELL (a well with SCADA), _RUNS, WELLOS_CHROMIUM.
import { chromium } from "@playwright/test";

const base = process.env.WELLOS_BENCH_URL;
const runs = Number(process.env.WELLOS_BENCH_RUNS ?? 5);
const well = process.env.WELLOS_BENCH_WELL;

const browser = await chromium.launch({
  executablePath: process.env.WELLOS_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});
const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
const page = await context.newPage();

// The first load: which scripts the browser fetched to show the first page.
await page.goto("/sign-in");
await page.getByRole("button", { name: "Sign in" }).waitFor();
const initialScripts = await page.evaluate(() => [
  ...document.querySelectorAll('script[src], link[rel="modulepreload"]'),
].map((el) => new URL(el.getAttribute("src") ?? el.getAttribute("href"), location.href).pathname)
  .concat(performance.getEntriesByType("resource").filter((e) => e.name.endsWith(".js")).map((e) => new URL(e.name).pathname)));

await page.getByLabel("E-mail").fill(process.env.WELLOS_BENCH_EMAIL);
await page.getByLabel("Password").fill(process.env.WELLOS_BENCH_PASSWORD);
await page.getByRole("button", { name: "Sign in" }).click();
await page.locator("table tbody tr").first().waitFor();

async function timed(path, ready) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    await page.goto("about:blank");
    await page.goto(path, { waitUntil: "commit" });
    for (const selector of ready) await page.locator(selector).first().waitFor({ timeout: 30_000 });
    times.push(await page.evaluate(() => performance.now()));
  }
  return times;
}

const wells = await timed("/wells", ["table tbody tr"]);
const wellPage = await timed(`/wells/${well}?range=2y`, [
  '[data-chart="production"][data-drawn="true"]', '[data-chart="scada"][data-drawn="true"]',
]);
const points = await page.evaluate(() => document.querySelectorAll(".uplot").length);
const breakdown = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => ({
  name: new URL(e.name).pathname.replace(/[0-9a-f-]{36}/, ":id"), start: Math.round(e.startTime), end: Math.round(e.responseEnd),
})).concat(performance.getEntriesByType("navigation").map((e) => ({ name: "document", start: 0, end: Math.round(e.responseEnd) }))));
await browser.close();
console.log(JSON.stringify({ initialScripts: [...new Set(initialScripts)], wells, wellPage, charts: points, breakdown }));
