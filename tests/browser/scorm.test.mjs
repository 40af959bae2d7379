// SCORM 1.2: the package (scripts/lib/package_scorm.py) and the SCO (web/embed.js) against a real
// LMS-side run-time, scorm-again's Scorm12API, in a fixture page that plays the LMS
// (fixtures/lms.html). The course is launched from the unzipped package, as an LMS would.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { ROOT, SITE, assert, settle, waitForItem, findItem, clickItem, answerQuiz, scrollUntil } from "./harness.mjs";
import { startServer } from "../../scripts/lib/static_server.mjs";
import { FIXTURES } from "./fixtures/server.mjs";
import { framePage } from "./fixtures/frame_page.mjs";
import { exportCode, importCode } from "./fixtures/progress_code.mjs";

const LESSON2_LOCKED = "Replication Strategies, locked";
const QUIZ = (n) => `quizzes/0${n}-${["introduction", "replication", "partitioning", "consistency", "failover", "production"][n - 1]}.json`;

// Packages build/site twice (the two zips must be identical), unzips one; once per run.
let packaged = null;
function packageSite() {
  if (packaged) return packaged;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dbc-scorm-"));
  process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
  const pack = (out) => execFileSync("python3", [path.join(ROOT, "scripts/lib/package_scorm.py"), "--site", SITE, "--out", out], { stdio: "pipe" });
  pack(path.join(tmp, "a.zip"));
  pack(path.join(tmp, "b.zip"));
  const dir = path.join(tmp, "sco");
  execFileSync("python3", ["-m", "zipfile", "-e", path.join(tmp, "a.zip"), dir]);
  const list = execFileSync("python3", ["-c", "import sys, zipfile; print('\\n'.join(i.filename + ' ' + str(i.date_time) for i in zipfile.ZipFile(sys.argv[1]).infolist()))", path.join(tmp, "a.zip")]).toString().trim().split("\n");
  packaged = { tmp, dir, zipA: path.join(tmp, "a.zip"), zipB: path.join(tmp, "b.zip"), entries: list };
  return packaged;
}

// Opens the LMS page with `cmi` preloaded in a fresh context (empty localStorage), the SCO in
// its iframe; returns the LMS page, the course frame as a page, and the console errors of both.
async function launchLms(browser, cmi = {}) {
  const { dir } = packageSite();
  const server = await startServer({
    root: dir, port: 0,
    extraRoots: { "/node_modules/": path.join(ROOT, "node_modules"), "/lms/": FIXTURES },
  });
  const base = `http://127.0.0.1:${server.address().port}/`;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("requestfailed", (r) => errors.push("request failed: " + r.url()));
  await page.goto(`${base}lms/lms.html?data=${encodeURIComponent(JSON.stringify({ cmi }))}`);
  const course = await framePage(page, "iframe#sco");
  await course.frame.waitForSelector("#loading", { state: "hidden", timeout: 30000 });
  await settle(course);
  const lms = (element) => page.evaluate((e) => window.lmsValue(e), element);
  return {
    page, course, errors, lms,
    calls: () => page.evaluate(() => window.lmsCalls),
    // Write-only elements (cmi.core.exit, session_time) cannot be read back: the last value set.
    lastSet: (element) => page.evaluate((e) => window.lmsCalls.filter((c) => c.name === "LMSSetValue" && c.args[0] === e).map((c) => c.args[1]).pop(), element),
    async close() { await context.close(); server.close(); },
  };
}

// Answers quiz n all right; `then` is what shows once it is passed (the last one opens the
// course-complete page).
async function passQuiz(course, n, then = "Try a new set of questions") {
  await scrollUntil(course, (it) => it.role === "radio");
  await answerQuiz(course, QUIZ(n), 3);
  await clickItem(course, "Submit answers");
  await waitForItem(course, then);
}

async function waitForLms(h, element, expected, timeout = 5000) {
  const until = Date.now() + timeout;
  let value;
  while (Date.now() < until) {
    value = await h.lms(element);
    if (value === expected) return value;
    await h.page.waitForTimeout(50);
  }
  throw new Error(`${element} is ${JSON.stringify(value)}, expected ${JSON.stringify(expected)}`);
}

export const tests = [
  {
    name: "the SCORM 1.2 package: manifest at the root lists every file, and the zip is deterministic",
    async run() {
      const p = packageSite();
      assert(fs.readFileSync(p.zipA).equals(fs.readFileSync(p.zipB)), "packaging the same site twice gives the same bytes");
      assert(p.entries[0].startsWith("imsmanifest.xml "), "imsmanifest.xml is the first entry at the root");
      assert(p.entries.every((e) => e.endsWith(" (1980, 1, 1, 0, 0, 0)")), "every entry has the fixed timestamp");
      const names = p.entries.map((e) => e.split(" ")[0]);
      assert(names.slice(1).join("\n") === names.slice(1).sort().join("\n"), "entries are sorted");
      const xml = fs.readFileSync(path.join(p.dir, "imsmanifest.xml"), "utf8");
      assert(xml.includes("<schema>ADL SCORM</schema>") && xml.includes("<schemaversion>1.2</schemaversion>"), "ADL SCORM 1.2 metadata");
      assert(xml.includes('xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"'), "adlcp 1.2 namespace");
      assert((xml.match(/<organization /g) || []).length === 1 && (xml.match(/<item /g) || []).length === 1, "one organization, one item");
      const resources = xml.match(/<resource [^>]*>/g) || [];
      assert(resources.length === 1 && /adlcp:scormtype="sco"/.test(resources[0]) && /href="index.html"/.test(resources[0]), "one SCO resource launching index.html: " + resources);
      const listed = [...xml.matchAll(/<file href="([^"]+)"\/>/g)].map((m) => decodeURIComponent(m[1])).sort();
      const files = names.filter((n) => n !== "imsmanifest.xml" && !n.endsWith("/")).sort();
      assert(JSON.stringify(listed) === JSON.stringify(files), "every file is listed: listed " + listed.length + ", in zip " + files.length);
      for (const f of ["index.html", "content/course.json"]) assert(files.includes(f), f + " is in the package");
      assert(files.some((f) => /^embed\.[0-9a-f]{10}\.js$/.test(f)) && files.some((f) => /\.wasm$/.test(f)), "the SCO script and the module are in the package");
      const built = path.join(ROOT, "build/course-scorm12.zip");
      const newer = (a, b) => fs.statSync(a).mtimeMs >= fs.statSync(b).mtimeMs;
      if (fs.existsSync(built) && newer(built, path.join(SITE, "index.html")) && newer(built, path.join(ROOT, "scripts/lib/package_scorm.py")))
        assert(fs.readFileSync(built).equals(fs.readFileSync(p.zipA)), "build/course-scorm12.zip is the package of build/site");
    },
  },
  {
    name: "first launch: incomplete, pass quiz 1, suspend_data saved; relaunch elsewhere resumes with lesson 2 open",
    async run({ browser }) {
      let suspend;
      const h = await launchLms(browser, { core: { student_id: "s-1", student_name: "Learner, Test", lesson_status: "not attempted" } });
      try {
        assert((await h.course.evaluate(() => window.DBCEmbed.mode)) === "lms", "the SCO found the LMS's API");
        await waitForLms(h, "cmi.core.lesson_status", "incomplete");
        assert(await findItem(h.course, LESSON2_LOCKED), "lesson 2 starts locked");
        await passQuiz(h.course, 1);
        await waitForItem(h.course, "Replication Strategies");
        suspend = await h.lms("cmi.suspend_data");
        for (let i = 0; i < 100 && !(suspend && importCode(suspend).lessons[0].passed); i++) {
          await h.page.waitForTimeout(50);
          suspend = await h.lms("cmi.suspend_data");
        }
        assert(suspend && suspend.startsWith("DBC1.") && suspend.length <= 4096, "suspend_data holds a progress code: " + suspend);
        const code = importCode(suspend);
        assert(code.lessons[0].passed && !code.lessons[1].passed, "the code says lesson 1 passed: " + JSON.stringify(code.lessons));
        assert((await h.lms("cmi.core.lesson_status")) === "incomplete", "still incomplete after one lesson");
        assert((await h.lms("cmi.core.score.raw")) === "16", "score is 3 of 18 questions: " + (await h.lms("cmi.core.score.raw")));
        assert((await h.lms("cmi.core.score.min")) === "0" && (await h.lms("cmi.core.score.max")) === "100", "score range 0..100");
        assert((await h.lms("cmi.core.lesson_location")) === "introduction", "location is the current lesson");
        const calls = await h.calls();
        if (process.env.DEBUG_LMS) console.log(calls.map((c) => `${c.name}(${c.args.join(", ")}) = ${c.result} [${c.error}]`).join("\n"));
        assert(calls[0].name === "LMSInitialize" && calls[0].result === "true", "LMSInitialize first: " + JSON.stringify(calls[0]));
        const failed = calls.filter((c) => c.result === "false" || c.error !== "0");
        assert(failed.length === 0, "every API call succeeded: " + JSON.stringify(failed));
        assert(calls.some((c) => c.name === "LMSCommit"), "progress is committed");
        // Leaving the SCO (the LMS closes its frame) finishes the session.
        await h.page.evaluate(() => { document.getElementById("sco").src = "about:blank"; });
        await h.page.waitForFunction(() => window.lmsState() === "terminated", null, { timeout: 5000 });
        assert((await h.lastSet("cmi.core.exit")) === "suspend", "exit is suspend, so the LMS keeps suspend_data");
        assert(/^\d{2,4}:\d\d:\d\d(\.\d{1,2})?$/.test(await h.lastSet("cmi.core.session_time")), "session time is a CMITimespan");
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }

      // Another device: nothing in this browser, only what the LMS kept.
      const r = await launchLms(browser, {
        core: { student_id: "s-1", student_name: "Learner, Test", lesson_status: "incomplete", entry: "resume", lesson_location: "introduction" },
        suspend_data: suspend,
      });
      try {
        await waitForItem(r.course, "Replication Strategies");
        assert(!(await findItem(r.course, LESSON2_LOCKED)), "lesson 2 is unlocked from suspend_data alone");
        assert((await r.lms("cmi.core.lesson_status")) === "incomplete", "status stays incomplete");
        assert(r.errors.length === 0, "console errors: " + r.errors.join(" | "));
      } finally {
        await r.close();
      }
    },
  },
  {
    name: "finishing the course: lesson_status passed, score, location",
    async run({ browser }) {
      // Lessons 1-5 passed with 2 of 3 each, lesson 6 open; the learner passes quiz 6 with 3 of 3.
      const five = Array.from({ length: 5 }, () => ({ visited: true, passed: true, attempts: 1, best: 2 }));
      const code = exportCode({ current: 5, lessons: [...five, { visited: true }] });
      const h = await launchLms(browser, { core: { lesson_status: "incomplete", entry: "resume" }, suspend_data: code });
      try {
        await waitForLms(h, "cmi.core.lesson_location", "production");
        assert((await h.lms("cmi.core.lesson_status")) === "incomplete", "5 of 6 lessons: incomplete");
        await passQuiz(h.course, 6, "Review lesson 1");
        await waitForLms(h, "cmi.core.lesson_status", "passed");
        assert((await h.lms("cmi.core.score.raw")) === "72", "score is 13 of 18: " + (await h.lms("cmi.core.score.raw")));
        assert((await h.lms("cmi.core.score.min")) === "0" && (await h.lms("cmi.core.score.max")) === "100", "score range 0..100");
        assert((await h.lms("cmi.core.lesson_location")) === "production", "location is the last lesson");
        const saved = importCode(await h.lms("cmi.suspend_data"));
        assert(saved.lessons.every((l) => l.passed), "suspend_data has every lesson passed");
        const failed = (await h.calls()).filter((c) => c.result === "false" || c.error !== "0");
        assert(failed.length === 0, "every API call succeeded: " + JSON.stringify(failed));
        await h.page.evaluate(() => { document.getElementById("sco").remove(); });
        await h.page.waitForFunction(() => window.lmsState() === "terminated", null, { timeout: 5000 });
        assert((await h.lms("cmi.core.lesson_status")) === "passed", "still passed after LMSFinish");
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
  {
    name: "a pass the LMS already holds is never taken back (progress reset or lost)",
    async run({ browser }) {
      // The LMS recorded a pass with 72 but has no suspend_data (e.g. the learner reset the course).
      const h = await launchLms(browser, { core: { lesson_status: "passed", entry: "resume", score: { raw: "72", min: "0", max: "100" } } });
      try {
        await waitForLms(h, "cmi.core.lesson_location", "introduction");
        const sets = (await h.calls()).filter((c) => c.name === "LMSSetValue").map((c) => c.args[0] + "=" + c.args[1]);
        assert(!sets.some((s) => s.startsWith("cmi.core.lesson_status=") && !s.endsWith("=passed")), "status not lowered: " + sets);
        assert(!sets.some((s) => s.startsWith("cmi.core.score.raw=")), "score not lowered: " + sets);
        assert((await h.lms("cmi.core.lesson_status")) === "passed" && (await h.lms("cmi.core.score.raw")) === "72", "the LMS keeps the pass and the score");
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
];
