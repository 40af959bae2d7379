// Lesson 6 labs "pooling" and "caching": every guided goal's demonstration meets its goal, a
// prediction is judged by the run, and screenshots of the figures.
import { openCourse, assert, scrollUntil, revealItem, settle, showGoal, predict } from "./harness.mjs";

export const LESSONS_1_TO_5_PASSED = JSON.stringify({
  version: 2, seed: "00000000000000ff", current: "production", scroll: 0,
  lessons: Object.fromEntries(["introduction", "replication", "partitioning", "consistency", "failover"].map(
    (id) => [id, { visited: true, attempts: 1, best: 3, passed: true }])),
  prefs: { theme: "system", text_scale: 100, reduced_motion: false },
});

async function open(browser) {
  const h = await openCourse({ browser, storage: { "dbcourse.progress": LESSONS_1_TO_5_PASSED }, viewport: { width: 1280, height: 900 } });
  await h.ready();
  return h;
}

function labTest(name, { goals, shotAfter, choice, expect, shots }) {
  return {
    name,
    async run({ browser }) {
      const h = await open(browser);
      try {
        await scrollUntil(h.page, "Show me: " + goals[0]);
        for (const goal of goals) {
          await showGoal(h.page, goal);
          if (goal === shotAfter) {
            // The lab's views sit above its goals: step up through them.
            await revealItem(h.page, (it) => it.label === "Goal: " + goals[0], { top: 0.9 });
            for (let i = 0; i < 5; i++) {
              await h.shot(shots[0] + "-" + i);
              await h.page.mouse.wheel(0, -600);
              await settle(h.page);
            }
          }
        }
        const verdict = (await predict(h.page, choice)).label;
        assert(expect.test(verdict), verdict);
        await revealItem(h.page, (it) => it.role === "status" && it.label.startsWith("Prediction"), { top: 0.6 });
        await h.shot(shots[1]);
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  };
}

export const tests = [
  labTest("pooling: every goal is demonstrated, and refusals beyond max_connections are predicted", {
    goals: ["Run out of connections", "Watch latency climb as connections pile up",
            "Serve 1,000 sessions through a pool of 25", "See a session SET leak to another client"],
    shotAfter: "Serve 1,000 sessions through a pool of 25",
    choice: "They are refused with an error",
    expect: /^Prediction held:.*too many clients/,
    shots: ["pooling-pooled", "pooling-prediction"],
  }),
  labTest("caching: every goal is demonstrated, and coalescing lets one of 20 readers through", {
    goals: ["Reach a 90% hit ratio", "Cause a stampede on the hot key", "Stop the stampede with request coalescing",
            "Serve stale values after an update"],
    shotAfter: "Cause a stampede on the hot key",
    choice: "Just 1",
    expect: /^Prediction held:.*1 of 20 reads/,
    shots: ["caching-stampede", "caching-prediction"],
  }),
];
