// The labs beyond a single primary: topologies and multi-master (lesson 2), conflicts and CRDTs,
// consistency models (lesson 4). Each runs its guided goals through "Show me" and answers a
// predict-then-run question; screenshots of the figures for review.
import { assert, revealItem, settle, withCourse, showGoal, predict } from "./harness.mjs";
import { LESSON1_PASSED } from "./lab.test.mjs";

const passed = { visited: true, attempts: 1, best: 3, passed: true };
const LESSON3_PASSED = JSON.stringify({
  version: 2, seed: "00000000000000ff", current: "consistency", scroll: 0,
  lessons: { introduction: passed, replication: passed, partitioning: passed },
  prefs: { theme: "system", text_scale: 100, reduced_motion: false },
});

// Two screenshots of a lab: its cluster view (from node `node`), then what is below it (figures).
async function shootLab(h, node, name) {
  await revealItem(h.page, (it) => it.label.startsWith(node + ", "), { top: 0.2 });
  await h.shot(name + "-cluster");
  await h.page.mouse.wheel(0, 650);
  await settle(h.page);
  await h.shot(name + "-figures");
}

export const tests = [
  {
    name: "topologies: lag along a chain, a crash cuts it, two masters conflict; predict the chain crash",
    async run({ browser }) {
      await withCourse(browser, LESSON1_PASSED, async (h) => {
        await showGoal(h.page, "See lag grow along a chain");
        await shootLab(h, "m1", "conflict-topologies-chain");
        await showGoal(h.page, "Cut off a chain with one crash");
        await showGoal(h.page, "Make two masters conflict");
        const verdict = (await predict(h.page, "Only m2, the node before the crash")).label;
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
        await showGoal(h.page, "Lose a later write to clock skew");
        await showGoal(h.page, "Keep both writes as siblings");
        await shootLab(h, "m1", "conflict-siblings");
        await showGoal(h.page, "Merge a shopping cart");
        await showGoal(h.page, "Converge without losing an update");
        await shootLab(h, "m1", "conflict-crdt");
        const verdict = (await predict(h.page, "2, the later write")).label;
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
        await showGoal(h.page, "Catch a causality violation");
        await shootLab(h, "alice", "conflict-consistency-models");
        await showGoal(h.page, "Find a history that is sequential but not linearizable");
        await showGoal(h.page, "Break a session guarantee");
        await showGoal(h.page, "See replicas that never converge");
        const verdict = (await predict(h.page, "Only the weaker ones: read-your-writes, monotonic reads, eventual")).label;
        assert(verdict.startsWith("Prediction held:"), verdict);
        assert(/carol read post -> \(initial\)/.test(verdict), verdict);
        await revealItem(h.page, (it) => it.label === "Commit and run", { top: 0.3 });
        await h.shot("conflict-consistency-predict");
      });
    },
  },
];
