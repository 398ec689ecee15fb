// The command line's V8 tiering: set per V8 version where it was measured, never over a user's own flag.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { tierUpLater } from "../src/tiering.js";

/** Runs `tierUpLater` with a recorder instead of V8, so the test's own process is left as it is. */
function tieringFor(v8Version: string, userFlags = ""): { returned: string | undefined; set: string[] } {
  const set: string[] = [];
  const returned = tierUpLater(v8Version, userFlags, (flag) => set.push(flag));
  return { returned, set };
}

test("Node 20's and Node 22's V8 tier up eight times later; other versions are left alone", () => {
  assert.deepEqual(tieringFor("11.3.244.8-node.33"), { returned: "--interrupt-budget=540672", set: ["--interrupt-budget=540672"] });
  assert.deepEqual(tieringFor("12.4.254.21-node.57"), {
    returned: "--invocation-count-for-turbofan=24000",
    set: ["--invocation-count-for-turbofan=24000"],
  });
  // Node 24's difference was within the noise; an unknown version could reject the flag with a line on stderr.
  for (const version of ["13.6.233.10-node.28", "10.2.154.26-node.36", ""]) assert.deepEqual(tieringFor(version), { returned: undefined, set: [] }, version);
});

test("a tiering flag the user gave, in either spelling, is kept", () => {
  for (const flags of ["--interrupt-budget=1000", "--stack-size=900 --interrupt_budget=1000", "--interrupt-budget-factor-for-feedback-allocation=4"]) {
    assert.deepEqual(tieringFor("11.3.244.8", flags), { returned: undefined, set: [] }, flags);
  }
  assert.deepEqual(tieringFor("12.4.254.21", "--invocation_count_for_turbofan=100"), { returned: undefined, set: [] });
  // Another V8's flag does not count.
  assert.equal(tieringFor("12.4.254.21", "--interrupt-budget=1000").returned, "--invocation-count-for-turbofan=24000");
});

test("this machine's V8 accepts what it is given: the flag is in its option list", (t) => {
  const flag = tieringFor(process.versions.v8).returned;
  if (!flag) return t.skip(`no tiering flag for V8 ${process.versions.v8}`);
  const options = execFileSync(process.execPath, ["--v8-options"], { encoding: "utf8" });
  assert.match(options, new RegExp(`^\\s*${flag.split("=")[0]} `, "m"));
});
