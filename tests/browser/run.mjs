// Runs every tests/browser/*.test.mjs in one Chromium: each file exports `tests`, a list of
// { name, run({ browser }) }. Prints one line per test and exits 1 if any failed.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { launch } from "./harness.mjs";

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];       // file name filter: node run.mjs lab
const onlyTest = process.argv[3];   // test name filter:  node run.mjs lab predict
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".test.mjs") && (!only || f.includes(only))).sort();
const browser = await launch();
let failed = 0;
for (const file of files) {
  const { tests } = await import(pathToFileURL(path.join(dir, file)));
  for (const t of tests) {
    if (onlyTest && !t.name.includes(onlyTest)) continue;
    const started = Date.now();
    try {
      await t.run({ browser });
      console.log(`  ok    ${file} › ${t.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`  FAIL  ${file} › ${t.name}\n        ${String(e && e.stack || e).split("\n").join("\n        ")}`);
    }
  }
}
await browser.close();
console.log(failed ? `${failed} browser test(s) failed` : "browser tests passed");
process.exit(failed ? 1 : 0);
