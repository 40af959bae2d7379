// axe-core over the accessibility mirror of every lesson and of a quiz: no serious or critical
// violation.
import fs from "node:fs";
import path from "node:path";
import { openCourse, assert, clickItem, waitForItem, settle, ROOT } from "./harness.mjs";

const AXE = fs.readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
const ALL_OPEN = JSON.stringify({
  version: 2, seed: "00000000000000ff", current: "introduction", scroll: 0,
  lessons: Object.fromEntries(["introduction", "replication", "partitioning", "consistency", "failover"].map((id) => [id, { visited: true, attempts: 1, best: 3, passed: true }])),
  prefs: { theme: "system", text_scale: 100, reduced_motion: false },
});
const TITLES = ["Introduction to Distributed Databases", "Replication Strategies", "Partitioning and Sharding",
  "Consistency Models and the CAP Theorem", "Failover Mechanisms", "Running It in Production"];

async function scan(page) {
  // CSP forbids eval, so axe goes in as a script element's text through CDP-free evaluation.
  await page.evaluate((src) => { if (!window.axe) (0, Function)(src)(); }, AXE).catch(async () => {
    await page.addScriptTag({ content: AXE });
  });
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ["violations"] }));
  if (process.env.DEBUG_AXE) console.log("        axe:", result.violations.map((v) => v.id + ":" + v.impact));
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

export const tests = [
  {
    name: "every lesson and a quiz: no serious or critical axe-core violation",
    async run({ browser }) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
      const h = await openCourse({ browser, context, storage: { "dbcourse.progress": ALL_OPEN } });
      try {
        await h.ready();
        for (const title of TITLES) {
          await clickItem(h.page, (it) => it.role === "link" && it.label.startsWith(title));
          await waitForItem(h.page, "Submit answers");
          await settle(h.page);
          await h.page.waitForFunction((t) => document.querySelector("#a11y-lesson h1")?.textContent === t, title, { timeout: 10000 });
          const bad = await scan(h.page);
          assert(bad.length === 0, `${title}: ${bad.map((v) => v.id + " (" + v.nodes.length + ")").join(", ")}`);
        }
        // The quiz, scrolled into view.
        await clickItem(h.page, "Submit answers").catch(() => {});
        const bad = await scan(h.page);
        assert(bad.length === 0, "quiz: " + bad.map((v) => v.id).join(", "));
      } finally {
        await h.close();
      }
    },
  },
];
