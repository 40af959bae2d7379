// The Raft lab (lesson 5): every guided goal shown and met, the "predict, then run" question,
// and screenshots of the logs table and election timers.
import { openCourse, assert, clickItem, copyLink, findItem, waitForItem, scrollUntil, revealItem, showGoal } from "./harness.mjs";

const passed = { visited: true, attempts: 1, best: 3, passed: true };
export const LESSONS_1_TO_4_PASSED = JSON.stringify({
  version: 2, seed: "00000000000000ff", current: "failover", scroll: 0,
  lessons: { introduction: passed, replication: passed, partitioning: passed, consistency: passed },
  prefs: { theme: "system", text_scale: 100, reduced_motion: false },
});

const GOALS = [
  "Elect a leader",
  "Replicate and commit a write",
  "Kill the leader and see a new one in a higher term",
  "Count split votes with equal timeouts",
  "Watch a minority leader's write get erased",
  "Read stale data from a deposed leader",
  "Let a server that cannot hear depose leaders",
  "Stop the disruption with pre-vote",
];
// Goals after whose demonstration a screenshot shows something worth looking at.
const SHOTS = {
  "Kill the leader and see a new one in a higher term": "raft-new-leader",
  "Count split votes with equal timeouts": "raft-split-votes",
  "Let a server that cannot hear depose leaders": "raft-disruptive",
};

async function open(browser) {
  const h = await openCourse({ browser, storage: { "dbcourse.progress": LESSONS_1_TO_4_PASSED }, viewport: { width: 1280, height: 1000 } });
  await h.ready();
  await scrollUntil(h.page, "Show me: Elect a leader");
  return h;
}

export const tests = [
  {
    name: "raft: each guided goal's demonstration meets it",
    async run({ browser }) {
      const h = await open(browser);
      try {
        for (const title of GOALS) {
          await showGoal(h.page, title);
          if (SHOTS[title]) {
            await revealItem(h.page, (it) => /^s\d, /.test(it.label), { top: 0.12 });
            await h.shot(SHOTS[title]);
          }
        }
        // The figures: the Logs table and the election timers are drawn for the current run.
        await revealItem(h.page, "Show me: Elect a leader", { top: 0.9 });
        await h.shot("raft-figures");
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
  {
    name: "raft: predict, then run — a write to a minority leader never commits",
    async run({ browser }) {
      const h = await open(browser);
      try {
        const choice = "It never commits; the old leader's copy is overwritten after the heal";
        const radio = await scrollUntil(h.page, choice);
        await clickItem(h.page, choice);
        // The Commit button of this question: the first one below the chosen answer.
        const commit = async () => {
          const all = (await h.page.evaluate(() => window.DBC.items)).filter((it) => it.label === "Commit and run" && !it.disabled);
          const mine = (await findItem(h.page, choice)) || radio;
          return all.filter((it) => it.y > mine.y).sort((a, b) => a.y - b.y)[0];
        };
        // Bring the question into view so its button is on screen, then wait for it to enable.
        await revealItem(h.page, choice, { top: 0.3 });
        let button = null;
        for (let i = 0; i < 25 && !button; i++) {
          button = await commit();
          if (!button) await h.page.waitForTimeout(200);
        }
        assert(button, "a Commit and run button below the choices");
        await clickItem(h.page, (it) => it.id === button.id);
        const verdict = await waitForItem(h.page, (it) => it.role === "status" && it.label.includes("c1's write reached"));
        assert(verdict.label.startsWith("Prediction held:"), verdict.label);
        assert(/reached 2 of 5 servers; a majority is 3/.test(verdict.label), verdict.label);
        await revealItem(h.page, choice, { top: 0.3 });
        await h.shot("raft-prediction");
        // The run is shareable: its link names the lab and the partition.
        const url = await copyLink(h.page, "lab=raft");
        assert(url.includes("lab=raft") && url.includes(".part.") && url.includes(".heal"), "fragment holds the run: " + url);
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
];
