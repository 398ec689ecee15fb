// Interruption (issue 4): SIGINT or SIGTERM during `--write`, SIGKILL at any moment, and Ctrl-C in
// the middle of a review leave every file either untouched or completely written, with no temporary
// file left behind where the process could clean up, and an exit status that says it was stopped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { removeTree, tempTree } from "../helpers/tree.js";
import { BIND, FIXED, leftoverTemporaries, scanned, startCli, waitFor } from "../helpers/safety.js";
import { hasScript, interactiveSession, SLOW_SCAN, slowScanTree } from "../helpers/pty.js";
import { review, ReviewInterrupted, type Answer, type ReviewQuestion } from "../../src/review.js";

const names = (count: number): string[] => Array.from({ length: count }, (_, i) => `f${String(i).padStart(3, "0")}.py`);

/** Each file is exactly as it was or exactly fixed; returns how many are fixed. */
function assertWholeFiles(root: string, files: string[]): number {
  let fixed = 0;
  for (const name of files) {
    const text = readFileSync(path.join(root, name), "utf8");
    assert.ok(text === BIND || text === FIXED, `${name} is neither the original nor the fixed file:\n${text}`);
    if (text === FIXED) fixed++;
  }
  return fixed;
}

/**
 * A `--write` over `files` (each a fixable bind), sent `signal` as soon as the first is written; the
 * tree is removed after `check` has looked at the run and the files.
 */
async function interruptAfterFirstWrite(
  files: string[],
  env: NodeJS.ProcessEnv,
  signal: NodeJS.Signals,
  check: (run: Awaited<ReturnType<typeof startCli>["exited"]>, root: string) => void,
): Promise<void> {
  const root = tempTree(Object.fromEntries(files.map((name) => [name, BIND])));
  try {
    const running = startCli(["--write", "."], root, env);
    await waitFor(() => readFileSync(path.join(root, files[0]!), "utf8") === FIXED, "the first file to be written");
    running.kill(signal);
    check(await running.exited, root);
  } finally {
    removeTree(root);
  }
}

/** What an interrupted `--write` must show: it stopped, said so, and left whole files and no temporaries. */
function assertInterrupted(run: Awaited<ReturnType<typeof startCli>["exited"]>, root: string, files: string[], status: number): number {
  assert.equal(run.timedOut, false, "the run did not stop");
  assert.equal(run.status, status, run.stderr);
  assert.match(run.stderr, /^bindfix: interrupted; every file is either unchanged or completely written$/m);
  const fixed = assertWholeFiles(root, files);
  assert.deepEqual(leftoverTemporaries(root), []);
  return fixed;
}

for (const [signal, status] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  test(`${signal} during --write: every file whole, no temporary files, exit ${status}`, async () => {
    const files = names(20);
    // BINDFIX_TEST_PAUSE_MS (src/run.ts) pauses before each file, so the signal lands mid-run.
    await interruptAfterFirstWrite(files, { BINDFIX_TEST_PAUSE_MS: "200" }, signal, (run, root) => {
      const fixed = assertInterrupted(run, root, files, status);
      assert.ok(fixed >= 1 && fixed < files.length, `expected a partial run, got ${fixed} of ${files.length} fixed`);
      assert.match(run.stderr, new RegExp(`^fixed ${fixed} findings? in ${fixed} files?`, "m"), "the summary counts what was written");
    });
  });
}

// Without the test pause the scan never waits on anything: Ctrl-C is heard only because it lets the
// event loop run every few tens of milliseconds. In one thread, with one worker sharing the files,
// and with two beside a thread that walks; the workers stop between two files (one terminated
// inside the parser's native code would abort the process: exit 134).
for (const workers of ["0", "1", "2"]) {
  test(`SIGINT stops a long --write at once (BINDFIX_WORKERS=${workers}, no pause between files)`, async () => {
    const files = Array.from({ length: 2000 }, (_, i) => `f${String(i).padStart(4, "0")}.py`);
    await interruptAfterFirstWrite(files, { BINDFIX_WORKERS: workers }, "SIGINT", (run, root) => {
      const fixed = assertInterrupted(run, root, files, 130);
      assert.ok(fixed >= 1 && fixed < files.length / 2, `expected the run to stop early, got ${fixed} of ${files.length} fixed`);
    });
  });
}

// Two workers beside a thread that walks, and one worker sharing the files with this thread.
for (const workers of ["2", "1"]) {
  test(`SIGKILL at an arbitrary moment of a pooled --write (BINDFIX_WORKERS=${workers}) never leaves a half-written file`, async () => {
    const files = names(600);
    await interruptAfterFirstWrite(files, { BINDFIX_WORKERS: workers }, "SIGKILL", (run, root) => {
      assert.equal(run.timedOut, false);
      // Killed or already done: either way no file may be partial. (A temporary file may remain after
      // SIGKILL: nothing can clean up after that; it never replaces the original.)
      assertWholeFiles(root, files);
    });
  });
}


const TWO = 'import socket\na = socket.socket()\na.bind(("0.0.0.0", 1))\nb = socket.socket()\nb.bind(("0.0.0.0", 2))\n';
const TWO_FIXED = TWO.replace("import socket\n", "import os\nimport socket\n").replaceAll('("0.0.0.0", ', '(os.environ.get("BIND_HOST", "127.0.0.1"), ');
const TWO_FIRST_ONLY = TWO.replace("import socket\n", "import os\nimport socket\n").replace('("0.0.0.0", ', '(os.environ.get("BIND_HOST", "127.0.0.1"), ');

/** A `decide` that gives the scripted answers in order, and presses Ctrl-C when they run out. */
function scripted(answers: Answer[]): { decide: (question: ReviewQuestion) => Promise<Answer>; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    decide: async (question) => {
      asked.push(`${question.path}:${question.line}`);
      const answer = answers.shift();
      if (!answer) throw new ReviewInterrupted("interrupted");
      return answer;
    },
  };
}

test("Ctrl-C in the middle of a file's review: earlier files complete, this one and later ones untouched", async () => {
  const root = tempTree({ "a.py": TWO, "b.py": TWO, "c.py": BIND });
  try {
    const files = ["a.py", "b.py", "c.py"].map((name) => scanned(root, name));
    // y, y for a.py; y for b.py's first change, then Ctrl-C before its second.
    const { decide, asked } = scripted(["yes", "yes", "yes"]);
    const result = await review(files, decide, true);
    assert.equal(result.stopped, "interrupted");
    assert.deepEqual(asked, ["a.py:3", "a.py:5", "b.py:3", "b.py:5"]);
    assert.equal(readFileSync(path.join(root, "a.py"), "utf8"), TWO_FIXED);
    assert.equal(readFileSync(path.join(root, "b.py"), "utf8"), TWO, "an accepted change of the interrupted file was written");
    assert.equal(readFileSync(path.join(root, "c.py"), "utf8"), BIND);
    assert.deepEqual(result.outcomes.map((outcome) => [outcome.path, outcome.written]), [["a.py", true], ["b.py", false], ["c.py", false]]);
    assert.deepEqual(leftoverTemporaries(root), []);
  } finally {
    removeTree(root);
  }
});

test("quit in the middle of a file's review writes what was accepted, whole, and nothing after", async () => {
  const root = tempTree({ "a.py": TWO, "b.py": BIND });
  try {
    const files = ["a.py", "b.py"].map((name) => scanned(root, name));
    const { decide } = scripted(["yes", "quit"]);
    const result = await review(files, decide, true);
    assert.equal(result.stopped, "quit");
    assert.equal(readFileSync(path.join(root, "a.py"), "utf8"), TWO_FIRST_ONLY);
    assert.equal(readFileSync(path.join(root, "b.py"), "utf8"), BIND);
  } finally {
    removeTree(root);
  }
});

// The same through the terminal: `bindfix -i` in a pseudo-terminal (util-linux `script`).

const hasPtyOnLinux = hasScript && process.platform === "linux";


for (const [how, action, status] of [["Ctrl-C", "\x03", 130], ["SIGTERM", "SIGTERM", 143]] as const) {
  test(`${how} at a prompt in the terminal: earlier files complete, the file under review untouched, exit ${status}`, { skip: !hasPtyOnLinux && "util-linux `script` on Linux needed" }, async () => {
    const root = tempTree({ "a.py": BIND, "b.py": TWO, "c.py": BIND });
    try {
      // a.py: y. b.py: y to its first change, then the interruption at its second.
      const session = await interactiveSession(root, ["y", "y", action]);
      assert.equal(session.status, status, session.screen);
      assert.equal(readFileSync(path.join(root, "a.py"), "utf8"), FIXED);
      assert.equal(readFileSync(path.join(root, "b.py"), "utf8"), TWO, "an accepted change of the interrupted file was written");
      assert.equal(readFileSync(path.join(root, "c.py"), "utf8"), BIND);
      assert.deepEqual(leftoverTemporaries(root), []);
    } finally {
      removeTree(root);
    }
  });
}

test("Ctrl-C while the review waits for the scan: the run stops there, answered files complete, exit 130", { skip: !hasPtyOnLinux && "util-linux `script` on Linux needed" }, async () => {
  // Ctrl-C comes while the scan is still on the 3 s of clean files before z.py.
  const root = slowScanTree(BIND, 30);
  try {
    const session = await interactiveSession(root, ["y"], SLOW_SCAN, { afterMs: 500, keys: "\x03" });
    assert.equal(session.status, 130, session.screen);
    assert.match(session.screen, /interrupted; every file is either unchanged or completely written/);
    assert.doesNotMatch(session.screen, /z\.py:3/, "no question about a file after the interruption");
    assert.equal(readFileSync(path.join(root, "a.py"), "utf8"), FIXED);
    assert.equal(readFileSync(path.join(root, "z.py"), "utf8"), BIND);
    assert.deepEqual(leftoverTemporaries(root), []);
  } finally {
    removeTree(root);
  }
});
