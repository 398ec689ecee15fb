// The command line's young-generation flag: set unless the user sized the young generation, and set
// again once a worker is online, because configuring the worker's heap puts it back for the process.
import { test } from "node:test";
import assert from "node:assert/strict";
import { keepYoungGenerationSmall, restoreYoungGenerationFlag } from "../src/young-generation.js";
import { moduleLiteral, runEnding } from "./helpers/child.js";

test("the flag is set unless the user gave a semi-space flag, and set again only once chosen", () => {
  const set: string[] = [];
  const record = (flag: string): void => void set.push(flag);
  // Before the command line chose it (as in the API), a worker coming online sets nothing.
  restoreYoungGenerationFlag(record);
  for (const flags of ["--max-semi-space-size=8", "--stack-size=900 --min_semi_space_size=2", "--semi-space-growth-factor=3"]) {
    assert.equal(keepYoungGenerationSmall(flags, record), undefined, flags);
  }
  restoreYoungGenerationFlag(record);
  assert.deepEqual(set, []);
  assert.equal(keepYoungGenerationSmall("--max-old-space-size=4096", record), "--semi-space-growth-factor=1");
  restoreYoungGenerationFlag(record);
  assert.deepEqual(set, ["--semi-space-growth-factor=1", "--semi-space-growth-factor=1"]);
});

/**
 * In a child process: optionally the command line's flag, a worker started and online as a run over
 * a folder starts it, then garbage allocated on this thread; prints the young generation's size in MB.
 */
function youngGenerationAfterWorker(keepSmall: boolean): number {
  const script = `
    import v8 from "node:v8";
    import { keepYoungGenerationSmall } from ${moduleLiteral("src/young-generation.js")};
    import { PRESTARTED, startWorker } from ${moduleLiteral("src/prestart.js")};
    if (${keepSmall}) keepYoungGenerationSmall("");
    const worker = startWorker(PRESTARTED);
    await new Promise((resolve) => worker.once("online", resolve));
    let held = [];
    for (let i = 0; i < 2e6; i++) {
      held.push({ i, text: "x" + i });
      if (held.length > 50000) held = [];
    }
    const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === "new_space");
    console.log(young.space_size / 1048576);
    await worker.terminate();
  `;
  return Number(runEnding(script, 60, "the young-generation script"));
}

test("after a worker is online, the young generation still keeps its first size; without the flag it grows", () => {
  const small = youngGenerationAfterWorker(true);
  const grown = youngGenerationAfterWorker(false);
  assert.ok(small <= 4, `young generation ${small} MB with the flag`);
  assert.ok(grown >= 8, `young generation ${grown} MB without it: this allocation no longer grows it, so the first check proves nothing`);
});
