// A failure of bindfix itself on one file (a bug, or input it cannot cope with) is that file's one
// error: the run settles every other file, in one thread as on workers. And one such failure, fixed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { settlePaths } from "../src/pool.js";
import type { Transform } from "../src/transform.js";
import { DEFAULT_REWRITE } from "../src/types.js";
import { transforms } from "../transforms/index.js";
import { removeTree, tempTree } from "./helpers/tree.js";

/** socket-bind, but failing on a file that names `explode` (a custom transform runs in this thread). */
const socketBind = transforms.find((transform) => transform.id === "socket-bind")!;
const failing: Transform = {
  ...socketBind,
  id: "failing-socket-bind",
  find(analysis) {
    if (analysis.file.text.includes("explode")) throw new RangeError("Maximum call stack size exceeded");
    return socketBind.find(analysis);
  },
};

test("an internal error on one file is its error; the files after it are still settled", async () => {
  const bind = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 1))\n';
  const root = tempTree({ "a.py": bind, "b.py": `${bind}explode = 1\n`, "c.py": bind });
  try {
    const items = [];
    const options = { paths: ["."], cwd: root, rewrite: DEFAULT_REWRITE, transforms: [failing], exclude: [], write: false, interactive: false, quiet: true };
    for await (const item of settlePaths(options)) items.push(item);
    const summary = items.map((item) => ("error" in item ? `error ${item.error.path}: ${item.error.message}` : "outcome" in item ? `${item.outcome.path}: ${item.outcome.findings.length}` : "review"));
    assert.deepEqual(summary, ["a.py: 1", "error b.py: internal error: Maximum call stack size exceeded", "c.py: 1"]);
  } finally {
    removeTree(root);
  }
});

test("a generated file of 150,000 binds goes through the prefilter (their call offsets once overflowed the stack)", () => {
  const text = "import socket\ns = socket.socket()\n" + Array.from({ length: 150_000 }, (_, i) => `s.bind(("0.0.0.0", ${i}))\n`).join("");
  assert.equal(socketBind.mayMatch(text), true);
});
