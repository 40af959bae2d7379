// Lesson 6 labs "multi-region", "backups" and "migration": every guided goal's "Show me" meets
// its goal, one "predict, then run" question per lab is answered and judged by the run, and the
// figures are captured for a look.
import { openCourse, assert, revealItem, showGoal, predict } from "./harness.mjs";

const passed = { visited: true, attempts: 1, best: 3, passed: true };
export const LESSONS_1_TO_5_PASSED = JSON.stringify({
  version: 2, seed: "00000000000000ff", current: "production", scroll: 0,
  lessons: { introduction: passed, replication: passed, partitioning: passed, consistency: passed, failover: passed },
  prefs: { theme: "system", text_scale: 100, reduced_motion: false },
});

// Clicks each "Show me" and waits for its goal's checkbox to be checked.
async function runGoals(h, titles, shotPrefix) {
  for (const [i, title] of titles.entries()) {
    await showGoal(h.page, title);
    if (i === titles.length - 1 && shotPrefix) {
      await revealItem(h.page, "Show me: " + titles[0], { top: 0.05 });
      await h.shot(shotPrefix + "-goals");
    }
  }
}

function labTest(name, { goals, choice, holds, verdictRe, node, shot }) {
  return {
    name,
    async run({ browser }) {
      const h = await openCourse({ browser, storage: { "dbcourse.progress": LESSONS_1_TO_5_PASSED }, viewport: { width: 1280, height: 900 } });
      try {
        await h.ready();
        await runGoals(h, goals, shot);
        const verdict = await predict(h.page, choice);
        assert(verdict.label.startsWith(holds ? "Prediction held" : "Prediction did not hold"), verdict.label);
        assert(verdictRe.test(verdict.label), verdict.label);
        await revealItem(h.page, (it) => it.label === choice, { top: 0.3 });
        await h.shot(shot + "-prediction");
        // The cluster view (a node's button), then the figures below it.
        await revealItem(h.page, (it) => it.role === "button" && it.label.startsWith(node + ", "), { top: 0.2 });
        await h.shot(shot + "-view");
        for (const part of ["figures", "figures2"]) {
          await h.page.mouse.move(900, 450);
          await h.page.mouse.wheel(0, 650);
          await h.page.waitForTimeout(400);
          await h.shot(shot + "-" + part);
        }
        assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
      } finally {
        await h.close();
      }
    },
  };
}

export const tests = [
  labTest("multi-region: goals, and the 5-round-trip prediction", {
    goals: [
      "Measure a 5-round-trip write from Europe",
      "Batch the transaction into one round trip",
      "Read your own write from the local replica and miss it",
      "Crash the primary: the standby in its region takes over",
      "Fail the whole primary region, then promote a replica elsewhere",
    ],
    choice: "About 500 ms: 5 x a real round trip",
    holds: true,
    verdictRe: /6560 km/,
    node: "n1",
    shot: "prod-multi-region",
  }),
  labTest("backups: goals, and the ransomware prediction", {
    goals: [
      "Recover a dropped table to one second before the drop",
      "Lose the disk and restore from the archive",
      "Survive ransomware with an immutable offsite copy",
      "Lose the whole site and restore from the offsite copy",
    ],
    choice: "Yes, from the offsite copy",
    holds: false,
    verdictRe: /No restore was possible/,
    node: "db",
    shot: "prod-backups",
  }),
  labTest("migration: goals, and the non-idempotent dual writes prediction", {
    goals: [
      "Migrate with idempotent dual writes: verification passes, writes switched",
      "See non-idempotent dual writes diverge",
      "Sync by change data capture instead: verification passes",
      "Roll back without reverse sync and lose writes",
    ],
    choice: "No: some rows on green differ from blue",
    holds: true,
    verdictRe: /rows differ/,
    node: "blue",
    shot: "prod-migration",
  }),
];
