// Scripts run in a child Node process with a time limit: the hang guards of the linear-time tests,
// and tests that set V8 flags, which would change the test runner's own process. A text shape gone
// quadratic or exponential again takes minutes at the sizes they use; the child is stopped at the
// limit, and the test fails instead of hanging the suite.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./paths.js";

/** A compiled module of the repository (`src/engine.js`), as a string literal to import in a script. */
export function moduleLiteral(file: string): string {
  return JSON.stringify(pathToFileURL(path.join(repoRoot, "dist", file)).href);
}

/**
 * Runs an ES module `script` in a child process; asserts it ended within `seconds` and succeeded,
 * and returns what it printed, trimmed. The script runs from a file, not `-e`: a worker it starts
 * inherits the child's flags, and `--input-type` would reject the worker's entry file.
 */
export function runEnding(script: string, seconds: number, what: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bindfix-child-"));
  try {
    const file = path.join(dir, "script.mjs");
    writeFileSync(file, script);
    const child = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: seconds * 1000 });
    assert.equal(child.signal, null, `${what} did not end within ${seconds} s`);
    assert.equal(child.status, 0, child.stderr);
    return child.stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
