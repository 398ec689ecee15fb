// The corpus self-check (bench/verify.ts, `npm run verify -- <dir>`) run on a small tree of its own:
// fixtures with encodings, BOMs and line endings, plus files bindfix must refuse. It must find no
// violation, print its table, and count the refused files by kind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync } from "node:fs";
import path from "node:path";
import { fixturesDir, repoRoot } from "../helpers/paths.js";
import { removeTree, tempTree } from "../helpers/tree.js";
import { BIND } from "../helpers/safety.js";

const verifyPath = path.join(repoRoot, "dist/bench/verify.js");

function verify(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [verifyPath, ...args], { encoding: "utf8", timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function corpus(): string {
  const root = tempTree({
    "bad/nul.py": Buffer.concat([Buffer.from(BIND), Buffer.from([0])]),
    "bad/latin1-without-cookie.py": Buffer.concat([Buffer.from("# caf"), Buffer.from([0xe9]), Buffer.from("\n" + BIND)]),
    "cr-only.py": BIND.replace(/\n/g, "\r"),
  });
  cpSync(path.join(fixturesDir, "socket-bind"), path.join(root, "socket-bind"), { recursive: true });
  return root;
}

/** The table's value for a row, e.g. `patch mismatches        0`. */
function row(stdout: string, label: string): string | undefined {
  return new RegExp(`^${label} +(\\S.*)$`, "m").exec(stdout)?.[1]?.trim();
}

for (const inject of [false, true]) {
  test(`npm run verify${inject ? " -- --inject" : ""} on a small tree: no violations, a full table`, () => {
    const root = corpus();
    try {
      const run = verify(inject ? [root, "--inject"] : [root]);
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.doesNotMatch(run.stdout, /VIOLATION/);
      for (const label of ["non-idempotent files", "patch mismatches"]) assert.equal(row(run.stdout, label), "0", label);
      assert.match(row(run.stdout, "compile failures") ?? "", /^(0|skipped \(no python3\))$/);
      assert.ok(Number(row(run.stdout, "files changed")) > 0, run.stdout);
      assert.equal(row(run.stdout, "errors"), "2", run.stdout);
      assert.equal(row(run.stdout, " {4}contains NUL bytes \\(binary file\\?\\)"), "1", run.stdout);
      assert.equal(row(run.stdout, " {4}not valid UTF-8 \\(and no coding cookie declares another encoding\\)"), "1", run.stdout);
      if (inject) assert.equal(row(run.stdout, "files changed"), String(Number(row(run.stdout, "files")) - 2), "every readable file is fixed");
    } finally {
      removeTree(root);
    }
  });
}

test("npm run verify without a directory is a usage error", () => {
  const run = verify([]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /^usage: npm run verify -- <dir>/);
});
