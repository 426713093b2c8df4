// A coach's morning in headless Chromium, as a person would do it: the worklist (the coach's start
// page) shows the demo's due items; for each kind, the first item's link lands where its work is done,
// the work is done there with the page's own form, and back on the worklist the item is gone.
// Kinds walked: no_contact, attendance, check_in, step (an action-plan step, ticked off on the plan)
// and comment. Also: the consent boxes of the intake are not ticked by default, and withdrawing a consent asks
// for a confirmation before anything changes.
// Usage: node tests-browser/morning.mjs BASE_URL   (a fresh demo: the walk changes its data)
import puppeteer from "puppeteer-core";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const base = process.argv[2];
if (!base) {
  console.error("usage: node morning.mjs BASE_URL");
  process.exit(2);
}
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", `--user-data-dir=${mkdtempSync(join(tmpdir(), "morning-"))}`],
});
const page = await browser.newPage();
// A phone: the morning is walked at 390 px, where a coach on the road works.
await page.setViewport({ width: 390, height: 844 });
await page.setExtraHTTPHeaders({ "Accept-Language": "en" });

let failures = 0;
function expect(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"}  ${what}`);
  if (!ok) failures += 1;
}

async function go(path) {
  const response = await page.goto(base + path, { waitUntil: "load" });
  if (response.status() >= 400) throw new Error(`${path} answered ${response.status()}`);
}

// Submits the form a button belongs to, the way a click does, and waits for the next page.
async function submit(button) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), button.click()]);
  return page.evaluate(() => !document.querySelector(".error-summary"));
}

// The worklist's items of one kind on the start page: their links and texts.
async function items(kind) {
  await go("/");
  return page.evaluate((kind) => [...document.querySelectorAll(`section[aria-labelledby="work-${kind}"] li a`)]
    .map((a) => ({ href: a.getAttribute("href"), text: a.textContent.trim() })), kind);
}

// Follows an item's link as a click does and checks it lands on the page (and section) it names.
async function follow(kind, item) {
  await go("/");
  const link = await page.$(`section[aria-labelledby="work-${kind}"] li a[href="${item.href}"]`);
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), link.click()]);
  const [path, fragment] = item.href.split("#");
  const here = new URL(page.url());
  const target = fragment ? await page.$(`#${fragment}`) : true;
  expect(here.pathname + here.search === path && !!target, `${kind}: "${item.text}" lands on ${item.href}`);
}

// Each kind's work, done on the page its item links to.
const WORK = {
  async no_contact() {
    await page.evaluate(() => document.querySelector("form[action$='/contacts']").closest("details").open = true);
    await page.type("#contact-minutes", "30");
    await page.select("#contact-mode", await page.$eval("#contact-mode option:nth-child(2)", (o) => o.value));
    await page.type("#contact-topic", "Phone call: how the week went");
    return submit(await page.$("form[action$='/contacts'] button[type=submit]"));
  },
  async attendance() {
    // Every enrolment still unmarked is marked present.
    await page.evaluate(() => document.querySelectorAll("form.attendance fieldset, form.attendance tr").forEach((row) => {
      const present = row.querySelector("input[type=radio][value=present]");
      if (present && ![...row.querySelectorAll("input[type=radio]")].some((r) => r.checked)) present.checked = true;
    }));
    return submit(await page.$("form.attendance button[type=submit]"));
  },
  async check_in() {
    const form = await page.$("form[action^='/check-ins/']");
    // Held today, the person reached, their situation chosen as a person would.
    await form.evaluate((f) => {
      f.closest("details").open = true;
      const on = f.querySelector("input[name=done_on]");
      if (on && !on.value) on.value = new Date().toISOString().slice(0, 10);
      f.querySelector("input[name=contact_made]").checked = true;
      const situation = f.querySelector("select[name=situation]");
      if (situation && situation.options.length > 1) situation.selectedIndex = 1;
    });
    return submit(await form.$("button[type=submit]"));
  },
  async step() {
    // The item links to the step on the action plan: it is ticked off there, with the step's own button.
    const step = new URL(page.url()).hash.slice(1);
    const done = await page.$(`li[id="${step}"] form input[name=status][value=done] ~ button[type=submit]`);
    expect(!!done, `step: the plan offers to tick off ${step}`);
    return !!done && submit(done);
  },
  async comment() {
    await page.type("form[action$='/comments'] textarea[name=body]", "Thank you, we take this up on Thursday.");
    return submit(await page.$("form[action$='/comments'] button[type=submit]"));
  },
};

await go("/login");
await page.type("#f-email", "sofie.maes@gtb.demo");
await page.type("#f-password", "onramp-demo-2026");
await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("form.stack button[type=submit]")]);
expect(new URL(page.url()).pathname === "/", "a coach lands on the worklist after signing in");

// This week's sessions: the item leads to the session (it stays until the day has passed).
const sessions = await items("session");
expect(sessions.length > 0, "session: the demo coach's worklist holds this week's sessions");
if (sessions.length > 0) await follow("session", sessions[0]);

// The demo gives every kind walked here an item: a check-in falls due today, plan steps are due.
for (const kind of Object.keys(WORK)) {
  const before = await items(kind);
  expect(before.length > 0, `${kind}: the demo coach's worklist holds items`);
  if (before.length === 0) continue;
  const item = before[0];
  await follow(kind, item);
  expect(await WORK[kind](), `${kind}: the work is recorded without an error`);
  const after = await items(kind);
  expect(!after.some((i) => i.href === item.href && i.text === item.text), `${kind}: "${item.text}" is gone from the worklist`);
}

// Consent cannot slip: the intake ticks no consent box, and a withdrawal needs a confirmation.
await go("/participants/new");
const ticked = await page.$$eval("main input[type=checkbox]", (boxes) => boxes.filter((b) => b.checked).map((b) => b.name));
expect(ticked.length === 0, `the intake ticks no box by default (ticked: ${ticked.join(", ") || "none"})`);
await go("/caseload");
const file = await page.$eval("main table a[href^='/participants/']", (a) => a.getAttribute("href"));
await go(file);
const withdraw = await page.$("form[action*='/consents/'][action$='/withdraw'] button[type=submit]");
expect(!!withdraw, "the file offers to record a consent's withdrawal");
if (withdraw) {
  const form = await withdraw.evaluate((b) => b.form.getAttribute("action"));
  const consentsBefore = await page.$eval("#consents-title", (h) => h.closest("section").textContent);
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), withdraw.click()]);
  const confirm = await page.$(`main form[action="${form}"] button[type=submit]`);
  expect(!!confirm && new URL(page.url()).pathname !== file, "withdrawing asks for a confirmation on its own page first");
  await go(file);
  const consentsAfter = await page.$eval("#consents-title", (h) => h.closest("section").textContent);
  expect(consentsBefore === consentsAfter, "without the confirmation, nothing is withdrawn");
}

await browser.close();
console.log(failures === 0 ? "the coach's morning: all passed" : `the coach's morning: ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
