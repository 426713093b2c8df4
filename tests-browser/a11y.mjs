// Checks onramp's pages against WCAG 2.1 A and AA with axe-core in headless Chromium,
// signed in as the demo administrator and coach, and that Tab reaches the skip link first; and the
// participant's portal, its whole journey.
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

// The widths every page is checked at: a desktop, a phone, and the 320 CSS px of WCAG 1.4.10 (reflow).
const WIDTHS = [1280, 390, 320];

async function axe(page, values, type = "tag") {
  return page.evaluate(async (values, type) => await window.axe.run(document, { runOnly: { type, values } }), values, type);
}

async function check(page, label) {
  // The page goes on at the width it had (a phone's journey stays a phone's).
  const kept = page.viewport()?.width ?? 1280;
  // The pages forbid inline script (CSP); axe is injected past it, in the test browser only.
  await page.evaluate(axeSource);
  const problems = [];
  // Keyboard: the first Tab from the top of the page lands on the skip link; after a failed form,
  // the focus is on the error summary, and the first Tab reaches its first link.
  const summary = await page.evaluate(() => document.activeElement && document.activeElement.className === "error-summary");
  if (!summary) await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => document.activeElement &&
    (document.activeElement.closest(".error-summary") ? "error-summary" : document.activeElement.className));
  const expected = summary ? "error-summary" : "skip-link";
  if (first !== expected) problems.push(`  keyboard: the first Tab reaches "${first}", not the ${expected}`);
  for (const width of WIDTHS) {
    await page.setViewport({ width, height: 800 });
    const result = await axe(page, ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]);
    for (const v of result.violations) {
      problems.push(`  at ${width} px: ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("\n    ")}`);
    }
    // axe's scrollable-region-focusable is not tagged wcag21aa: run it by name at every width.
    const scrolling = await axe(page, ["scrollable-region-focusable"], "rule");
    for (const v of scrolling.violations) problems.push(`  at ${width} px: ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
    // Reflow: nothing scrolls sideways; name the innermost elements that reach past the edge.
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > width) {
      const culprits = await page.evaluate((width) => [...document.querySelectorAll("main *, header *")]
        .filter((e) => e.getBoundingClientRect().right > width + 1 && ![...e.children].some((c) => c.getBoundingClientRect().right > width + 1))
        .slice(0, 3).map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : ""}`), width);
      problems.push(`  reflow: the page is ${wide} px wide at ${width} px (${culprits.join(", ")})`);
    }
  }
  await page.setViewport({ width: kept, height: 800 });
  const unique = [...new Set(problems)];
  if (unique.length === 0) {
    passed += 1;
    console.log(`ok    ${label}`);
  } else {
    failed += 1;
    console.log(`FAIL  ${label}\n${unique.join("\n")}`);
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
  await visit(page, "/login/forgot", `/login/forgot [${language}]`);
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
    "/users/new", user, "/audit", "/account", "/account/two-factor", "/programmes", programme, "/programmes/new", "/caseload", "/import", "/esf", "/studies",
    operation, operation && `${operation}/edit`, operation && `${operation}/missing`, "/cost-benefit", "/monitoring"];
  for (const path of paths.filter(Boolean)) await visit(page, path);
  // Data protection: the search (with a field error), and a file's page of who consulted it.
  await visit(page, "/privacy");
  await visit(page, "/privacy?national_register=1234", "/privacy with a field error");
  const someone = await firstLink(page, "/caseload", "/participants/", []);
  if (someone) await visit(page, `${someone}/privacy`);
  if (someone) await visit(page, `${someone}/anonymise`);
  await visit(page, "/retention");
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
  // Attendance on a phone: a session the coach led in the last weeks, whose choices are targets of
  // at least 44 by 44 CSS px at 390 px wide.
  const since = new Date(Date.now() - 42 * 86400000).toISOString().slice(0, 10);
  const today = new Date().toISOString().slice(0, 10);
  const held = await firstLink(page, `/sessions?from=${since}&to=${today}`, "/sessions/", ["/sessions/new"]);
  if (!held) throw new Error("the coach led no session in the last six weeks");
  await page.setViewport({ width: 390, height: 800 });
  await page.goto(base + held, { waitUntil: "load" });
  const targets = await page.evaluate(() => [...document.querySelectorAll("label.choice")]
    .map((l) => l.getBoundingClientRect()).map((r) => [Math.round(r.width), Math.round(r.height)]));
  const small = targets.filter(([w, h]) => w < 44 || h < 44);
  if (targets.length === 0 || small.length > 0) {
    failed += 1;
    console.log(`FAIL  ${held} attendance at 390 px: ${targets.length} choices, too small: ${JSON.stringify(small.slice(0, 3))}`);
  } else {
    passed += 1;
    console.log(`ok    ${held} attendance at 390 px: ${targets.length} choices of at least 44 by 44 px`);
  }
  await page.setViewport({ width: 1280, height: 800 });
  await visit(page, held);
  // "Mark all present" asks first: its confirmation page (the demo's sessions are all marked, so the
  // page's own button is not there; the same post is sent).
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.evaluate(() => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = `${location.pathname}/attendance/all-present`;
    form.append(document.querySelector("input[name=csrf]").cloneNode());
    document.body.append(form);
    form.submit();
  })]);
  await check(page, `${held}/attendance/all-present (the confirmation)`);
  await context.close();
}

// Every other role: its start page, each page its menu leads to, and the first record each of them
// links to (in another language each, so all three are seen signed in).
const OTHERS = [
  ["coordinator.limburg@onramp.demo", "fr"],
  ["dr.vermeulen@scheldeoever.demo", "nl"],
  ["ervaringsdeskundige@gtb.demo", "nl"],
  ["auditor@esf.demo", "en"],
  ["onderzoeker@ugent.demo", "en"],
];
for (const [email, language] of OTHERS) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setBypassCSP(true);
  await page.setExtraHTTPHeaders({ "Accept-Language": language });
  await signIn(page, email);
  const menu = await page.evaluate(() => [...document.querySelectorAll("header nav a")].map((a) => a.getAttribute("href")));
  const seen = new Set();
  for (const path of ["/", ...menu]) {
    if (seen.has(path)) continue;
    seen.add(path);
    await visit(page, path, `${path} [${email}]`);
    const record = await page.evaluate((path) => [...document.querySelectorAll("main a:not([download])")]
      .map((a) => a.getAttribute("href") || "")
      // Without its fragment: a page opened at a fragment starts the Tab order there, by design.
      .map((h) => h.split("#")[0])
      .find((h) => h.startsWith(path === "/" ? "/participants/" : `${path}/`) && !/\/new$|\.[a-z]+$|\?/.test(h)) || null, path);
    if (record && !seen.has(record)) {
      seen.add(record);
      await visit(page, record, `${record} [${email}]`);
    }
  }
  await context.close();
}

// The participant's portal (docs/portal.md), the whole journey as people do it: the coach prints a
// code and shares the action plan; the participant, on a phone, opens the account (first with
// mistakes), reads their home and their plan, writes to the coach, proposes a step, ticks one off,
// withdraws and gives a consent (once with a mistake), scores how they are doing (once with a
// mistake) and sees the chart, makes a calendar address, reads who looked at their file, downloads their
// data, signs out and in again (once with a wrong password). Every page is checked in nl, fr and en
// at every width, the forms in their error state too, and Tab reaches every control, each with a
// visible focus.
async function tabThrough(page, label) {
  // A group of radio buttons is one stop of the Tab order (the arrow keys move within it).
  // A date field is one control of three stops (day, month, year): Tab walks through each.
  const [controls, stops] = await page.evaluate(() => {
    const all = [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea")]
      .filter((e) => e.offsetParent !== null && !e.disabled);
    const radios = new Set(all.filter((e) => e.type === "radio").map((e) => e.name));
    const controls = all.filter((e) => e.type !== "radio").length + radios.size;
    return [controls, controls + 2 * all.filter((e) => e.type === "date").length];
  });
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  const reached = new Set();
  const unseen = [];
  for (let i = 0; i < stops + 2; i += 1) {
    await page.keyboard.press("Tab");
    const info = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      const style = getComputedStyle(e);
      const visible = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
      return { key: `${[...document.querySelectorAll("*")].indexOf(e)} ${e.outerHTML.slice(0, 60)}`, visible };
    });
    if (!info) continue;
    reached.add(info.key);
    if (!info.visible) unseen.push(info.key);
  }
  const ok = reached.size >= controls && unseen.length === 0;
  if (ok) passed += 1; else failed += 1;
  console.log(`${ok ? "ok  " : "FAIL"}  keyboard ${label}: ${reached.size} of ${controls} controls reached${unseen.length ? `, no visible focus on ${unseen.slice(0, 3).join(" | ")}` : ""}`);
}

// Chooses the page's language with the header's form, as a person does.
async function setLanguage(page, language) {
  await page.evaluate(async (language) => {
    const form = document.querySelector("form.language");
    form.querySelector("select").value = language;
    form.submit();
  }, language);
  await page.waitForNavigation({ waitUntil: "load" });
}

async function submitForm(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(selector)]);
}

{
  const staff = await browser.createBrowserContext();
  const coach = await staff.newPage();
  await coach.setBypassCSP(true);
  await coach.setExtraHTTPHeaders({ "Accept-Language": "en" });
  await signIn(coach, "sofie.maes@gtb.demo");
  const person = await firstLink(coach, "/caseload", "/participants/", []);
  await visit(coach, `${person}/portal`);
  await submitForm(coach, `form[action$='/portal/invitations'] input[value=code] ~ button`);
  await check(coach, `${person}/portal with the printed letter`);
  const letter = await coach.evaluate(() => [...document.querySelectorAll(".letter dd")].map((d) => d.textContent.trim()));
  const [signInName, code] = [letter[1], letter[2]];
  // The coach shares the person's action plan with them, from the plan's editor.
  await coach.goto(base + person, { waitUntil: "load" });
  const plan = await coach.$eval("a[href$='/plans/action']", (a) => a.getAttribute("href"));
  await coach.goto(base + plan + "/edit", { waitUntil: "load" });
  await coach.$eval("#f-shared_with_participant", (box) => { box.checked = true; });
  await submitForm(coach, "form[action$='/edit'] > button[type=submit]");
  await check(coach, `${plan} shared with the participant`);

  const own = await browser.createBrowserContext();
  const page = await own.newPage();
  await page.setBypassCSP(true);
  await page.setExtraHTTPHeaders({ "Accept-Language": "nl" });
  await page.setViewport({ width: 390, height: 844 });
  await visit(page, "/portal/start", "/portal/start [nl]");
  // Mistakes the browser lets through: an unknown code, a short password, the terms not ticked.
  await page.type("#f-code", "nonsense");
  await page.type("#f-password", "kort");
  await page.type("#f-password_again", "anders");
  await submitForm(page, "form.stack button[type=submit]");
  await check(page, "/portal/start with errors [nl]");
  await page.$eval("#f-code", (e) => { e.value = ""; });
  await page.type("#f-code", code.toLowerCase());
  await page.type("#f-password", "mijn eigen lang wachtwoord");
  await page.type("#f-password_again", "mijn eigen lang wachtwoord");
  await page.click("#f-accept_terms");
  await submitForm(page, "form.stack button[type=submit]");
  const home = new URL(page.url()).pathname === "/portal";
  if (home) passed += 1; else failed += 1;
  console.log(`${home ? "ok  " : "FAIL"}  the code opens the account and lands on the portal's home`);

  const ownPlan = plan.replace(/^\/trajectories\/([^/]+)\/plans\/action$/, "/portal/plans/$1/action");
  const pages = ["/portal", "/portal/plans", ownPlan, "/portal/sessions", "/portal/consents", "/portal/access-log", "/portal/download", "/portal/help", "/portal/two-factor", "/portal/end"];
  for (const language of ["nl", "fr", "en"]) {
    await setLanguage(page, language);
    for (const path of pages) {
      await visit(page, path, `${path} [${language}]`);
      if (language === "en") await tabThrough(page, path);
    }
  }
  // The plan: a message sent empty (an error), then sent; a step proposed with a wrong date, then
  // right; their own step ticked off.
  const planOpened = (await page.goto(base + ownPlan, { waitUntil: "load" })).status() === 200;
  if (planOpened) passed += 1; else failed += 1;
  console.log(`${planOpened ? "ok  " : "FAIL"}  the plan the coach shared opens in the portal`);
  // Spaces only: the browser lets them through (the field is required), onramp does not.
  await page.type("textarea[name=body]", "   ");
  await submitForm(page, "form[action$='/comments'] button[type=submit]");
  await check(page, `${ownPlan} with an empty message [en]`);
  await tabThrough(page, `${ownPlan} with an empty message`);
  await page.type("textarea[name=body]", "Can we talk about the second step?");
  await submitForm(page, "form[action$='/comments'] button[type=submit]");
  const sent = (await page.$(".notice")) && (await page.content()).includes("Can we talk about the second step?");
  if (sent) passed += 1; else failed += 1;
  console.log(`${sent ? "ok  " : "FAIL"}  a message to the coach is sent and shown`);
  const proposing = await page.$("form[action$='/action/steps']");
  if (proposing) {
    await page.type("form[action$='/action/steps'] input[name=description]", "Walk to the bus stop every morning");
    await page.type("form[action$='/action/steps'] input[name=goal_title]", "Getting out");
    await page.$eval("form[action$='/action/steps'] input[name=due_on]", (e) => { e.type = "text"; e.value = "soon"; });
    await submitForm(page, "form[action$='/action/steps'] button[type=submit]");
    await check(page, `${ownPlan} with a wrong date [en]`);
    await page.$eval("form[action$='/action/steps'] input[name=due_on]", (e) => { e.value = ""; });
    await submitForm(page, "form[action$='/action/steps'] button[type=submit]");
  }
  const proposed = proposing && (await page.content()).includes("Walk to the bus stop every morning");
  if (proposed) passed += 1; else failed += 1;
  console.log(`${proposed ? "ok  " : "FAIL"}  a step is proposed to the coach`);
  const tick = await page.$("form[action$='/done'] button");
  if (tick) {
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), tick.click()]);
    await check(page, `${ownPlan} after a step is ticked off [en]`);
  }
  // Consents: a withdrawal, a gift with a mistake (nothing chosen), then right.
  await page.goto(base + "/portal/consents", { waitUntil: "load" });
  const withdraw = await page.$("form[action$='/withdraw'] button");
  if (withdraw) await Promise.all([page.waitForNavigation({ waitUntil: "load" }), withdraw.click()]);
  const noticed = await page.$(".notice");
  if (withdraw && noticed) passed += 1; else failed += 1;
  console.log(`${withdraw && noticed ? "ok  " : "FAIL"}  a consent is withdrawn at once, with a notice`);
  await submitForm(page, "form[action='/portal/consents'] button[type=submit]");
  await check(page, "/portal/consents with an error [en]");
  await tabThrough(page, "/portal/consents with an error");
  await page.click("#purpose-research");
  await submitForm(page, "form[action='/portal/consents'] button[type=submit]");
  const given = await page.$(".notice");
  if (given) passed += 1; else failed += 1;
  console.log(`${given ? "ok  " : "FAIL"}  a consent is given`);
  // Self-ratings (/portal/ratings) in each language: the form, its error state (nothing filled
  // in), and the chart with its table after saving; then a new calendar address on the sessions page.
  for (const language of ["nl", "fr", "en"]) {
    await setLanguage(page, language);
    await visit(page, "/portal/ratings", `/portal/ratings [${language}]`);
    await submitForm(page, "form[action='/portal/ratings'] button[type=submit]");
    await check(page, `/portal/ratings with an error [${language}]`);
    if (language === "en") await tabThrough(page, "/portal/ratings with an error");
    const score = await page.$("form[action='/portal/ratings'] input[inputmode=numeric]");
    await score.click({ clickCount: 3 });
    await score.type("6");
    await submitForm(page, "form[action='/portal/ratings'] button[type=submit]");
    const charted = (await page.$("svg.chart.lines")) !== null && (await page.$("main table")) !== null;
    if (charted) passed += 1; else failed += 1;
    console.log(`${charted ? "ok  " : "FAIL"}  the scores are saved and charted [${language}]`);
    await check(page, `/portal/ratings with the chart [${language}]`);
  }
  await page.goto(base + "/portal/sessions", { waitUntil: "load" });
  await submitForm(page, "form[action='/portal/sessions/feeds'] button[type=submit]");
  await check(page, "/portal/sessions with a new calendar address [en]");
  // Who looked: the coach's visit of the file is there.
  await page.goto(base + "/portal/access-log", { waitUntil: "load" });
  const entries = await page.$$eval("main .cards li", (items) => items.length);
  if (entries > 0) passed += 1; else failed += 1;
  console.log(`${entries > 0 ? "ok  " : "FAIL"}  who looked at the file: ${entries} entries`);
  // The download, as the link fetches it.
  const download = await page.evaluate(async () => {
    const response = await fetch("/portal/download.zip");
    const bytes = new Uint8Array(await response.arrayBuffer());
    return { status: response.status, type: response.headers.get("content-type"), zip: bytes[0] === 0x50 && bytes[1] === 0x4b };
  });
  const downloaded = download.status === 200 && download.type === "application/zip" && download.zip;
  if (downloaded) passed += 1; else failed += 1;
  console.log(`${downloaded ? "ok  " : "FAIL"}  the download is a ZIP (${JSON.stringify(download)})`);
  // Out, and in again: once with a wrong password.
  await submitForm(page, "form[action='/logout'] button");
  await visit(page, "/portal/sign-in");
  await page.type("#f-email", signInName);
  await page.type("#f-password", "not my password at all");
  await submitForm(page, "form.stack button[type=submit]");
  await check(page, "/portal/sign-in with a wrong password");
  await page.type("#f-password", "mijn eigen lang wachtwoord");
  await submitForm(page, "form.stack button[type=submit]");
  const back = new URL(page.url()).pathname === "/portal";
  if (back) passed += 1; else failed += 1;
  console.log(`${back ? "ok  " : "FAIL"}  signed in again with the sign-in name of the letter`);
  await own.close();
  await staff.close();
}

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
