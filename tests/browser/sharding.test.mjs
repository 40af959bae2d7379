// The lesson 1 cluster explorer and the lesson 3 sharding lab: each guided goal shown and met,
// a "predict, then run" answered, screenshots of the figures.
import { assert, revealItem, settle, withCourse, showGoal, predict } from "./harness.mjs";

const passed = { visited: true, attempts: 1, best: 3, passed: true };
const progress = (current, lessons) => JSON.stringify({
  version: 2, seed: "00000000000000ff", current, scroll: 0, lessons,
  prefs: { theme: "system", text_scale: 100, reduced_motion: false },
});
const AT_INTRODUCTION = progress("introduction", {});
const AT_PARTITIONING = progress("partitioning", { introduction: passed, replication: passed });

// Screenshots of the lab from its first node down (cluster view, charts, figures), one per
// screenful: the figures' numbers must be readable and labelled.
async function shootLab(h, firstNode, name, screens) {
  await revealItem(h.page, (it) => it.role === "button" && it.label.startsWith(firstNode + ","), { top: 0.12 });
  const viewport = h.page.viewportSize();
  for (let i = 1; i <= screens; i++) {
    await h.shot(`${name}-${i}`);
    await h.page.mouse.move(viewport.width * 0.6, viewport.height / 2);
    await h.page.mouse.wheel(0, (i < screens ? 1 : -(screens - 1)) * viewport.height * 0.8);
    await settle(h.page);
  }
}

// Clicks "Show me" for each goal, in order, and waits until its checkbox is ticked; screenshots
// of the lab after the goals listed in `shots` (goal index -> name).
async function meetGoals(h, titles, firstNode, shots) {
  for (const [i, title] of titles.entries()) {
    await showGoal(h.page, title);
    if (shots[i]) await shootLab(h, firstNode, shots[i], 4);
  }
}

export const tests = [
  {
    name: "cluster explorer: every goal shown and met; rack-aware placement survives a rack",
    async run({ browser }) {
      await withCourse(browser, AT_INTRODUCTION, async (h) => {
        await meetGoals(h, ["Lose a shard completely", "Survive a rack failure", "Survive a region failure",
                            "Add nodes and watch data per node fall"], "n1", { 0: "cluster-lost-shard", 2: "cluster-region" });
        const verdict = (await predict(h.page, "None of them")).label;
        assert(verdict.startsWith("Prediction held:"), "rack-aware placement keeps every shard writable: " + verdict);
        assert(/0 of 12 shards/.test(verdict), "the verdict quotes the run's figures: " + verdict);
        await revealItem(h.page, (it) => it.label === "Commit and run", { top: 0.4 });
        await h.shot("cluster-prediction");
      });
    },
  },
  {
    name: "sharding lab: every goal shown and met; hash mod N moves about 4 in 5 keys",
    async run({ browser }) {
      await withCourse(browser, AT_PARTITIONING, async (h) => {
        await meetGoals(h, ["Add a server under hash mod N: most keys move", "Add a server on a hash ring: few keys move",
                            "Even out the ring with virtual nodes", "See a hot key that no strategy can split",
                            "Pile every new row onto the last range", "Crash the directory: lookups stop",
                            "Compare a get by the shard key with a fan-out scan"], "c1",
                      { 1: "sharding-ring", 3: "sharding-hot-key", 5: "sharding-directory" });
        const verdict = (await predict(h.page, "About 20% (1 in 5)")).label;
        assert(verdict.startsWith("Prediction did not hold:"), "hash mod N moves about 80%: " + verdict);
        assert(/keys moved \((7|8)\d%\)/.test(verdict), "the verdict quotes the moved share: " + verdict);
        await revealItem(h.page, (it) => it.label === "Commit and run", { top: 0.4 });
        await h.shot("sharding-prediction");
      });
    },
  },
];
