// The review asks while the scan goes on (`ReviewFeed`): the first question waits for the scan's end
// only so long, counts found so far carry a `+` until the scan ends, `q` still accounts for every
// file the scan finds, and Ctrl-C stops the scan.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { removeTree, tempTree } from "./helpers/tree.js";
import { BIND, FIXED, scanned } from "./helpers/safety.js";
import { hasScript, interactiveSession } from "./helpers/pty.js";
import { review, ReviewFeed, ReviewInterrupted, type Answer, type ReviewQuestion } from "../src/review.js";

const TWO = 'import socket\na = socket.socket()\na.bind(("0.0.0.0", 1))\nb = socket.socket()\nb.bind(("0.0.0.0", 2))\n';

/** A `decide` that records each question's counter and gives `answers` in order (Ctrl-C when none are left). */
function recording(answers: Answer[], onAsk: (question: ReviewQuestion) => void = () => {}): { decide: (question: ReviewQuestion) => Promise<Answer>; counters: string[] } {
  const counters: string[] = [];
  return {
    counters,
    decide: async (question) => {
      counters.push(`${question.path}:${question.line} ${question.index}/${question.total}${question.complete ? "" : "+"}`);
      onAsk(question);
      const answer = answers.shift();
      if (!answer) throw new ReviewInterrupted("interrupted");
      return answer;
    },
  };
}

test("the first question waits for a scan that ends within the hold, and shows the exact total", async () => {
  const root = tempTree({ "a.py": TWO, "b.py": BIND });
  try {
    const feed = new ReviewFeed(60_000);
    const { decide, counters } = recording(["no", "no", "no"]);
    const reviewing = review(feed, decide, false);
    feed.push(scanned(root, "a.py"));
    feed.poll();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(counters, [], "nothing is asked while the scan may still end within the hold");
    feed.push(scanned(root, "b.py"));
    feed.end();
    await reviewing;
    assert.deepEqual(counters, ["a.py:3 1/3", "a.py:5 2/3", "b.py:3 3/3"]);
  } finally {
    removeTree(root);
  }
});

test("past the hold, questions start while the scan goes on, counting what was found so far", async () => {
  const root = tempTree({ "a.py": TWO, "b.py": BIND, "c.py": BIND });
  try {
    const feed = new ReviewFeed(0);
    const later = [scanned(root, "b.py"), scanned(root, "c.py")];
    // The scan finds b.py while a.py's first question is shown, and c.py after its second.
    const { decide, counters } = recording(["no", "no", "no", "no"], (question) => {
      if (question.index === 1) feed.push(later[0]!);
      if (question.index === 2) {
        feed.push(later[1]!);
        feed.end();
      }
    });
    const reviewing = review(feed, decide, false);
    feed.push(scanned(root, "a.py"));
    feed.poll();
    const result = await reviewing;
    assert.deepEqual(counters, ["a.py:3 1/2+", "a.py:5 2/3+", "b.py:3 3/4", "c.py:3 4/4"]);
    assert.deepEqual(
      result.outcomes.map((outcome) => outcome.path),
      ["a.py", "b.py", "c.py"],
    );
  } finally {
    removeTree(root);
  }
});

test("quit while the scan goes on: later files are still scanned and reported, none written", async () => {
  const root = tempTree({ "a.py": BIND, "b.py": BIND });
  try {
    const feed = new ReviewFeed(0);
    const { decide } = recording(["yes", "quit"]);
    const reviewing = review(feed, decide, true);
    feed.push(scanned(root, "a.py"));
    feed.poll();
    const b = scanned(root, "b.py");
    setTimeout(() => {
      feed.push(b);
      feed.end();
    }, 10);
    // a.py: yes; the scan has not found b.py yet, so the review waits, then asks about it: quit.
    const result = await reviewing;
    assert.equal(result.stopped, "quit");
    assert.deepEqual(
      result.outcomes.map((outcome) => [outcome.path, outcome.written, outcome.findings.length]),
      [
        ["a.py", true, 1],
        ["b.py", false, 1],
      ],
    );
    assert.equal(readFileSync(path.join(root, "a.py"), "utf8"), FIXED);
    assert.equal(readFileSync(path.join(root, "b.py"), "utf8"), BIND);
  } finally {
    removeTree(root);
  }
});

test("Ctrl-C while the scan goes on asks it to stop, and reports the files it already found unwritten", async () => {
  const root = tempTree({ "a.py": BIND, "b.py": BIND });
  try {
    const feed = new ReviewFeed(0);
    const { decide } = recording([]);
    const reviewing = review(feed, decide, true);
    feed.push(scanned(root, "a.py"));
    feed.push(scanned(root, "b.py"));
    const result = await reviewing;
    assert.equal(result.stopped, "interrupted");
    assert.equal(feed.abandoned, true, "the scan is told to stop");
    assert.deepEqual(
      result.outcomes.map((outcome) => [outcome.path, outcome.written]),
      [
        ["a.py", false],
        ["b.py", false],
      ],
    );
  } finally {
    removeTree(root);
  }
});

test("a scan that fails makes the waiting review fail with its error", async () => {
  const feed = new ReviewFeed(0);
  const reviewing = review(feed, recording([]).decide, false);
  feed.fail(new Error("disk on fire"));
  await assert.rejects(reviewing, /disk on fire/);
});

test("interactive in a terminal: on a slow scan the first question comes before the scan ends", { skip: !hasScript && "util-linux `script` not found" }, async () => {
  const files = Object.fromEntries(["a.py", "b.py", "c.py", "d.py", "e.py", "f.py"].map((name) => [name, BIND]));
  const root = tempTree(files);
  try {
    // BINDFIX_TEST_PAUSE_MS (src/run.ts) pauses 300 ms before each file: the scan takes 1.8 s,
    // longer than the first question is held.
    const session = await interactiveSession(root, ["y", "n", "n", "n", "n", "y"], { BINDFIX_TEST_PAUSE_MS: "300" });
    const counters = [...session.screen.matchAll(/\[(\d+)\/(\d+\+?)\] (\w)\.py:3/g)].map((match) => `${match[1]}/${match[2]} ${match[3]}`);
    assert.equal(counters.length, 6, session.screen);
    assert.match(counters[0]!, /^1\/\d\+ a$/, "the first question counts what was found so far");
    // Questions come in path order, and the count found so far never falls.
    assert.deepEqual(counters.map((counter) => counter.slice(-1)), ["a", "b", "c", "d", "e", "f"]);
    const totals = counters.map((counter) => Number(/\/(\d+)/.exec(counter)![1]));
    assert.deepEqual(totals, [...totals].sort((x, y) => x - y));
    assert.equal(totals[5], 6);
    assert.equal(session.status, 1, "four skipped findings remain");
    assert.match(session.screen, /fixed 2 findings in 2 files; 4 left unfixed/);
    assert.equal(readFileSync(path.join(root, "a.py"), "utf8"), FIXED);
    assert.equal(readFileSync(path.join(root, "b.py"), "utf8"), BIND);
    assert.equal(readFileSync(path.join(root, "f.py"), "utf8"), FIXED);
  } finally {
    removeTree(root);
  }
});

test("interactive in a terminal: an error the scan meets during a question is printed between questions", { skip: !hasScript && "util-linux `script` not found" }, async () => {
  const root = tempTree({ "a.py": BIND, "b.py": "x = 1\n", "c.py": BIND });
  try {
    // Not valid UTF-8: the scan reports b.py while a.py's question is shown.
    writeFileSync(path.join(root, "b.py"), Buffer.from([0x78, 0x20, 0x3d, 0x20, 0xff, 0x0a]));
    const session = await interactiveSession(root, ["y", "y"], { BINDFIX_TEST_PAUSE_MS: "500" });
    const screen = session.screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
    assert.match(screen, /\[1\/1\+\] a\.py:3/, "asked before the scan reached b.py");
    // On a line of its own, after a.py's answer and before c.py's question.
    assert.match(screen, /apply\r?\n(?:\r?\n)?error: b\.py: not valid UTF-8[^\n]*\r?\n[\s\S]*\[2\/2\+?\] c\.py:3/);
    assert.equal(session.status, 2, "a file could not be read");
    assert.equal(readFileSync(path.join(root, "a.py"), "utf8"), FIXED);
    assert.equal(readFileSync(path.join(root, "c.py"), "utf8"), FIXED);
  } finally {
    removeTree(root);
  }
});
