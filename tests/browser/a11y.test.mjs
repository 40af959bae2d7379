// The accessibility mirror and the keyboard: the canvas is backed by real elements with roles,
// names and state; activating them works; the whole quiz path works from the keyboard alone.
import { openCourse, assert, waitForItem, findItem, quizBank, settle } from "./harness.mjs";

const LESSON2_LOCKED = "Replication Strategies, locked";

export const tests = [
  {
    name: "mirror elements carry role, name and state, and element.click() activates the widget",
    async run({ browser }) {
      const h = await openCourse({ browser });
      try {
        await h.ready();
        await waitForItem(h.page, LESSON2_LOCKED);
        const roles = await h.page.evaluate(() => [...document.querySelectorAll("#a11y-mirror [role]")].map((e) => e.getAttribute("role")));
        for (const r of ["button", "link", "radio", "progressbar"]) assert(roles.includes(r), "mirror has a " + r);
        // The first lesson's text copy is written when the browser is next idle (at most 1 s
        // after the first frame), so it waits for it.
        await h.page.waitForFunction(() => document.querySelectorAll("#a11y-lesson h1").length > 0, null, { timeout: 5000 }).catch(() => {});
        const headings = await h.page.evaluate(() => [...document.querySelectorAll("#a11y-lesson h1, #a11y-lesson h2")].map((e) => e.textContent));
        assert(headings[0] === "Introduction to Distributed Databases" && headings.length > 4, "lesson text mirrored as headings: " + headings.slice(0, 3));
        assert(await h.page.evaluate(() => document.querySelectorAll("#a11y-lesson table th").length > 0), "tables mirrored");

        // Answer every question correctly by clicking mirror elements only.
        const bank = quizBank("quizzes/01-introduction.json");
        const radios = (await h.page.evaluate(() => window.DBC.items)).filter((i) => i.role === "radio");
        for (const r of radios.filter((r) => bank.correct.has(r.label))) {
          await h.page.evaluate((id) => document.querySelector(`#a11y-mirror [data-id="${id}"]`).click(), r.id);
          await waitForItem(h.page, (it) => it.id === r.id && it.checked, { timeout: 8000 });
          const checked = await h.page.evaluate((id) => document.querySelector(`#a11y-mirror [data-id="${id}"]`).getAttribute("aria-checked"), r.id);
          assert(checked === "true", "aria-checked follows the selection");
        }
        const submit = await findItem(h.page, "Submit answers");
        await h.page.evaluate((id) => document.querySelector(`#a11y-mirror [data-id="${id}"]`).click(), submit.id);
        await waitForItem(h.page, "Replication Strategies", { timeout: 10000 });
        assert(!(await findItem(h.page, LESSON2_LOCKED)), "lesson 2 unlocked through the mirror");
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
  {
    name: "lesson 1 can be completed with the keyboard alone",
    async run({ browser }) {
      const h = await openCourse({ browser });
      try {
        await h.ready();
        const bank = quizBank("quizzes/01-introduction.json");
        const focused = async () => (await h.page.evaluate(() => window.DBC.items)).find((i) => i.focused);
        let answered = 0;
        for (let presses = 0; presses < 400 && answered < 3; presses++) {
          await h.page.keyboard.press("Tab");
          await settle(h.page, 1500);
          const f = await focused();
          if (f && f.role === "radio" && bank.correct.has(f.label) && !f.checked) {
            await h.page.keyboard.press("Space");
            await waitForItem(h.page, (it) => it.id === f.id && it.checked, { timeout: 5000 });
            answered++;
          }
        }
        assert(answered === 3, "answered three questions with Tab and Space, got " + answered);
        for (let presses = 0; presses < 40; presses++) {
          const f = await focused();
          if (f && f.label === "Submit answers") break;
          await h.page.keyboard.press("Tab");
          await settle(h.page, 1500);
        }
        assert((await focused()).label === "Submit answers", "Tab reaches Submit answers");
        await h.page.keyboard.press("Enter");
        await waitForItem(h.page, "Replication Strategies", { timeout: 10000 });
        await h.shot("keyboard-passed");
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
];
