// Lesson 5 labs: failure detection and split-brain. Each guided goal's "Show me" must tick its
// goal; each "predict, then run" question must give the verdict the simulation bears out.
import { openCourse, assert, revealItem, settle, showGoal, predict } from "./harness.mjs";

const passed = { visited: true, attempts: 1, best: 3, passed: true };
export const LESSONS_1_TO_4_PASSED = JSON.stringify({
  version: 2, seed: "00000000000000ff", current: "failover", scroll: 0,
  lessons: { introduction: passed, replication: passed, partitioning: passed, consistency: passed },
  prefs: { theme: "system", text_scale: 100, reduced_motion: false },
});

const FD_GOALS = [
  "See a GC pause cause a false positive",
  "Detect a real crash within 2 seconds",
  "Find a timeout with no false positives for 10 minutes",
  "Watch phi accrual adapt to a jittery network",
];
const SB_GOALS = [
  "Cause split-brain and count the divergence",
  "Prevent it with a witness in a third site",
  "See the witness's failure mode: placed with the primary",
  "See fencing tokens reject the old primary's late write",
  "Prevent it with STONITH",
  "See STONITH's failure mode: a fence race",
];

async function open(browser) {
  const h = await openCourse({ browser, storage: { "dbcourse.progress": LESSONS_1_TO_4_PASSED }, viewport: { width: 1280, height: 900 } });
  await h.ready();
  return h;
}

// Clicks "Show me" for each goal and waits for its checkbox to be ticked.
async function runGoals(h, titles, shotPrefix) {
  for (const [i, title] of titles.entries()) {
    await showGoal(h.page, title);
    if (shotPrefix && i === 0) {
      await revealItem(h.page, "Show me: " + title, { top: 0.1 });
      await h.shot(shotPrefix + "-goals");
    }
  }
}

export const tests = [
  {
    name: "failure detection: every guided goal, and halving the timeout more than doubles false positives",
    async run({ browser }) {
      const h = await open(browser);
      try {
        await revealItem(h.page, "Show me: " + FD_GOALS[0], { top: 0.5 });
        await runGoals(h, FD_GOALS, "fd");
        const verdict = (await predict(h.page, "They roughly double")).label;
        assert(verdict.startsWith("Prediction did not hold"), verdict);
        assert(/false positives/.test(verdict), verdict);
        await revealItem(h.page, (it) => it.label === "They more than double", { top: 0.3 });
        await h.shot("fd-prediction");
        // The figures: the sweep table and bars, drawn from the model.
        await revealItem(h.page, (it) => it.label.startsWith("Show me: " + FD_GOALS[0]), { top: -0.6 });
        await settle(h.page);
        await h.shot("fd-lab");
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
  {
    name: "split-brain: every guided goal, and a witness with the primary refuses the failover",
    async run({ browser }) {
      const h = await open(browser);
      try {
        await revealItem(h.page, "Show me: " + SB_GOALS[0], { top: 0.5 });
        await runGoals(h, SB_GOALS.slice(0, 1), "sb");
        await h.shot("sb-diverged");
        await runGoals(h, SB_GOALS.slice(1), null);
        await revealItem(h.page, "Show me: " + SB_GOALS[5], { top: 0.1 });
        await h.shot("sb-race");
        const verdict = (await predict(h.page, "No: the standby's side cannot get the witness's vote")).label;
        assert(verdict.startsWith("Prediction held"), verdict);
        assert(/witness/.test(verdict), verdict);
        await revealItem(h.page, (it) => it.label === "Commit and run" && !it.disabled, { top: 0.5 });
        await h.shot("sb-prediction");
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
];
