// Checks onramp's pages against WCAG 2.1 A and AA with axe-core in headless Chromium,
// signed in as the demo administrator and coach, and that Tab reaches the skip link first.
// Usage: node tests-a11y/check.mjs http://127.0.0.1:PORT
import puppeteer from "puppeteer-core";
import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { createRequire } from "node:module";

const base = process.argv[2] || process.env.ONRAMP_A11Y_URL;
if (!base) {
  console.error("usage: node check.mjs BASE_URL");
  process.exit(2);
}
const require = createRequire(import.meta.url);
const axeSource = readFileSync(join(dirname(require.resolve("axe-core")), "axe.min.js"), "utf8");
const PASSWORD = "onramp-demo-2026";

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", `--user-data-dir=${mkdtempSync(join(tmpdir(), "a11y-"))}`,
  ],
});

let passed = 0;
let failed = 0;

async function check(page, label) {
  // The pages forbid inline script (CSP); axe is injected past it, in the test browser only.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () =>
    await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  const problems = result.violations.map((v) => `  ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("\n    ")}`);
  // Keyboard: the first Tab from the top of the page lands on the skip link; after a failed form,
  // the focus is on the error summary, and the first Tab reaches its first link.
  const summary = await page.evaluate(() => document.activeElement && document.activeElement.className === "error-summary");
  if (!summary) await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => document.activeElement &&
    (document.activeElement.closest(".error-summary") ? "error-summary" : document.activeElement.className));
  const expected = summary ? "error-summary" : "skip-link";
  if (first !== expected) problems.push(`  keyboard: the first Tab reaches "${first}", not the ${expected}`);
  // Reflow (WCAG 1.4.10): at 320 CSS px nothing scrolls sideways, and what scrolls inside the page
  // can be reached by keyboard (axe's scrollable-region-focusable, run again at that width).
  await page.setViewport({ width: 320, height: 800 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  if (wide > 320) {
    // Name the innermost elements that reach past the edge, to say what to fix.
    const culprits = await page.evaluate(() => [...document.querySelectorAll("main *, header *")]
      .filter((e) => e.getBoundingClientRect().right > 321 && ![...e.children].some((c) => c.getBoundingClientRect().right > 321))
      .slice(0, 3).map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : ""}`));
    problems.push(`  reflow: the page is ${wide} px wide at 320 px (${culprits.join(", ")})`);
  }
  const narrow = await page.evaluate(async () =>
    await window.axe.run(document, { runOnly: { type: "rule", values: ["scrollable-region-focusable"] } }));
  for (const v of narrow.violations) problems.push(`  at 320 px: ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  await page.setViewport({ width: 1280, height: 800 });
  if (problems.length === 0) {
    passed += 1;
    console.log(`ok    ${label}`);
  } else {
    failed += 1;
    console.log(`FAIL  ${label}\n${problems.join("\n")}`);
  }
}

async function visit(page, path, label) {
  const response = await page.goto(base + path, { waitUntil: "load" });
  await check(page, `${label || path} (${response.status()})`);
}

async function signIn(page, email) {
  await page.goto(base + "/login", { waitUntil: "load" });
  await page.type("#f-email", email);
  await page.type("#f-password", PASSWORD);
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("form.stack button[type=submit]")]);
}

async function firstLink(page, listPath, prefix, except) {
  await page.goto(base + listPath, { waitUntil: "load" });
  return page.evaluate((prefix, except) => {
    const link = [...document.querySelectorAll("table a")].map((a) => a.getAttribute("href"))
      .find((h) => h.startsWith(prefix) && !except.includes(h));
    return link || null;
  }, prefix, except);
}

for (const language of ["en", "nl", "fr"]) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setBypassCSP(true);
  await page.setExtraHTTPHeaders({ "Accept-Language": language });
  await visit(page, "/login", `/login [${language}]`);
  await context.close();
}

{
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setBypassCSP(true);
  await page.setExtraHTTPHeaders({ "Accept-Language": "en" });
  await signIn(page, "admin@onramp.demo");
  const organisation = await firstLink(page, "/organisations", "/organisations/", ["/organisations/new"]);
  const user = await firstLink(page, "/users", "/users/", ["/users/new"]);
  const programme = await firstLink(page, "/programmes", "/programmes/", ["/programmes/new"]);
  const operation = await firstLink(page, "/esf", "/esf/", []);
  const paths = ["/", "/organisations", "/organisations/new", organisation, `${organisation}/edit`, "/regions", "/users",
    "/users/new", user, "/audit", "/account", "/programmes", programme, "/programmes/new", "/caseload", "/import", "/esf", "/studies",
    operation, operation && `${operation}/edit`, operation && `${operation}/missing`, "/cost-benefit", "/monitoring"];
  for (const path of paths.filter(Boolean)) await visit(page, path);
  // A form in its error state: the browser's own checks are switched off so the server answers.
  await page.goto(base + "/organisations/new", { waitUntil: "load" });
  await page.evaluate(() => { document.querySelector("main form").noValidate = true; });
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("main form button[type=submit]")]);
  await check(page, "/organisations/new with field errors");
  const agreement = await page.goto(base + organisation, { waitUntil: "load" }).then(() =>
    page.evaluate(() => { const a = [...document.querySelectorAll("a")].find((x) => (x.getAttribute("href") || "").startsWith("/agreements/")); return a && a.getAttribute("href"); }));
  if (agreement) await visit(page, agreement);
  await context.close();
}

{
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setBypassCSP(true);
  await page.setExtraHTTPHeaders({ "Accept-Language": "nl" });
  await signIn(page, "sofie.maes@gtb.demo");
  await visit(page, "/", "/ (the coach's worklist)");
  for (const kind of ["step", "check_in", "no_contact"]) await visit(page, `/worklist?kind=${kind}`);
  await visit(page, "/caseload");
  const participant = await firstLink(page, "/caseload", "/participants/", []);
  await visit(page, participant);
  await visit(page, `${participant}/edit`);
  await visit(page, `${participant}/icf`);
  await visit(page, "/icf/categories");
  // The plans of a trajectory whose action plan has been revised: each plan, its edit form, the
  // comparison of two versions.
  const files = await page.goto(base + "/caseload", { waitUntil: "load" }).then(() => page.evaluate(() =>
    [...new Set([...document.querySelectorAll("table a")].map((a) => a.getAttribute("href"))
      .filter((h) => /^\/participants\/[0-9a-f-]+$/.test(h)))].slice(0, 20)));
  let planned = null;
  for (const file of files) {
    await page.goto(base + file, { waitUntil: "load" });
    const plan = await page.evaluate(() => { const a = document.querySelector("a[href$='/plans/action']"); return a && a.getAttribute("href"); });
    if (!plan) continue;
    await page.goto(base + plan, { waitUntil: "load" });
    if (await page.evaluate(() => !!document.querySelector("a[href$='/versions']"))) { planned = plan.replace(/\/action$/, ""); break; }
  }
  if (!planned) throw new Error("no participant in the caseload has a revised action plan");
  for (const kind of ["action", "recovery", "canvas"]) {
    await visit(page, `${planned}/${kind}`);
    await visit(page, `${planned}/${kind}/edit`);
  }
  await visit(page, `${planned}/action/versions?from=1&to=2`);
  await visit(page, "/barrier-codes");
  await visit(page, "/participants/new");
  for (const path of ["/dashboard", "/hours", "/consultations", "/presence", "/sessions", "/sessions/new", "/calendars"]) await visit(page, path);
  const people = await firstLink(page, "/dashboard?from=2024-01-01", "/dashboard/people?figure=started", []);
  if (!people) throw new Error("the dashboard links no figure to its people");
  await visit(page, people);
  const session = await firstLink(page, "/sessions", "/sessions/", ["/sessions/new"]);
  if (!session) throw new Error("the sessions page links no session");
  await visit(page, session);
  await context.close();
}

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
