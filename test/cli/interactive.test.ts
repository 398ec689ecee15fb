// The interactive flow driven through its prompts in a real pseudo-terminal (util-linux `script`):
// accept one change, skip one, quit; accepted changes are written, the rest is left alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { cliPath } from "../helpers/paths.js";
import { removeTree, tempTree } from "../helpers/tree.js";

const hasScript = spawnSync("script", ["--version"]).status === 0;

const A = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 1))\ns.bind(("", 2))\ns.bind(("0.0.0.0", 3))\n';
const B = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 4))\n';

interface Session {
  status: number | null;
  screen: string;
}

/** Runs `bindfix -i` in a pty and answers each prompt with the next key as it appears. */
function interactive(cwd: string, keys: string[]): Promise<Session> {
  return new Promise((resolve, reject) => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} --interactive --no-color .`;
    const child = spawn("script", ["-qefc", command, "/dev/null"], { cwd, env: { ...process.env, TERM: "xterm" } });
    let screen = "";
    let answered = 0;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`interactive session timed out:\n${screen}`));
    }, 30_000);
    child.stdout.on("data", (chunk: Buffer) => {
      screen += chunk.toString("utf8");
      const prompts = screen.split("Apply this change? [y,n,f,a,q,?]").length - 1;
      if (prompts > answered && answered < keys.length) child.stdin.write(keys[answered++]!);
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, screen });
    });
  });
}

test("interactive: accept one, skip one, quit writes only what was accepted", { skip: !hasScript && "util-linux `script` not found" }, async () => {
  const root = tempTree({ "a.py": A, "b.py": B });
  try {
    const session = await interactive(root, ["y", "n", "q"]);
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
    const session = await interactive(root, ["n", "f", "n"]);
    assert.equal(session.status, 1, "one skipped finding remains");
    const a = readFileSync(path.join(root, "a.py"), "utf8");
    assert.match(a, /s\.bind\(\("0\.0\.0\.0", 1\)\)/);
    assert.match(a, /s\.bind\(\(os\.environ\.get\("BIND_HOST", "127\.0\.0\.1"\), 3\)\)/);
    assert.match(readFileSync(path.join(root, "b.py"), "utf8"), /s\.bind\(\("0\.0\.0\.0", 4\)\)/, "skipped");

    const all = await interactive(root, ["a"]);
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
    const session = await interactive(root, ["?", "n"]);
    assert.match(session.screen, /f - apply this change and the rest in this file/);
    assert.equal(session.status, 1);
    assert.equal(readFileSync(path.join(root, "b.py"), "utf8"), B);
  } finally {
    removeTree(root);
  }
});
