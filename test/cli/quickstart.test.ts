// The README's quick start, as a new user runs it after `npm ci` in a fresh clone: `npx bindfix
// fixtures/demo` must print the demo's patch. (`npm ci` itself is what CI runs before the tests.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { cliPath, repoRoot } from "../helpers/paths.js";
import { cleanEnv } from "../helpers/package.js";

test("the quick start's dry run: the README names it, and npx runs it from the built, executable CLI", () => {
  const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("<!-- QUICKSTART-END -->"));
  assert.match(quickStart, /npm ci && npx bindfix fixtures\/demo/);
  // npx runs the package's own bin directly: the build must leave it executable.
  assert.notEqual(statSync(cliPath).mode & 0o111, 0, "dist/src/cli.js is not executable");
  const run = spawnSync("npx", ["--no-install", "bindfix", "fixtures/demo"], { cwd: repoRoot, env: cleanEnv(), encoding: "utf8", timeout: 120_000 });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stdout, /^diff --git a\/fixtures\/demo\//m);
  assert.match(run.stderr, /would fix \d+ findings in \d+ files/);
});
