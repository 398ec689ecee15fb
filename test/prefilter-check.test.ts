// `npm run prefilter-check` on the fixtures: every fixture scanned with and without the prefilter
// gives the same findings, and the tool says so in its last line (exit 0).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fixturesDir, repoRoot } from "./helpers/paths.js";

test("prefilter-check over the fixtures: files counted, findings found, no difference", () => {
  const result = spawnSync(process.execPath, [path.join(repoRoot, "dist/bench/prefilter-check.js"), fixturesDir], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr + result.stdout);
  const summary = /^(\d+) files, (\d+) parsed after the prefilter, (\d+) with findings, 0 differences$/m.exec(result.stdout);
  assert.ok(summary, result.stdout);
  assert.ok(Number(summary[1]) > 50 && Number(summary[3]) > 30, result.stdout);
});
