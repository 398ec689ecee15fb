// The terminal experience end to end: at a terminal (a pty from util-linux `script`) a run ends with
// the coloured summary table and the one-line summary; in a pipe there is no colour and no table,
// unless FORCE_COLOR asks for colour; NO_COLOR wins; --version prints the package version.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { cliPath, repoRoot } from "../helpers/paths.js";
import { removeTree, runCli, tempTree } from "../helpers/tree.js";

const hasScript = spawnSync("script", ["--version"]).status === 0;
const BIND = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 8000))\n';
const ESC = "\x1b[";

/** Runs the CLI with stdout and stderr on a pseudo-terminal; returns what the terminal showed. */
function inTerminal(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { status: number | null; screen: string } {
  const command = [process.execPath, cliPath, ...args].map((word) => JSON.stringify(word)).join(" ");
  const base: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm" };
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  const result = spawnSync("script", ["-qefc", command, "/dev/null"], { cwd, env: { ...base, ...env }, input: "", timeout: 60_000 });
  return { status: result.status, screen: result.stdout.toString("utf8").replace(/\r\n/g, "\n") };
}

const terminalOnly = { skip: !hasScript && "util-linux `script` not found" };

test("at a terminal a run ends with the summary table, then the one-line summary", terminalOnly, () => {
  const root = tempTree({ "a.py": BIND, "b.py": 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 1))  # nosec\n' });
  try {
    const { status, screen } = inTerminal(["."], root);
    assert.equal(status, 1);
    const plain = screen.replace(/\x1b\[[0-9;]*m/g, "");
    assert.match(plain, /files scanned\s+2\n\s+findings\s+2\n\s+fixable\s+1\n\s+suppressed\s+1\n\s+manual\s+0\n\s+fixed\s+0\n\s+errors\s+0\n\s+time\s+\d+( ms|\.\d\d s)\n/);
    assert.match(plain, /\nwould fix 1 finding in 1 file \(1 suppressed\); run with --write to apply\n/);
    assert.ok(screen.includes(`${ESC}32m+import os`), "the diff is coloured");
  } finally {
    removeTree(root);
  }
});

test("at a terminal NO_COLOR and FORCE_COLOR=0 remove every colour but keep the table", terminalOnly, () => {
  const root = tempTree({ "a.py": BIND });
  try {
    for (const env of [{ NO_COLOR: "1" }, { FORCE_COLOR: "0" }]) {
      const { screen } = inTerminal(["."], root, env);
      assert.ok(!screen.includes(ESC), `${JSON.stringify(env)}: ${JSON.stringify(screen.slice(0, 200))}`);
      assert.match(screen, /files scanned/);
    }
    const quiet = inTerminal(["-q", "."], root);
    assert.doesNotMatch(quiet.screen, /files scanned|would fix/, "--quiet drops the table and the summary");
  } finally {
    removeTree(root);
  }
});

test("in a pipe there is no colour and no table; the one-line summary stays", () => {
  const root = tempTree({ "a.py": BIND });
  try {
    const run = runCli(["."], root, { env: { NO_COLOR: "" } });
    assert.equal(run.status, 1);
    assert.ok(!run.stdout.includes(ESC) && !run.stderr.includes(ESC));
    assert.doesNotMatch(run.stderr, /files scanned/);
    assert.match(run.stderr, /^would fix 1 finding in 1 file; run with --write to apply$/m);
  } finally {
    removeTree(root);
  }
});

test("FORCE_COLOR colours the patch in a pipe, and NO_COLOR wins over it", () => {
  const root = tempTree({ "a.py": BIND });
  try {
    const forced = runCli(["."], root, { env: { NO_COLOR: "", FORCE_COLOR: "1" } });
    assert.ok(forced.stdout.includes(`${ESC}32m+import os`), forced.stdout);
    const both = runCli(["."], root, { env: { NO_COLOR: "1", FORCE_COLOR: "1" } });
    assert.ok(!both.stdout.includes(ESC));
    const flag = runCli(["--no-color", "."], root, { env: { NO_COLOR: "", FORCE_COLOR: "1" } });
    assert.ok(!flag.stdout.includes(ESC));
  } finally {
    removeTree(root);
  }
});

test("--version prints the package version; --help shows examples", () => {
  const root = tempTree();
  try {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const run = runCli([flag], root);
      assert.equal(run.status, 0);
      assert.equal(run.stdout, `${version}\n`);
    }
    const help = runCli(["--help"], root);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Examples:\n(  bindfix .*\n)+/m);
    assert.match(help.stdout, /--sarif/);
    assert.match(help.stdout, /pyproject\.toml/);
  } finally {
    removeTree(root);
  }
});
