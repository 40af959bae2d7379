// Shared by the browser tests: Debian's Chromium driven by playwright-core, rendering WebGL2
// with SwiftShader, against build/site served locally.
//
//   const h = await openCourse({ viewport: { width: 1280, height: 800 } });
//   await h.page.screenshot({ path: "build/screenshots/x.png" }); await h.close();
import { chromium } from "playwright-core";
import path from "node:path";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { startServer } from "../../scripts/lib/static_server.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SITE = path.join(ROOT, "build/site");
export const SHOTS = path.join(ROOT, "build/screenshots");
fs.mkdirSync(SHOTS, { recursive: true });

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
];

export async function launch() {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

// Puts these localStorage values in place before any page of the context runs.
export function preloadStorage(context, storage) {
  return context.addInitScript((s) => { for (const [k, v] of Object.entries(s)) localStorage.setItem(k, v); }, storage);
}

// Console errors, uncaught exceptions and failed requests of a page, as they happen.
export function collectErrors(page) {
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("requestfailed", (r) => errors.push("request failed: " + r.url()));
  return errors;
}

// Opens the course in a fresh context; collects console errors and failed requests.
export async function openCourse({ browser, context = null, viewport = { width: 1280, height: 800 }, deviceScaleFactor = 1, url = "", storage = null, server = null } = {}) {
  const ownBrowser = !browser;
  browser = browser || (await launch());
  const srv = server || (await startServer({ root: SITE, port: 0 }));
  const base = `http://127.0.0.1:${srv.address().port}/`;
  context = context || (await browser.newContext({ viewport, deviceScaleFactor }));
  if (storage) await preloadStorage(context, storage);
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(base + url);
  return {
    browser, context, page, errors, base,
    async ready() { await page.waitForSelector("#loading", { state: "hidden", timeout: 30000 }); await page.waitForTimeout(300); },
    async shot(name) { const p = path.join(SHOTS, name + ".png"); await page.screenshot({ path: p }); return p; },
    async close() { await context.close(); if (!server) srv.close(); if (ownBrowser) await browser.close(); },
  };
}

export function assert(condition, message) {
  if (!condition) throw new Error("assertion failed: " + message);
}

// ---- Driving the canvas through the published item list (window.DBC.items) ----

export async function items(page) {
  return page.evaluate(() => window.DBC.items);
}

export async function findItem(page, match) {
  const test = typeof match === "function" ? match : (it) => it.label === match;
  return (await items(page)).find(test);
}

// Waits until an item matching `match` exists (and optionally is visible).
export async function waitForItem(page, match, { timeout = 10000, visible = false } = {}) {
  const until = Date.now() + timeout;
  for (;;) {
    const it = await findItem(page, match);
    if (it && (!visible || it.visible)) return it;
    if (Date.now() > until) throw new Error("no item matching " + String(match) + " within " + timeout + " ms");
    await page.waitForTimeout(50);
  }
}

// Scrolls the reader down (or up) until an item appears: off-screen blocks are not drawn, so
// their widgets exist only once scrolled near.
export async function scrollUntil(page, match, { direction = 1, maxSteps = 400 } = {}) {
  const viewport = page.viewportSize();
  for (let i = 0; i < maxSteps; i++) {
    const it = await findItem(page, match);
    if (it) return it;
    await page.mouse.move(viewport.width * 0.6, viewport.height / 2);
    await page.mouse.wheel(0, direction * viewport.height * 0.7);
    await settle(page);
  }
  throw new Error("scrolled " + maxSteps + " steps without finding " + String(match));
}

// Scrolls until the item matching `match` sits in the upper part of the viewport (for a
// screenshot of what follows it). Returns the item.
export async function revealItem(page, match, { top = 0.15 } = {}) {
  const viewport = page.viewportSize();
  let it = await scrollUntil(page, match);
  for (let i = 0; i < 20; i++) {
    const delta = it.y - viewport.height * top;
    if (Math.abs(delta) < 60) break;
    await page.mouse.move(viewport.width * 0.6, viewport.height / 2);
    await page.mouse.wheel(0, Math.sign(delta) * Math.min(Math.abs(delta), viewport.height * 0.7));
    await settle(page);
    it = (await findItem(page, match)) || it;
  }
  return it;
}

// Waits until the module has stopped drawing (it pauses when nothing moves), so what the page
// reads reflects the last input.
export async function settle(page, timeout = 5000) {
  const until = Date.now() + timeout;
  let last = -1, stable = 0, start = -1;
  while (Date.now() < until) {
    const frames = await page.evaluate(() => window.DBC.frames);
    if (start < 0) start = frames;
    stable = frames === last ? stable + 1 : 0;
    // Idle (nothing new for a few polls), or a running lab has drawn two fresh frames.
    if (stable >= 3 || frames >= start + 3) return;
    last = frames;
    await page.waitForTimeout(40);
  }
}

// Scrolls the reader with the mouse wheel until the item is fully on screen, then clicks its
// centre: the same input path a learner uses.
export async function clickItem(page, match) {
  const viewport = page.viewportSize();
  for (let i = 0; i < 200; i++) {
    const it = await waitForItem(page, match);
    if (process.env.DEBUG_ITEMS) console.log("clickItem", JSON.stringify(it));
    const inView = it.visible && it.y >= 70 && it.y + it.h <= viewport.height - 10;
    if (inView) {
      assert(!it.disabled, `item "${it.label}" is disabled`);
      await page.mouse.click(it.x + it.w / 2, it.y + Math.min(it.h / 2, 20));
      await settle(page);
      return it;
    }
    const dy = it.y + it.h / 2 - viewport.height / 2;
    await page.mouse.move(viewport.width * 0.6, viewport.height / 2);
    await page.mouse.wheel(0, Math.max(-2000, Math.min(2000, dy)));
    await settle(page);
  }
  throw new Error("could not bring item into view: " + String(match));
}

// Clicks a lab's "Copy link" and returns the page URL once its fragment names the run
// (`expected`, a substring). The fragment is written on the frame that handles the click; a
// click that lands while a running lab shifts the layout is retried (the command is idempotent).
export async function copyLink(page, expected) {
  for (let attempt = 0; attempt < 3; attempt++) {
    await clickItem(page, "Copy link");
    const until = Date.now() + 3000;
    while (Date.now() < until) {
      const url = await page.evaluate(() => location.href);
      if (url.includes(expected)) return url;
      await page.waitForTimeout(50);
    }
  }
  return page.evaluate(() => location.href);
}

// Counts distinct colours in a screenshot of the page (WebGL content is really drawn).
export async function canvasIsDrawn(page) {
  const png = (await page.screenshot()).toString("base64");
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
    const probe = document.createElement("canvas");
    probe.width = 128; probe.height = 128;
    const ctx = probe.getContext("2d");
    ctx.drawImage(bitmap, 0, 0, 128, 128);
    const d = ctx.getImageData(0, 0, 128, 128).data;
    const colors = new Set();
    for (let i = 0; i < d.length; i += 4) colors.add((d[i] >> 4) + "," + (d[i + 1] >> 4) + "," + (d[i + 2] >> 4));
    return colors.size;
  }, png);
}

// The quiz bank of a lesson as on disk, to know which shown option is right.
export function quizBank(file) {
  const quiz = JSON.parse(fs.readFileSync(path.join(ROOT, "content", file), "utf8"));
  const plain = (s) => s.replace(/\\([*`\\])|\*\*|\*|`/g, (m, esc) => esc || "");
  const correct = new Set(), wrong = new Set();
  for (const q of quiz.questions) for (const o of q.options) (o.correct ? correct : wrong).add(plain(o.text));
  return { correct, wrong };
}

// Answers the quiz on screen: `right` of the drawn questions correctly, the rest wrongly.
export async function answerQuiz(page, bankFile, right) {
  const bank = quizBank(bankFile);
  const radios = (await items(page)).filter((it) => it.role === "radio");
  assert(radios.length % 4 === 0 && radios.length > 0, "quiz options on screen: " + radios.length);
  for (let q = 0; q < radios.length / 4; q++) {
    const group = radios.slice(q * 4, q * 4 + 4);
    const pick = group.find((o) => (q < right ? bank.correct : bank.wrong).has(o.label));
    assert(pick, "could not classify the options of question " + (q + 1));
    await clickItem(page, (it) => it.role === "radio" && it.id === pick.id);
    const after = await waitForItem(page, (it) => it.id === pick.id && it.checked, { timeout: 5000 }).catch(() => null);
    assert(after, "option is selected after the click: " + pick.label);
  }
}

// A course opened with `progress` (a dbcourse.progress JSON string) in storage and ready; runs
// `body(h)`, then asserts that nothing was logged as a console error, and closes the page.
export async function withCourse(browser, progress, body, viewport = { width: 1280, height: 900 }) {
  const h = await openCourse({ browser, storage: { "dbcourse.progress": progress }, viewport });
  try {
    await h.ready();
    await body(h);
    assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
  } finally {
    await h.close();
  }
}

// Clicks a lab's "Show me: <title>" and waits until the goal's checkbox is checked: the
// demonstration must meet its own goal. Returns the goal item.
export async function showGoal(page, title, { timeout = 30000 } = {}) {
  await scrollUntil(page, "Show me: " + title);
  await clickItem(page, "Show me: " + title);
  return waitForItem(page, (it) => it.role === "checkbox" && it.label === "Goal: " + title && it.checked, { timeout });
}

// Picks `choice` in the first "predict, then run" question that offers it (questions may share
// choices), presses its "Commit and run", and returns the verdict item ("Prediction held: …" or
// "Prediction did not hold: …"), which the run decides.
export async function predict(page, choice, { timeout = 30000 } = {}) {
  const isChoice = (it) => it.role === "radio" && it.label === choice;
  await scrollUntil(page, isChoice);
  const first = (await items(page)).find(isChoice);
  await clickItem(page, (it) => it.id === first.id);
  await waitForItem(page, (it) => it.id === first.id && it.checked, { timeout: 5000 });
  await clickItem(page, (it) => it.label === "Commit and run" && !it.disabled);
  return waitForItem(page, (it) => it.role === "status" && /^Prediction (held|did not hold):/.test(it.label), { timeout });
}
