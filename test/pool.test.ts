// The worker pool changes where files are scanned, never what a run prints or writes: the same tree
// run in one thread (BINDFIX_WORKERS=0) and on workers gives the same bytes, in the same order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fixturesDir } from "./helpers/paths.js";
import { copyTree, removeTree, runCli, tempTree, type CliRun } from "./helpers/tree.js";

/** The fixtures, unreadable and undecodable files, and enough clean files to fill many batches. */
function bigTree(): string {
  const files: Record<string, string | Buffer> = {
    "broken/nul.py": Buffer.from("x = 1\0\n"),
    "broken/latin.py": Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x27, 0xe9, 0x27, 0x0a]),
  };
  for (let i = 0; i < 300; i++) files[`filler/m${String(i).padStart(3, "0")}.py`] = `def f${i}(x):\n    return x + ${i}\n`;
  const root = tempTree(files);
  cpSync(fixturesDir, path.join(root, "fixtures"), { recursive: true });
  return root;
}

function snapshot(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(root, full), readFileSync(full).toString("hex"));
    }
  };
  walk(root);
  return files;
}

const inThread = { BINDFIX_WORKERS: "0" };
/** Three workers while this thread walks; and one worker beside this thread, both scanning (two cores). */
const pools = [
  { name: "three workers", env: { BINDFIX_WORKERS: "3" } },
  { name: "one worker sharing with this thread", env: { BINDFIX_WORKERS: "1" } },
];

function assertSameRun(one: CliRun, pool: CliRun): void {
  assert.equal(pool.status, one.status);
  assert.ok(pool.stdoutBytes.equals(one.stdoutBytes), "stdout differs between one thread and the pool");
  assert.equal(pool.stderr, one.stderr);
}

for (const { name, env: onWorkers } of pools) {
  test(`a dry run prints the same patch, errors and summary on ${name} as in one thread`, () => {
    const root = bigTree();
    try {
      const one = runCli(["."], root, { env: inThread });
      const pool = runCli(["."], root, { env: onWorkers });
      assert.equal(one.status, 2, one.stderr);
      assert.match(one.stdout, /^diff --git a\//);
      assertSameRun(one, pool);
    } finally {
      removeTree(root);
    }
  });

  test(`--json reports the same findings on ${name} as in one thread`, () => {
    const root = bigTree();
    try {
      assertSameRun(runCli(["--json", "."], root, { env: inThread }), runCli(["--json", "."], root, { env: onWorkers }));
    } finally {
      removeTree(root);
    }
  });

  test(`--write writes the same bytes from ${name} as from one thread`, () => {
    const one = bigTree();
    const pool = copyTree(one);
    try {
      const before = snapshot(one);
      const oneRun = runCli(["--write", "--json", "."], one, { env: inThread });
      const poolRun = runCli(["--write", "--json", "."], pool, { env: onWorkers });
      assertSameRun(oneRun, poolRun);
      const after = snapshot(one);
      assert.notDeepEqual(after, before, "nothing was written");
      assert.deepEqual(snapshot(pool), after);
    } finally {
      removeTree(one);
      removeTree(pool);
    }
  });
}

test("with one worker, this thread and the worker each scan some of the batches", () => {
  const root = bigTree();
  try {
    const run = runCli(["."], root, { env: { BINDFIX_WORKERS: "1", BINDFIX_STATS: "1" } });
    const line = run.stderr.split("\n").find((text) => text.startsWith("bindfix-stats "));
    assert.ok(line, run.stderr);
    const stats = JSON.parse(line.slice("bindfix-stats ".length)) as { files: number; workers: number; batchesHere: number };
    // 16 files a batch: the first two always go to the worker, which is still starting when the third is ready.
    const batches = Math.ceil(stats.files / 16);
    assert.equal(stats.workers, 1);
    assert.ok(stats.batchesHere > 0 && stats.batchesHere < batches, `${stats.batchesHere} of ${batches} batches scanned here`);
  } finally {
    removeTree(root);
  }
});
