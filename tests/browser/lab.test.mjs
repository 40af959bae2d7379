// The replication and failover lab (lesson 2): play it, crash the primary, watch the failover.
import { openCourse, assert, clickItem, copyLink, findItem, waitForItem, scrollUntil, revealItem } from "./harness.mjs";

export const LESSON1_PASSED = JSON.stringify({
  version: 2, seed: "00000000000000ff", current: "replication", scroll: 0,
  lessons: { introduction: { visited: true, attempts: 1, best: 3, passed: true } },
  prefs: { theme: "system", text_scale: 100, reduced_motion: false },
});

const isPrimary = (it) => it.role === "button" && /^n\d, primary$/.test(it.label);

export const tests = [
  {
    name: "crash the primary: a secondary is promoted, and the link reproduces the run",
    async run({ browser }) {
      const h = await openCourse({ browser, storage: { "dbcourse.progress": LESSON1_PASSED }, viewport: { width: 1280, height: 900 } });
      try {
        await h.ready();
        await scrollUntil(h.page, "Play");
        await clickItem(h.page, "Play");
        const first = await waitForItem(h.page, isPrimary);
        await h.page.waitForTimeout(800);
        await clickItem(h.page, (it) => it.id === first.id);
        await clickItem(h.page, "Crash (loses memory)");
        const crashedName = first.label.split(",")[0];
        await waitForItem(h.page, crashedName + ", crashed");
        // Automatic failover: the heartbeat timeout passes and another node becomes primary.
        const next = await waitForItem(h.page, (it) => isPrimary(it) && !it.label.startsWith(crashedName + ","), { timeout: 20000 });
        await clickItem(h.page, "Pause");
        await h.shot("lab-failover");
        assert(next.label !== first.label, `new primary ${next.label} differs from ${first.label}`);

        // The shared link replays the same run: the same node ends up primary.
        const url = await copyLink(h.page, "lab=replication-failover");
        assert(url.includes("#v1;lab=replication-failover") && url.includes(".crash." + crashedName), "fragment holds the run: " + url);
        const again = await openCourse({ browser, storage: { "dbcourse.progress": LESSON1_PASSED }, url: url.slice(url.indexOf("#")), viewport: { width: 1280, height: 900 } });
        try {
          await again.ready();
          await scrollUntil(again.page, "Play");
          await waitForItem(again.page, crashedName + ", crashed");
          await waitForItem(again.page, next.label);
          assert(again.errors.length === 0, "console errors: " + again.errors.join(" | "));
        } finally {
          await again.close();
        }
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
  {
    name: "predict, then run: the learner commits to a prediction and the run judges it",
    async run({ browser }) {
      const h = await openCourse({ browser, storage: { "dbcourse.progress": LESSON1_PASSED }, viewport: { width: 1280, height: 900 } });
      try {
        await h.ready();
        await scrollUntil(h.page, "Commit and run");
        const commit = await findItem(h.page, "Commit and run");
        assert(commit.disabled, "Commit and run waits for a choice");
        // The learner bets that nothing is lost; the run proves otherwise.
        await clickItem(h.page, "All survive: the new primary has them");
        await clickItem(h.page, (it) => it.label === "Commit and run" && !it.disabled);
        const verdict = await waitForItem(h.page, (it) => it.role === "status" && it.label.startsWith("Prediction"));
        assert(verdict.label.startsWith("Prediction did not hold"), verdict.label);
        assert(/Some are lost/.test(verdict.label) && /existed only on the crashed primary/.test(verdict.label), verdict.label);
        await revealItem(h.page, (it) => it.label === "Commit and run", { top: 0.45 });
        await h.shot("lab-prediction");
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
  {
    name: "a hostile lab link gives a clear notice and the default lab",
    async run({ browser }) {
      const h = await openCourse({ browser, storage: { "dbcourse.progress": LESSON1_PASSED }, url: "#v1;lab=replication-failover;seed=99999999999999999999;cmds=" + "x".repeat(5000) });
      try {
        await h.ready();
        await waitForItem(h.page, "Dismiss");
        await scrollUntil(h.page, "Play");
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
        await h.shot("lab-bad-link");
      } finally {
        await h.close();
      }
    },
  },
];
