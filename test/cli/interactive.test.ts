// The interactive flow driven through its prompts in a real pseudo-terminal (util-linux `script`):
// accept one change, skip one, quit; accepted changes are written, the rest is left alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { hasScript, interactiveSession, SLOW_SCAN, slowScanTree } from "../helpers/pty.js";
import { removeTree, tempTree } from "../helpers/tree.js";

const A = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 1))\ns.bind(("", 2))\ns.bind(("0.0.0.0", 3))\n';
const B = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 4))\n';

test("interactive: accept one, skip one, quit writes only what was accepted", { skip: !hasScript && "util-linux `script` not found" }, async () => {
  const root = tempTree({ "a.py": A, "b.py": B });
  try {
    const session = await interactiveSession(root, ["y", "n", "q"]);
    assert.match(session.screen, /\[1\/4\] a\.py:3 socket-bind socket bound to all interfaces/);
    assert.match(session.screen, /\[2\/4\] a\.py:4/);
    assert.match(session.screen, /\[3\/4\] a\.py:5/);
    assert.doesNotMatch(session.screen, /\[4\/4\]/);
    assert.equal(session.status, 1, "fixable findings remain");
    assert.equal(
      readFileSync(path.join(root, "a.py"), "utf8"),
      'import os\nimport socket\ns = socket.socket()\ns.bind((os.environ.get("BIND_HOST", "127.0.0.1"), 1))\ns.bind(("", 2))\ns.bind(("0.0.0.0", 3))\n',
    );
    assert.equal(readFileSync(path.join(root, "b.py"), "utf8"), B, "files after quitting are untouched");
  } finally {
    removeTree(root);
  }
});

test("interactive: `f` applies the rest of the file, `a` all remaining", { skip: !hasScript && "util-linux `script` not found" }, async () => {
  const root = tempTree({ "a.py": A, "b.py": B });
  try {
    const session = await interactiveSession(root, ["n", "f", "n"]);
    assert.equal(session.status, 1, "one skipped finding remains");
    const a = readFileSync(path.join(root, "a.py"), "utf8");
    assert.match(a, /s\.bind\(\("0\.0\.0\.0", 1\)\)/);
    assert.match(a, /s\.bind\(\(os\.environ\.get\("BIND_HOST", "127\.0\.0\.1"\), 3\)\)/);
    assert.match(readFileSync(path.join(root, "b.py"), "utf8"), /s\.bind\(\("0\.0\.0\.0", 4\)\)/, "skipped");

    const all = await interactiveSession(root, ["a"]);
    assert.equal(all.status, 0);
    assert.match(readFileSync(path.join(root, "a.py"), "utf8"), /BIND_HOST", "127\.0\.0\.1"\), 1\)/);
    assert.match(readFileSync(path.join(root, "b.py"), "utf8"), /BIND_HOST/);
  } finally {
    removeTree(root);
  }
});

test("interactive: `?` shows the help and asks again", { skip: !hasScript && "util-linux `script` not found" }, async () => {
  const root = tempTree({ "b.py": B });
  try {
    const session = await interactiveSession(root, ["?", "n"]);
    assert.match(session.screen, /f - apply this change and the rest in this file/);
    assert.equal(session.status, 1);
    assert.equal(readFileSync(path.join(root, "b.py"), "utf8"), B);
  } finally {
    removeTree(root);
  }
});

test("interactive: keys typed ahead answer the next questions, one key each", { skip: !hasScript && "util-linux `script` not found" }, async () => {
  const root = tempTree({ "a.py": A, "b.py": B });
  try {
    // All three answers in one write at the first prompt, as a fast typist or a paste sends them:
    // the same result as answering each prompt in turn (the first test).
    const session = await interactiveSession(root, ["ynq"]);
    assert.match(session.screen, /\[3\/4\] a\.py:5/);
    assert.doesNotMatch(session.screen, /\[4\/4\]/);
    assert.equal(session.status, 1, session.screen);
    assert.equal(
      readFileSync(path.join(root, "a.py"), "utf8"),
      'import os\nimport socket\ns = socket.socket()\ns.bind((os.environ.get("BIND_HOST", "127.0.0.1"), 1))\ns.bind(("", 2))\ns.bind(("0.0.0.0", 3))\n',
    );
    assert.equal(readFileSync(path.join(root, "b.py"), "utf8"), B);
  } finally {
    removeTree(root);
  }
});

test("interactive: a key typed while the scan looks for the next change answers that change", { skip: !hasScript && "util-linux `script` not found" }, async () => {
  // The answer for z.py is typed while the scan is still on the 2 s of clean files before it.
  const root = slowScanTree(B, 20);
  try {
    const session = await interactiveSession(root, ["n"], SLOW_SCAN, { afterMs: 500, keys: "y" });
    assert.match(session.screen, /\[2\/2\+?\] z\.py:3/);
    assert.equal(session.status, 1, session.screen);
    assert.equal(readFileSync(path.join(root, "a.py"), "utf8"), B);
    assert.match(readFileSync(path.join(root, "z.py"), "utf8"), /BIND_HOST/);
  } finally {
    removeTree(root);
  }
});
