// Writing is refused when the file changed since it was read, and otherwise atomic.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { writeIfUnchanged } from "../src/write.js";
import { removeTree, tempTree } from "./helpers/tree.js";

test("a file changed on disk between read and write is not overwritten", () => {
  const root = tempTree({ "a.py": "x = 1\n" });
  const file = path.join(root, "a.py");
  try {
    const readBytes = readFileSync(file);
    writeFileSync(file, "x = 2  # edited meanwhile\n");
    const result = writeIfUnchanged(file, readBytes, Buffer.from("x = 3\n"));
    assert.deepEqual(result, { ok: false, message: "changed on disk since it was read; not written" });
    assert.equal(readFileSync(file, "utf8"), "x = 2  # edited meanwhile\n");
    assert.deepEqual(readdirSync(root), ["a.py"]);
  } finally {
    removeTree(root);
  }
});

test("an unchanged file is replaced whole, leaving no temporary file", () => {
  const root = tempTree({ "a.py": "x = 1\n" });
  const file = path.join(root, "a.py");
  try {
    assert.deepEqual(writeIfUnchanged(file, readFileSync(file), Buffer.from("x = 3\n")), { ok: true });
    assert.equal(readFileSync(file, "utf8"), "x = 3\n");
    assert.deepEqual(readdirSync(root), ["a.py"]);
  } finally {
    removeTree(root);
  }
});
