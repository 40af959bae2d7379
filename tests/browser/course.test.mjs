// The course issue's browser path: read lesson 1, fail its quiz once, retry and pass, see
// lesson 2 unlock; reload and find the progress; garbage in storage never breaks the app.
import { openCourse, assert, clickItem, findItem, waitForItem, answerQuiz, canvasIsDrawn } from "./harness.mjs";

const LESSON2_LOCKED = "Replication Strategies, locked";

export const tests = [
  {
    name: "app shell loads without console errors and draws the first lesson",
    async run({ browser }) {
      const h = await openCourse({ browser });
      try {
        await h.ready();
        assert((await canvasIsDrawn(h.page)) > 8, "canvas shows more than a flat colour");
        await waitForItem(h.page, "Introduction to Distributed Databases");
        await h.shot("smoke-lesson1");
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
  {
    name: "the canvas has the stage's size from the start and follows the window when it changes",
    async run({ browser }) {
      const h = await openCourse({ browser, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 });
      try {
        await h.ready();
        const size = () => h.page.evaluate(() => [document.getElementById("canvas").width, document.getElementById("canvas").height]);
        assert(JSON.stringify(await size()) === "[2560,1600]", "canvas at 2x the stage: " + (await size()));
        await h.page.setViewportSize({ width: 900, height: 700 });
        for (let i = 0; i < 50 && JSON.stringify(await size()) !== "[1800,1400]"; i++) await h.page.waitForTimeout(100);
        assert(JSON.stringify(await size()) === "[1800,1400]", "canvas follows the window: " + (await size()));
        const title = await waitForItem(h.page, (it) => it.label === "Introduction to Distributed Databases" && it.x + it.w <= 900);
        assert(title.y < 700, "the lesson is laid out again for the narrower window");
        assert((await canvasIsDrawn(h.page)) > 8, "canvas drawn after the resize");
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
  {
    name: "fail quiz 1, retry, pass, lesson 2 unlocks and survives a reload",
    async run({ browser }) {
      const h = await openCourse({ browser });
      try {
        await h.ready();
        assert(await findItem(h.page, LESSON2_LOCKED), "lesson 2 starts locked");
        await answerQuiz(h.page, "quizzes/01-introduction.json", 1);
        await clickItem(h.page, "Submit answers");
        await waitForItem(h.page, "Retry with new questions");
        await h.shot("quiz-failed");
        assert(await findItem(h.page, LESSON2_LOCKED), "1 of 3 correct keeps lesson 2 locked");

        await clickItem(h.page, "Retry with new questions");
        await waitForItem(h.page, "Submit answers");
        await answerQuiz(h.page, "quizzes/01-introduction.json", 3);
        await clickItem(h.page, "Submit answers");
        await waitForItem(h.page, "Try a new set of questions");
        await h.shot("quiz-passed");
        await waitForItem(h.page, "Replication Strategies");
        assert(!(await findItem(h.page, LESSON2_LOCKED)), "lesson 2 unlocked after passing");

        const saved = JSON.parse(await h.page.evaluate(() => localStorage.getItem("dbcourse.progress")));
        assert(saved.lessons.introduction.passed === true && saved.lessons.introduction.attempts === 2, "progress saved: " + JSON.stringify(saved.lessons));

        await clickItem(h.page, "Replication Strategies");
        await h.page.waitForTimeout(400);
        await h.page.reload();
        await h.ready();
        await waitForItem(h.page, "Replication Strategies");
        assert(!(await findItem(h.page, LESSON2_LOCKED)), "lesson 2 still unlocked after reload");
        const current = JSON.parse(await h.page.evaluate(() => localStorage.getItem("dbcourse.progress"))).current;
        assert(current === "replication", "reload keeps the current lesson, got " + current);
        await h.shot("lesson2-after-reload");
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
  {
    name: "garbage in every storage value: the app starts, says so, and keeps a backup",
    async run({ browser }) {
      const garbage = { "dbcourse.progress": "{\"version\":2,\"lessons\":[1,2", "dbcourse.other": "\u0000\uffff" };
      const h = await openCourse({ browser, storage: garbage });
      try {
        await h.ready();
        await waitForItem(h.page, "Dismiss");
        await waitForItem(h.page, "Introduction to Distributed Databases");
        const backup = await h.page.evaluate(() => localStorage.getItem("dbcourse.progress.backup"));
        assert(backup === garbage["dbcourse.progress"], "the unreadable value is kept under the backup key");
        await h.shot("corrupt-storage-notice");
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
];

// Failure screens: a clear message instead of a blank page.
tests.push(
  {
    name: "no WebGL 2: a readable message, not a blank canvas",
    async run({ browser }) {
      const context = await browser.newContext();
      await context.addInitScript(() => {
        const original = HTMLCanvasElement.prototype.getContext;
        HTMLCanvasElement.prototype.getContext = function (type, ...rest) { return type === "webgl2" ? null : original.call(this, type, ...rest); };
      });
      const h = await openCourse({ browser, context });
      try {
        await h.page.waitForSelector("#fatal:not([hidden])", { timeout: 30000 });
        const text = await h.page.textContent("#fatal .message");
        assert(/WebGL 2/.test(text), "message names WebGL 2: " + text);
        await h.shot("fatal-no-webgl2");
      } finally {
        await h.close();
      }
    },
  },
  {
    name: "a file that fails to load: a readable message",
    async run({ browser }) {
      const context = await browser.newContext();
      await context.route("**/content/course.json", (route) => route.fulfill({ status: 404, body: "gone" }));
      const h = await openCourse({ browser, context });
      try {
        await h.page.waitForSelector("#fatal:not([hidden])", { timeout: 30000 });
        const text = await h.page.textContent("#fatal .message");
        assert(/course\.json/.test(text) && /reload/i.test(text), "message names the file: " + text);
      } finally {
        await h.close();
      }
    },
  },
);
