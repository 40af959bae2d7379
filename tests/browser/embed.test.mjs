// Embedding outside an LMS: the postMessage API between the course in an iframe and a parent
// page on another origin (web/embed.js, docs/INSTRUCTORS.md), the example embedding page, the
// course in a third-party iframe whose storage is blocked, and the page under its own strict
// Content-Security-Policy, at the root and under a sub-path.
import path from "node:path";
import { ROOT, SITE, assert, settle, waitForItem, clickItem, answerQuiz, scrollUntil } from "./harness.mjs";
import { startServer } from "../../scripts/lib/static_server.mjs";
import { serveFixtures } from "./fixtures/server.mjs";
import { framePage } from "./fixtures/frame_page.mjs";
import { importCode } from "./fixtures/progress_code.mjs";

const VIEWPORT = { width: 1280, height: 800 };
const LESSON1_PASSED = JSON.stringify({
  version: 2, seed: "00000000075bcd15", current: "introduction", scroll: 0,
  lessons: { introduction: { visited: true, attempts: 1, best: 3, passed: true } },
  prefs: { theme: "system", text_scale: 100, reduced_motion: false },
});

async function poll(what, fn, timeout = 10000) {
  const until = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error("timed out waiting for " + what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function collectErrors(page) {
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("requestfailed", (r) => errors.push("request failed: " + r.url()));
  return errors;
}

// The course on http://127.0.0.1:P1, the parent page on http://localhost:P2 (another origin and
// another site), and a third origin for the intruder frame (http://127.0.0.1:P2).
async function openParent(browser, { courseQuery, initScript = null, initArg = null, intruder = false }) {
  const courseServer = await startServer({ root: SITE, port: 0 });
  const coursePort = courseServer.address().port;
  const courseOrigin = `http://127.0.0.1:${coursePort}`;
  // The host page's own policy: it may frame the course's origin and its test intruder, nothing else.
  const fixtureServer = await serveFixtures({
    csp: `default-src 'self'; frame-src ${courseOrigin} http://127.0.0.1:*; script-src 'self'; style-src 'self'; img-src data:`,
  });
  const parentPort = fixtureServer.address().port;
  const parentOrigin = `http://localhost:${parentPort}`;
  const context = await browser.newContext({ viewport: VIEWPORT });
  if (initScript) await context.addInitScript(initScript, Object.assign({ coursePort: String(coursePort) }, initArg));
  const page = await context.newPage();
  const errors = collectErrors(page);
  const warnings = [];
  page.on("console", (m) => { if (m.type() === "warning") warnings.push(m.text()); });
  const courseUrl = `${courseOrigin}/?${courseQuery.replace("PARENT", encodeURIComponent(parentOrigin))}`;
  let url = `${parentOrigin}/parent.html?course=${encodeURIComponent(courseUrl)}`;
  if (intruder) url += `&intruder=${encodeURIComponent(`http://127.0.0.1:${parentPort}/intruder.html`)}`;
  await page.goto(url);
  const course = await framePage(page, "iframe#course");
  await course.frame.waitForSelector("#loading", { state: "hidden", timeout: 30000 });
  await settle(course);
  const received = () => page.evaluate(() => window.received);
  return {
    page, course, errors, warnings, courseOrigin, parentOrigin, received,
    // The messages of one type, in order; waits until there are at least `count`.
    async messages(type, count = 1) {
      return poll(`${count} "${type}" message(s)`, async () => {
        const got = (await received()).filter((m) => m.data && m.data.type === type);
        return got.length >= count ? got : null;
      });
    },
    send: (command, targetOrigin) => page.evaluate(([c, o]) => window.sendToCourse(c, o), [command, targetOrigin || courseOrigin]),
    async close() { await context.close(); courseServer.close(); fixtureServer.close(); },
  };
}

// Counts messages the course's window receives (listener added in the course frame), so a test can
// wait until an ignored command has really been delivered before checking it changed nothing.
async function countDeliveries(course) {
  await course.evaluate(() => {
    window.__delivered = 0;
    window.addEventListener("message", () => { window.__delivered++; });
  });
  return {
    async after(n) { await poll("delivery " + n, () => course.evaluate((k) => window.__delivered >= k, n)); await settle(course); },
  };
}


export const tests = [
  {
    name: "postMessage round trip with a parent on another origin; commands from anyone else are ignored",
    async run({ browser }) {
      // The course (127.0.0.1) is a third-party frame here, so this Chromium gives it no storage:
      // the learner starts fresh and passes quiz 1 in the frame.
      const h = await openParent(browser, { courseQuery: "embed=1&parentOrigin=PARENT", intruder: true });
      try {
        assert((await h.course.evaluate(() => window.DBCEmbed.mode)) === "frame", "frame mode in an iframe with parentOrigin");
        const [ready] = await h.messages("ready");
        const [first] = await h.messages("progress");
        const [height] = await h.messages("height");
        const r = ready.data;
        assert(r.lessons === 6 && r.lesson === 1 && r.lessonId === "introduction" && r.passed.length === 0 &&
          r.percent === 0 && r.completed === false && r.score === 0, "ready carries the state: " + JSON.stringify(r));
        assert(!("suspend" in r), "the progress code is not posted");
        assert(first.data.lesson === 1, "progress: " + JSON.stringify(first.data));
        assert(Number.isInteger(height.data.height) && height.data.height > 0, "height: " + JSON.stringify(height.data));

        await scrollUntil(h.course, (it) => it.role === "radio");
        await answerQuiz(h.course, "quizzes/01-introduction.json", 3);
        await clickItem(h.course, "Submit answers");
        const [passed] = await h.messages("lesson-passed");
        assert(passed.data.lessonId === "introduction" && passed.data.percent === 16, "lesson-passed: " + JSON.stringify(passed.data));
        const afterQuiz = await h.messages("progress", 2);
        const p = afterQuiz[afterQuiz.length - 1].data;
        assert(p.lesson === 1 && JSON.stringify(p.passed) === '["introduction"]' && p.percent === 16 && p.score === 16, "progress after the quiz: " + JSON.stringify(p));
        const all = await h.received();
        assert(all[0].data.type === "ready", "ready comes first: " + all.map((m) => m.data.type));
        assert(all.every((m) => m.origin === h.courseOrigin && m.fromCourse && m.data.source === "dbcourse" && m.data.version === 1),
          "every message comes from the course frame with source dbcourse, version 1");
        const progressCount = async () => (await h.received()).filter((m) => m.data.type === "progress").length;
        let n = await progressCount();

        // goto from the parent's origin: applied.
        await h.send({ source: "dbcourse-parent", type: "goto", lesson: 2 });
        const moved = (await h.messages("progress", ++n))[n - 1].data;
        assert(moved.lesson === 2 && moved.lessonId === "replication", "goto 2 applied: " + JSON.stringify(moved));

        // From a third origin, or malformed, or without our source tag, or for a lesson that does
        // not exist: ignored. Wait until all five were delivered, then check nothing moved.
        const deliveries = await countDeliveries(h.course);
        const intruder = h.page.frames().find((f) => f.url().includes("/intruder.html"));
        assert(intruder && new URL(intruder.url()).origin !== h.parentOrigin, "the intruder frame is on a third origin");
        await intruder.evaluate(() => window.commandSibling({ source: "dbcourse-parent", type: "goto", lesson: 1 }));
        await intruder.evaluate(() => window.commandSibling({ source: "dbcourse-parent", type: "reset" }));
        await h.send({ source: "dbcourse-parent", type: "goto", lesson: "1" });
        await h.send({ type: "goto", lesson: 1 });
        await h.send({ source: "dbcourse-parent", type: "goto", lesson: 99 });
        await deliveries.after(5);
        assert((await progressCount()) === n, "no progress from ignored commands: " + JSON.stringify((await h.received()).slice(-3)));

        // goto lesson 1 and reset from the parent: applied.
        await h.send({ source: "dbcourse-parent", type: "goto", lesson: 1 });
        const back = (await h.messages("progress", ++n))[n - 1].data;
        assert(back.lesson === 1 && back.passed.length === 1, "goto 1 applied: " + JSON.stringify(back));
        await h.send({ source: "dbcourse-parent", type: "reset" });
        const reset = (await h.messages("progress", ++n))[n - 1].data;
        assert(reset.lesson === 1 && reset.passed.length === 0 && reset.percent === 0, "reset applied: " + JSON.stringify(reset));

        // A locked lesson stays locked for the parent too (the course refuses, with a notice).
        const notices = async () => (await h.course.evaluate(() => window.DBC.items)).filter((it) => it.label === "Dismiss").length;
        const before = await notices();
        await h.send({ source: "dbcourse-parent", type: "goto", lesson: 2 });
        await poll("the course's notice", async () => (await notices()) > before);
        assert((await progressCount()) === n, "no progress for a refused goto");
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
  {
    name: "without a valid parentOrigin nothing is posted",
    async run({ browser }) {
      for (const query of ["embed=1", "embed=1&parentOrigin=*", "embed=1&parentOrigin=" + encodeURIComponent("http://localhost:1/page")]) {
        const h = await openParent(browser, { courseQuery: query });
        try {
          await waitForItem(h.course, "Lessons");
          assert((await h.course.evaluate(() => window.DBCEmbed.mode)) === "page", query + ": no frame mode");
          await h.send({ source: "dbcourse-parent", type: "reset" });
          await settle(h.course);
          assert((await h.received()).length === 0, query + ": nothing posted: " + JSON.stringify(await h.received()));
          const told = h.warnings.some((w) => w.includes("[dbcourse] parentOrigin must be an origin"));
          assert(told === query.includes("parentOrigin"), query + ": a warning (not an error) for a parentOrigin that is not an origin: " + h.warnings.join(" | "));
          assert(h.errors.length === 0, query + ": console errors: " + h.errors.join(" | "));
        } finally {
          await h.close();
        }
      }
    },
  },
  {
    name: "storage blocked in a third-party iframe: the course starts, offers the progress code, and works",
    async run({ browser }) {
      const h = await openParent(browser, {
        courseQuery: "embed=1&parentOrigin=PARENT",
        // What a browser that blocks third-party storage does: localStorage throws SecurityError.
        initScript: ({ coursePort }) => {
          if (location.port !== coursePort) return;
          Object.defineProperty(window, "localStorage", {
            configurable: true,
            get() { throw new DOMException("Access is denied for this document.", "SecurityError"); },
          });
        },
      });
      try {
        const [ready] = await h.messages("ready");
        assert(ready.data.lesson === 1, "the course started: " + JSON.stringify(ready.data));
        assert(await h.course.evaluate(() => { try { localStorage; return false; } catch (e) { return e.name === "SecurityError"; } }), "storage throws in the frame");
        await waitForItem(h.course, "Copy my progress code");
        await waitForItem(h.course, "Dismiss");

        // It works: pass quiz 1 in the frame; the parent hears of it; the code carries it.
        await scrollUntil(h.course, (it) => it.role === "radio");
        await answerQuiz(h.course, "quizzes/01-introduction.json", 3);
        await clickItem(h.course, "Submit answers");
        await waitForItem(h.course, "Try a new set of questions");
        const [passed] = await h.messages("lesson-passed");
        assert(passed.data.lessonId === "introduction", "lesson-passed: " + JSON.stringify(passed.data));
        await clickItem(h.course, "Copy my progress code");
        await clickItem(h.course, "Copy code");
        const code = await poll("the copied code", () => h.course.evaluate(() => window.DBC.clipboard));
        assert(importCode(code).lessons[0].passed, "the progress code has lesson 1 passed: " + code);
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
  {
    name: "the example embedding page: messages, auto-height, Go to lesson 2 and Reset",
    async run({ browser }) {
      // web/ as it is under /example/, the assembled course at the root of the same origin.
      const server = await startServer({ root: SITE, port: 0, extraRoots: { "/example/": path.join(ROOT, "web") } });
      const base = `http://127.0.0.1:${server.address().port}`;
      const context = await browser.newContext({ viewport: VIEWPORT });
      await context.addInitScript((saved) => { if (location.pathname === "/") localStorage.setItem("dbcourse.progress", saved); }, LESSON1_PASSED);
      const page = await context.newPage();
      const errors = collectErrors(page);
      page.on("dialog", (d) => d.accept());
      try {
        await page.goto(`${base}/example/embed-example.html?course=/`);
        const src = await page.getAttribute("iframe#course", "src");
        assert(src === `${base}/?embed=1&parentOrigin=${encodeURIComponent(base)}`, "the iframe's address: " + src);
        await page.waitForFunction(() => /^Lesson 1 of 6/.test(document.getElementById("status").textContent), null, { timeout: 30000 });
        await page.waitForFunction(() => document.getElementById("course").style.height !== "", null, { timeout: 10000 });
        assert(!(await page.isDisabled("#goto2")), "the buttons are enabled once the course is ready");
        await page.click("#goto2");
        await page.waitForFunction(() => /^Lesson 2 of 6/.test(document.getElementById("status").textContent), null, { timeout: 10000 });
        await page.click("#reset");
        await page.waitForFunction(() => /^Lesson 1 of 6 · 0% complete/.test(document.getElementById("status").textContent), null, { timeout: 10000 });
        const log = await page.textContent("#log");
        assert(log.includes("ready") && log.includes('sent {"type":"reset"}'), "the log shows the exchange");
        assert(errors.length === 0, "console errors: " + errors.join(" | "));
      } finally {
        await context.close();
        server.close();
      }
    },
  },
  {
    name: "strict CSP: no violation, no console error, every request to the course's origin (root and sub-path)",
    async run({ browser }) {
      for (const prefix of ["/", "/course/"]) {
        const server = await startServer({ root: SITE, port: 0, prefix });
        const origin = `http://127.0.0.1:${server.address().port}`;
        const context = await browser.newContext({ viewport: VIEWPORT });
        await context.addInitScript(() => {
          window.__violations = [];
          document.addEventListener("securitypolicyviolation", (e) => {
            window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
          });
        });
        const page = await context.newPage();
        const errors = collectErrors(page);
        const requests = [];
        page.on("request", (r) => requests.push(r.url()));
        try {
          await page.goto(origin + prefix);
          await page.waitForSelector("#loading", { state: "hidden", timeout: 30000 });
          await waitForItem(page, "Introduction to Distributed Databases");
          await settle(page);
          // Open the next lesson's content too (it is read ahead), then check.
          await poll("lesson content requests", () => requests.some((u) => u.includes("lessons/01-introduction.json")));
          assert((await page.evaluate(() => window.DBCEmbed.mode)) === "page", "no LMS, no parent: page mode");
          const violations = await page.evaluate(() => window.__violations);
          assert(violations.length === 0, prefix + ": CSP violations: " + violations.join(" | "));
          assert(errors.length === 0, prefix + ": console errors: " + errors.join(" | "));
          const foreign = requests.filter((u) => !u.startsWith(origin + prefix) && !u.startsWith("data:"));
          assert(foreign.length === 0, prefix + ": requests elsewhere: " + foreign.join(", "));
          assert(requests.some((u) => /\/embed\.[0-9a-f]{10}\.js$/.test(u)), prefix + ": embed.js is loaded under its hashed name");
        } finally {
          await context.close();
          server.close();
        }
      }
    },
  },
];
