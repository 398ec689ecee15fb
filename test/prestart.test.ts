// A run over folders starts its worker thread before the rest of bindfix loads (src/prestart.ts);
// a run over named files (a pre-commit hook) must not pay for one, nor --help or a usage error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { walksFolders } from "../src/prestart.js";
import { removeTree, runCli, tempTree } from "./helpers/tree.js";

test("a command line that names a folder, or no path at all, walks folders", () => {
  const root = tempTree({ "app/server.py": "x = 1\n" });
  try {
    assert.equal(walksFolders([root]), true);
    assert.equal(walksFolders(["--write", path.join(root, "app/server.py"), root]), true);
    const cwd = process.cwd();
    process.chdir(root);
    try {
      assert.equal(walksFolders([]), true);
      assert.equal(walksFolders(["--json"]), true);
    } finally {
      process.chdir(cwd);
    }
  } finally {
    removeTree(root);
  }
});

test("named files, a missing path, --help, --version and usage errors walk no folder", () => {
  const root = tempTree({ "a.py": "x = 1\n", "b.py": "y = 2\n" });
  try {
    assert.equal(walksFolders([path.join(root, "a.py"), path.join(root, "b.py")]), false);
    assert.equal(walksFolders([path.join(root, "missing")]), false);
    assert.equal(walksFolders(["--help", root]), false);
    assert.equal(walksFolders(["-V"]), false);
    assert.equal(walksFolders(["--no-such-option", root]), false);
    assert.equal(walksFolders(["--env-var", "1BAD", root]), false);
  } finally {
    removeTree(root);
  }
});

test("a run over a folder too small to share prints what a run in one thread prints, the early worker stopped unused", () => {
  const root = tempTree({ "server.py": 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 80))\n' });
  mkdirSync(path.join(root, "pkg"));
  writeFileSync(path.join(root, "pkg/clean.py"), "x = 1\n");
  try {
    // With two cores or more the command line starts a worker for this folder; two files are too few to use it.
    const usual = runCli(["."], root);
    const alone = runCli(["."], root, { env: { BINDFIX_WORKERS: "0" } });
    assert.equal(usual.status, 1, usual.stderr);
    assert.equal(usual.stdout, alone.stdout);
    assert.equal(usual.stderr, alone.stderr);
  } finally {
    removeTree(root);
  }
});
