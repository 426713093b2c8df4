// Writes the README's screenshots: a coach's worklist, a participant file's summary and a session's
// attendance, each 390 CSS px wide (a phone), from a fresh demo.
// Usage: node tests-browser/screenshots.mjs BASE_URL OUT_DIR
import puppeteer from "puppeteer-core";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [base, out] = process.argv.slice(2);
if (!base || !out) {
  console.error("usage: node screenshots.mjs BASE_URL OUT_DIR");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", `--user-data-dir=${mkdtempSync(join(tmpdir(), "shots-"))}`],
});
const page = await browser.newPage();
await page.setViewport({ width: 390, height: 844 });
await page.setExtraHTTPHeaders({ "Accept-Language": "en" });
await page.goto(`${base}/login`, { waitUntil: "load" });
await page.type("#f-email", "sofie.maes@gtb.demo");
await page.type("#f-password", "onramp-demo-2026");
await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("form.stack button[type=submit]")]);

// A screenshot of at most two phone screens from the top of the page.
async function shoot(path, name) {
  await page.goto(base + path, { waitUntil: "load" });
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.screenshot({ path: join(out, name), clip: { x: 0, y: 0, width: 390, height: Math.min(height, 1688) } });
  console.log(`${name}: ${path}`);
}

const firstHref = (selector) => page.evaluate((s) => { const a = document.querySelector(s); return a && a.getAttribute("href"); }, selector);
await shoot("/", "worklist-390.png");
await page.goto(`${base}/caseload`, { waitUntil: "load" });
const file = await firstHref("main table a[href^='/participants/']");
await shoot(file, "participant-summary-390.png");
await page.goto(`${base}/worklist?kind=attendance`, { waitUntil: "load" });
const session = await firstHref("main a[href^='/sessions/']");
if (!session) throw new Error("the demo coach has no session waiting for its attendance");
await shoot(session.replace(/#.*/, ""), "attendance-390.png");
await browser.close();
