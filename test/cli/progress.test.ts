// The progress counter ("bindfix: 12 files" on stderr, redrawn in place with `\r\x1b[K`), tested so
// that it helps at a terminal and never harms anything else:
// - unit: `progressWanted` allows it only on a terminal outside CI; `Progress` draws the exact
//   counter text, erases it only when it drew something, and stays silent during its quiet period;
// - end to end in a pseudo-terminal (util-linux `script`): a run long enough to show the counter
//   (BINDFIX_TEST_PAUSE_MS slows it down) shows it, yet every line of the diff and the summary reads
//   exactly as without it, because the counter is erased before anything else prints;
// - it never appears in a pipe, under CI, or with --quiet, where it would corrupt logs and patches.
// Nothing here asserts a duration: the pause only makes the run outlast the counter's quiet period.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { Progress, progressWanted } from "../../src/progress.js";
import { cliPath } from "../helpers/paths.js";
import { removeTree, runCli, tempTree } from "../helpers/tree.js";

const hasScript = spawnSync("script", ["--version"]).status === 0;
const terminalOnly = { skip: !hasScript && "util-linux `script` not found" };

const BIND = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 8000))\n';
const FIXED_LINE = '+s.bind((os.environ.get("BIND_HOST", "127.0.0.1"), 8000))';
/** The counter as drawn, whatever the totals: `bindfix: 12 files`, `bindfix: 12/300+ files`. */
const COUNTER = /bindfix: \d+(\/\d+\+?)? files/;
const ERASE_LINE = "\x1b[K";
/** 30 files at 60 ms each: the run lasts well past the counter's 500 ms quiet period. */
const PAUSE = { BINDFIX_TEST_PAUSE_MS: "60" };
const SUMMARY = "would fix 2 findings in 2 files; run with --write to apply";

/** Collects what is written to it, as a stand-in for stderr. */
function fakeStream(): { stream: NodeJS.WritableStream; chunks: string[] } {
  const chunks: string[] = [];
  const stream = { write: (chunk: string | Uint8Array) => chunks.push(String(chunk)) > 0 } as unknown as NodeJS.WritableStream;
  return { stream, chunks };
}

/** The environment of a user's shell: no CI variable, no colour settings, no test pause unless given. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm", NO_COLOR: "1" };
  delete env.CI;
  delete env.FORCE_COLOR;
  delete env.BINDFIX_TEST_PAUSE_MS;
  return { ...env, ...extra };
}

/** Runs the CLI with stdout and stderr on one pseudo-terminal; returns the bytes the terminal received. */
function inTerminal(args: string[], cwd: string, env: NodeJS.ProcessEnv): { status: number | null; raw: string } {
  const command = [process.execPath, cliPath, ...args].map((word) => JSON.stringify(word)).join(" ");
  const result = spawnSync("script", ["-qefc", command, "/dev/null"], { cwd, env, input: "", timeout: 60_000 });
  return { status: result.status, raw: result.stdout.toString("utf8").replace(/\r\n/g, "\n") };
}

/**
 * What each line of the terminal finally shows: `\r` returns to the left edge, `\x1b[K` erases to
 * the end of the line, other characters overwrite. A counter that was erased leaves no trace; one
 * that was not shows up in front of whatever printed after it.
 */
function screenLines(raw: string): string[] {
  return raw
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split("\n")
    .map((line) => {
      const cells: string[] = [];
      let column = 0;
      for (let i = 0; i < line.length; i++) {
        if (line[i] === "\r") column = 0;
        else if (line.startsWith(ERASE_LINE, i)) {
          cells.length = column;
          i += ERASE_LINE.length - 1;
        } else cells[column++] = line[i]!;
      }
      return cells.join("");
    });
}

let root = "";
/** The patch exactly as a plain, fast run prints it to a pipe. */
let expectedPatch = "";

before(() => {
  const files: Record<string, string> = {};
  for (let i = 1; i <= 30; i++) files[`f${String(i).padStart(2, "0")}.py`] = `x = ${i}\n`;
  // Two adjacent findings late in the run: the counter is redrawn at most every 100 ms, about every
  // other file here, so one of the two always lands on a redraw, whatever the timing.
  files["f20.py"] = BIND;
  files["f21.py"] = BIND;
  root = tempTree(files);
  const plain = runCli(["."], root);
  assert.equal(plain.status, 1, plain.stderr);
  expectedPatch = plain.stdout;
  assert.ok(expectedPatch.includes("+++ b/f20.py\n") && expectedPatch.includes("+++ b/f21.py\n"), expectedPatch);
});

after(() => removeTree(root));

test("progressWanted: only when stderr is a terminal and no CI variable is set", () => {
  const tty = { isTTY: true } as NodeJS.WriteStream;
  const pipe = {} as NodeJS.WriteStream;
  assert.equal(progressWanted(pipe, {}), false, "a pipe or file (isTTY undefined)");
  assert.equal(progressWanted({ isTTY: false } as NodeJS.WriteStream, {}), false);
  assert.equal(progressWanted(tty, { CI: "true" }), false, "a terminal under CI");
  assert.equal(progressWanted(tty, { CI: "1" }), false);
  assert.equal(progressWanted(tty, {}), true, "a terminal, no CI");
  assert.equal(progressWanted(tty, { TERM: "xterm" }), true);
  assert.equal(progressWanted(tty, { CI: "false" }), true, "CI=false says no CI system runs it");
  assert.equal(progressWanted(tty, { CI: "0" }), true);
  assert.equal(progressWanted(tty, { CI: "" }), true);
});

test("the first draw is due as soon as the quiet period ends, whatever the redraw interval", () => {
  const { stream, chunks } = fakeStream();
  new Progress(stream, 0, 1e9).update(1, 2, false);
  assert.deepEqual(chunks, ["\r\x1b[Kbindfix: 1/2 files"]);
});

test("Progress draws `bindfix: done/found[+] files` in place, and `done files` while the total is unknown", () => {
  const { stream, chunks } = fakeStream();
  const progress = new Progress(stream, 0, 0);
  progress.update(3, 10, true);
  progress.update(4, 10, false);
  progress.update(5, undefined, true);
  progress.update(6, undefined, false);
  assert.deepEqual(chunks, [
    "\r\x1b[Kbindfix: 3/10+ files",
    "\r\x1b[Kbindfix: 4/10 files",
    "\r\x1b[Kbindfix: 5 files",
    "\r\x1b[Kbindfix: 6 files",
  ]);
});

test("Progress.clear erases the line only when a counter is on it", () => {
  const { stream, chunks } = fakeStream();
  const progress = new Progress(stream, 0, 0);
  progress.clear();
  assert.deepEqual(chunks, [], "nothing drawn yet, nothing to erase");
  progress.update(1, 2, false);
  progress.clear();
  progress.clear();
  assert.deepEqual(chunks, ["\r\x1b[Kbindfix: 1/2 files", "\r\x1b[K"], "erased once");
  progress.update(2, 2, false);
  progress.clear();
  assert.deepEqual(chunks.slice(2), ["\r\x1b[Kbindfix: 2/2 files", "\r\x1b[K"], "drawn again after a clear, erased again");
});

test("Progress draws nothing during its quiet period, and then has nothing to clear", () => {
  const { stream, chunks } = fakeStream();
  const progress = new Progress(stream, 3_600_000, 0);
  for (let done = 1; done <= 50; done++) progress.update(done, 50, done < 50);
  progress.clear();
  assert.deepEqual(chunks, []);
});

test("at a terminal a long run shows the counter, yet the diff and the summary print intact", terminalOnly, () => {
  const { status, raw } = inTerminal(["."], root, userEnv(PAUSE));
  assert.equal(status, 1);
  assert.match(raw, new RegExp(`\\r\\x1b\\[K${COUNTER.source}`), "the counter was drawn in place");
  // The walk is done before the first file (one thread), so the counter knows the total.
  assert.match(raw, /bindfix: \d+\/30 files/, "the counter shows done/total");
  const lines = screenLines(raw);
  const shown = lines.join("\n");
  for (const line of lines) assert.doesNotMatch(line, COUNTER, `the counter was left on screen: ${JSON.stringify(line)}`);
  for (const name of ["f20.py", "f21.py"]) {
    assert.ok(lines.includes(`diff --git a/${name} b/${name}`), `diff header of ${name}`);
    assert.ok(lines.includes(`--- a/${name}`) && lines.includes(`+++ b/${name}`), `file lines of ${name}`);
  }
  assert.equal(lines.filter((line) => line === FIXED_LINE).length, 2, "the fixed line, once per file");
  assert.ok(shown.includes(expectedPatch), `the patch as in a pipe, byte for byte:\n${JSON.stringify(raw)}`);
  assert.ok(lines.includes(SUMMARY), "the one-line summary on a line of its own");
  assert.match(shown, /files scanned\s+30\n/);
});

test("with stderr in a pipe there is no counter, even outside CI", () => {
  const run = spawnSync(process.execPath, [cliPath, "."], { cwd: root, env: userEnv(PAUSE), input: "", timeout: 60_000 });
  const stdout = run.stdout.toString("utf8");
  const stderr = run.stderr.toString("utf8");
  assert.equal(run.status, 1, stderr);
  assert.doesNotMatch(stderr, COUNTER);
  assert.ok(!stderr.includes(ERASE_LINE) && !stdout.includes(ERASE_LINE));
  assert.equal(stdout, expectedPatch);
  assert.equal(stderr, `${SUMMARY}\n`);
});

test("at a terminal under CI there is no counter", terminalOnly, () => {
  const { status, raw } = inTerminal(["."], root, userEnv({ ...PAUSE, CI: "true" }));
  assert.equal(status, 1);
  assert.doesNotMatch(raw, COUNTER);
  assert.ok(!raw.includes(ERASE_LINE), JSON.stringify(raw.slice(0, 200)));
  assert.ok(raw.includes(expectedPatch));
  assert.ok(screenLines(raw).includes(SUMMARY));
});

test("at a terminal --quiet shows no counter", terminalOnly, () => {
  const { status, raw } = inTerminal(["--quiet", "."], root, userEnv(PAUSE));
  assert.equal(status, 1);
  assert.doesNotMatch(raw, COUNTER);
  assert.ok(!raw.includes(ERASE_LINE), JSON.stringify(raw.slice(0, 200)));
  assert.equal(raw, expectedPatch, "only the patch, no counter, table or summary");
});
