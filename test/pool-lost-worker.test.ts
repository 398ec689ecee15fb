// A worker thread that stops before its work is done (a crash; here the test hook that stops it on a
// chosen file) costs the run only the files it held: each is reported as not scanned, by name,
// exit 2, and every other file is scanned, printed and summarised as in one thread. Nothing is
// written for the files it held.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { removeTree, runCli, tempTree } from "./helpers/tree.js";
import { BIND } from "./helpers/safety.js";

/** A worker that reaches `c/z.py` throws, outside any file's handling: it stops with that error. */
const STOPS = { BINDFIX_TEST_WORKER_STOP_ON: "c/z.py" };

/**
 * 42 files, in path order: `a/app.py` (a finding, in the first batch of 16), 40 clean ones, and
 * `c/z.py` (another finding), in the last batch with the last 9 clean ones.
 */
function tree(): string {
  const files: Record<string, string | Buffer> = { "a/app.py": BIND, "c/z.py": BIND };
  for (let i = 0; i < 40; i++) files[`b/m${String(i).padStart(3, "0")}.py`] = `def f${i}(x):\n    return x + ${i}\n`;
  return tempTree(files);
}

/** The files of the last batch: what a worker lost on `c/z.py` held. */
const LAST_BATCH = [...Array.from({ length: 9 }, (_, i) => `b/m${String(31 + i).padStart(3, "0")}.py`), "c/z.py"];

function notScannedPaths(stderr: string): string[] {
  return [...stderr.matchAll(/^error: (\S+): not scanned: bindfix's worker thread stopped while it held this file \((.+)\); BINDFIX_WORKERS=0 scans in one thread$/gm)].map((match) => match[1]!);
}

test("a worker lost on a file: the files of its batch are reported by name, the rest of the run is done", () => {
  const root = tree();
  try {
    // In one thread the hook is never reached: both files are fixed.
    const one = runCli(["."], root, { env: { ...STOPS, BINDFIX_WORKERS: "0" } });
    assert.equal(one.status, 1, one.stderr);
    assert.deepEqual(notScannedPaths(one.stderr), []);
    // Two workers while this thread walks: the last batch goes to a worker, which stops on `c/z.py`.
    const pool = runCli(["."], root, { env: { ...STOPS, BINDFIX_WORKERS: "2" } });
    assert.equal(pool.status, 2, pool.stderr);
    assert.deepEqual(notScannedPaths(pool.stderr), LAST_BATCH);
    assert.match(pool.stderr, /\(test hook: stopped on c\/z\.py\)/, "the reason is the worker's error");
    assert.equal(pool.stdout, one.stdout.slice(0, one.stdout.indexOf("diff --git a/c/z.py")), "every other file's patch is printed");
    assert.doesNotMatch(pool.stderr, /^\s+at /m, "no stack trace");
    assert.match(pool.stderr, /would fix 1 finding in 1 file \(10 errors\)/);
  } finally {
    removeTree(root);
  }
});

test("--write with a lost worker writes every other file's fix and leaves the files it held untouched", () => {
  const root = tree();
  try {
    const run = runCli([".", "--write"], root, { env: { ...STOPS, BINDFIX_WORKERS: "2" } });
    assert.equal(run.status, 2, run.stderr);
    assert.deepEqual(notScannedPaths(run.stderr), LAST_BATCH);
    assert.match(readFileSync(path.join(root, "a/app.py"), "utf8"), /os\.environ\.get\("BIND_HOST", "127\.0\.0\.1"\)/);
    assert.equal(readFileSync(path.join(root, "c/z.py"), "utf8"), BIND);
  } finally {
    removeTree(root);
  }
});

test("this thread and a worker sharing the batches: a lost worker's batch is reported, this thread scans the rest", () => {
  // 125 batches. The worker settles some of the first half, then stops on the first batch of the
  // second half it claims: the replies it posted before are delivered, not taken for lost.
  const files: Record<string, string> = {};
  const name = (i: number): string => `m${String(i).padStart(4, "0")}.py`;
  for (let i = 0; i < 2000; i++) files[name(i)] = `x = ${i}\n`;
  const root = tempTree(files);
  try {
    const secondHalf = Array.from({ length: 1000 }, (_, i) => name(1000 + i)).join(",");
    const run = runCli(["."], root, { env: { BINDFIX_TEST_WORKER_STOP_ON: secondHalf, BINDFIX_WORKERS: "1" } });
    const lost = notScannedPaths(run.stderr);
    // One whole batch of 16 holding a file of the second half, the first from m0992.py (none, in the
    // unlikely run where this thread claimed them all).
    const first = lost.length > 0 ? Number(lost[0]!.slice(1, 5)) : 992;
    assert.ok(first >= 992 && first % 16 === 0, run.stderr);
    assert.deepEqual(lost, lost.length === 0 ? [] : Array.from({ length: 16 }, (_, i) => name(first + i)));
    assert.equal(run.status, lost.length === 0 ? 0 : 2, run.stderr);
    assert.equal(run.stdout, "");
    assert.doesNotMatch(run.stderr, /internal error/);
    assert.match(run.stderr, lost.length === 0 ? /nothing to fix in 2000 files$/m : /nothing to fix in 1984 files \(16 errors\)$/m);
  } finally {
    removeTree(root);
  }
});

test("once every worker is lost, this thread scans the batches still queued", () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 160; i++) files[`m${String(i).padStart(3, "0")}.py`] = i === 150 ? BIND : `x = ${i}\n`;
  const root = tempTree(files);
  try {
    // The two workers are each sent one of the first two batches, and stop on its first file.
    const hook = { BINDFIX_TEST_WORKER_STOP_ON: "m000.py,m016.py" };
    const run = runCli(["."], root, { env: { ...hook, BINDFIX_WORKERS: "2" } });
    assert.equal(run.status, 2, run.stderr);
    assert.deepEqual(notScannedPaths(run.stderr), Array.from({ length: 32 }, (_, i) => `m${String(i).padStart(3, "0")}.py`));
    assert.match(run.stdout, /^diff --git a\/m150\.py b\/m150\.py$/m);
  } finally {
    removeTree(root);
  }
});
