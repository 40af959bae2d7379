// The labs beyond a single primary: topologies and multi-master (lesson 2), conflicts and CRDTs,
// consistency models (lesson 4). Each runs its guided goals through "Show me" and answers a
// predict-then-run question; screenshots of the figures for review.
import { openCourse, assert, clickItem, waitForItem, scrollUntil, revealItem, settle } from "./harness.mjs";
import { LESSON1_PASSED } from "./lab.test.mjs";

const passed = { visited: true, attempts: 1, best: 3, passed: true };
const LESSON3_PASSED = JSON.stringify({
  version: 2, seed: "00000000000000ff", current: "consistency", scroll: 0,
  lessons: { introduction: passed, replication: passed, partitioning: passed },
  prefs: { theme: "system", text_scale: 100, reduced_motion: false },
});

// Clicks "Show me: <goal>" and waits for its checkbox to be checked.
async function showGoal(h, title) {
  await scrollUntil(h.page, "Show me: " + title);
  await clickItem(h.page, "Show me: " + title);
  await waitForItem(h.page, (it) => it.label === "Goal: " + title && it.checked, { timeout: 20000 });
}

// Two screenshots of a lab: its cluster view (from node `node`), then what is below it (figures).
async function shootLab(h, node, name) {
  await revealItem(h.page, (it) => it.label.startsWith(node + ", "), { top: 0.2 });
  await h.shot(name + "-cluster");
  await h.page.mouse.wheel(0, 650);
  await settle(h.page);
  await h.shot(name + "-figures");
}

// Picks `choice`, commits, and returns the verdict's label.
async function predict(h, choice) {
  await scrollUntil(h.page, choice);
  await clickItem(h.page, choice);
  await clickItem(h.page, (it) => it.label === "Commit and run" && !it.disabled);
  const verdict = await waitForItem(h.page, (it) => it.role === "status" && it.label.startsWith("Prediction"), { timeout: 20000 });
  return verdict.label;
}

async function withCourse(browser, progress, body) {
  const h = await openCourse({ browser, storage: { "dbcourse.progress": progress }, viewport: { width: 1280, height: 900 } });
  try {
    await h.ready();
    await body(h);
    assert(h.errors.length === 0, "console errors: " + h.errors.join(" | "));
  } finally {
    await h.close();
  }
}

export const tests = [
  {
    name: "topologies: lag along a chain, a crash cuts it, two masters conflict; predict the chain crash",
    async run({ browser }) {
      await withCourse(browser, LESSON1_PASSED, async (h) => {
        await showGoal(h, "See lag grow along a chain");
        await shootLab(h, "m1", "conflict-topologies-chain");
        await showGoal(h, "Cut off a chain with one crash");
        await showGoal(h, "Make two masters conflict");
        const verdict = await predict(h, "Only m2, the node before the crash");
        assert(verdict.startsWith("Prediction held:"), verdict);
        assert(/m6 has missed \d+ writes/.test(verdict), verdict);
        await revealItem(h.page, (it) => it.label === "Commit and run", { top: 0.3 });
        await h.shot("conflict-topologies-predict");
      });
    },
  },
  {
    name: "conflicts: LWW loses a later write, siblings, cart, CRDT; predict the skewed write",
    async run({ browser }) {
      await withCourse(browser, LESSON3_PASSED, async (h) => {
        await showGoal(h, "Lose a later write to clock skew");
        await showGoal(h, "Keep both writes as siblings");
        await shootLab(h, "m1", "conflict-siblings");
        await showGoal(h, "Merge a shopping cart");
        await showGoal(h, "Converge without losing an update");
        await shootLab(h, "m1", "conflict-crdt");
        const verdict = await predict(h, "2, the later write");
        assert(verdict.startsWith("Prediction did not hold:"), verdict);
        assert(/silently lost/.test(verdict), verdict);
        await revealItem(h.page, (it) => it.label === "Commit and run", { top: 0.3 });
        await h.shot("conflict-lww-predict");
      });
    },
  },
  {
    name: "consistency models: Alice and Bob break causality; each goal; predict the strongest model",
    async run({ browser }) {
      await withCourse(browser, LESSON3_PASSED, async (h) => {
        await showGoal(h, "Catch a causality violation");
        await shootLab(h, "alice", "conflict-consistency-models");
        await showGoal(h, "Find a history that is sequential but not linearizable");
        await showGoal(h, "Break a session guarantee");
        await showGoal(h, "See replicas that never converge");
        const verdict = await predict(h, "Only the weaker ones: read-your-writes, monotonic reads, eventual");
        assert(verdict.startsWith("Prediction held:"), verdict);
        assert(/carol read post -> \(initial\)/.test(verdict), verdict);
        await revealItem(h.page, (it) => it.label === "Commit and run", { top: 0.3 });
        await h.shot("conflict-consistency-predict");
      });
    },
  },
];
