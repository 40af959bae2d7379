// The lesson 4 quorum and CAP labs: every guided goal through its "Show me" button, one
// predict-then-run question each, and screenshots of the figures.
import { openCourse, assert, findItem, revealItem, showGoal, predict } from "./harness.mjs";

const EARLIER_PASSED = JSON.stringify({
  version: 2, seed: "00000000000000ff", current: "consistency", scroll: 0,
  lessons: {
    introduction: { visited: true, attempts: 1, best: 3, passed: true },
    replication: { visited: true, attempts: 1, best: 3, passed: true },
    partitioning: { visited: true, attempts: 1, best: 3, passed: true },
  },
  prefs: { theme: "system", text_scale: 100, reduced_motion: false },
});

async function open(browser) {
  const h = await openCourse({ browser, storage: { "dbcourse.progress": EARLIER_PASSED }, viewport: { width: 1280, height: 900 } });
  await h.ready();
  return h;
}

export const tests = [
  {
    name: "CAP lab: the minority refuses under CP, both sides accept and converge under AP; the CP prediction",
    async run({ browser }) {
      const h = await open(browser);
      try {
        await showGoal(h.page, "CP: the minority side refuses, the majority goes on");
        await revealItem(h.page, "Show me: CP: the minority side refuses, the majority goes on", { top: 0.05 });
        await h.shot("cap-cp-goal");
        await showGoal(h.page, "AP: both sides accept, diverge, then converge after healing");
        await h.shot("cap-ap-goal");
        const verdict = (await predict(h.page, "c3's operations fail; c1 and c2 carry on")).label;
        assert(verdict.startsWith("Prediction held"), verdict);
        assert(/operations of c3 failed/.test(verdict), verdict);
        await h.shot("cap-prediction");
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
  {
    name: "quorum lab: stale reads with W + R <= N, none with W + R > N, the cost of W = N, hinted handoff; the W=2 R=1 prediction",
    async run({ browser }) {
      const h = await open(browser);
      try {
        await showGoal(h.page, "See a stale read with W + R <= N");
        await showGoal(h.page, "Make stale reads impossible: W + R > N for 20 s");
        await showGoal(h.page, "Measure what W = N costs");
        await revealItem(h.page, (it) => it.label.startsWith("Show me: See a stale read"), { top: 0.05 });
        await h.shot("quorum-latency-goal");
        await showGoal(h.page, "Keep W = N writes going with a replica down");
        await h.shot("quorum-handoff-goal");
        // The learner bets on the overlap of two write replicas; the run shows a stale read.
        const verdict = (await predict(h.page, "Never: two replicas hold every acknowledged write")).label;
        assert(verdict.startsWith("Prediction did not hold"), verdict);
        assert(/reads were stale/.test(verdict), verdict);
        await h.shot("quorum-prediction");
        assert(!(await findItem(h.page, (it) => it.role === "status" && it.label.startsWith("Prediction held"))), "one verdict only");
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  },
];
