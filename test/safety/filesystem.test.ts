// File-system hazards (issue 4): a directory named x.py, a FIFO (never a hang), symlink loops,
// symlinks out of the given paths (never written through), a file vanishing before it is read and a
// file changed between read and write (never overwritten). Runs of the built CLI, plus the engine's
// own read/settle steps where only a direct call can put the change between two steps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lstatSync, mkdirSync, readFileSync, realpathSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { removeTree, runCli, tempTree } from "../helpers/tree.js";
import { BIND, FIXED, leftoverTemporaries, scanned, startCli, waitFor } from "../helpers/safety.js";
import { discover, readRegularFile } from "../../src/discover.js";
import { readSource, settleFile } from "../../src/run.js";

const canMakeFifo = process.platform !== "win32" && spawnSync("mkfifo", ["--help"]).error === undefined;

function mkfifo(file: string): void {
  const made = spawnSync("mkfifo", [file]);
  assert.equal(made.status, 0, made.stderr?.toString());
}

/** A tree holding every hazard, and a file outside it that links point to. */
function hazardTree(): { root: string; outsideRoot: string; outsideFile: string } {
  const outsideRoot = tempTree({ "shared.py": BIND });
  const root = tempTree({
    "good.py": BIND,
    "dir.py/inner.py": BIND,
    "real/target.py": BIND,
  });
  if (canMakeFifo) mkfifo(path.join(root, "fifo.py"));
  symlinkSync("loop-b.py", path.join(root, "loop-a.py"));
  symlinkSync("loop-a.py", path.join(root, "loop-b.py"));
  symlinkSync(path.join(outsideRoot, "shared.py"), path.join(root, "outside.py"));
  symlinkSync(path.join("real", "target.py"), path.join(root, "inside.py"));
  return { root, outsideRoot, outsideFile: path.join(outsideRoot, "shared.py") };
}

test("a walk fixes real files, walks a directory named x.py, and skips FIFOs and symlinks without hanging", () => {
  const { root, outsideRoot, outsideFile } = hazardTree();
  try {
    const run = runCli(["--write", "."], root);
    assert.equal(run.status, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /^error:/m);
    for (const file of ["good.py", "dir.py/inner.py", "real/target.py"]) assert.equal(readFileSync(path.join(root, file), "utf8"), FIXED, file);
    assert.equal(readFileSync(outsideFile, "utf8"), BIND, "a walk wrote through a symlink out of the tree");
    for (const link of ["loop-a.py", "outside.py", "inside.py"]) assert.ok(lstatSync(path.join(root, link)).isSymbolicLink(), link);
    if (canMakeFifo) assert.ok(lstatSync(path.join(root, "fifo.py")).isFIFO());
    assert.deepEqual(leftoverTemporaries(root), []);
  } finally {
    removeTree(root);
    removeTree(outsideRoot);
  }
});

test("named explicitly: a FIFO and a symlink loop are one error line each, a directory is walked", () => {
  const { root, outsideRoot } = hazardTree();
  try {
    const args = ["--write", "loop-a.py", "dir.py", "good.py", ...(canMakeFifo ? ["fifo.py"] : [])];
    const run = runCli(args, root);
    assert.equal(run.status, 2, run.stderr);
    const errors = run.stderr.split("\n").filter((line) => line.startsWith("error: "));
    assert.deepEqual(errors.sort(), [
      ...(canMakeFifo ? ["error: fifo.py: not a regular file"] : []),
      "error: loop-a.py: too many levels of symbolic links",
    ]);
    assert.equal(readFileSync(path.join(root, "dir.py/inner.py"), "utf8"), FIXED);
    assert.equal(readFileSync(path.join(root, "good.py"), "utf8"), FIXED);
  } finally {
    removeTree(root);
    removeTree(outsideRoot);
  }
});

test("a named symlink to a file outside the working directory and the given paths is reported, never written through", () => {
  const { root, outsideRoot, outsideFile } = hazardTree();
  try {
    for (const args of [["--write", "outside.py", "good.py"], ["outside.py", "good.py"]]) {
      const run = runCli(args, root);
      assert.equal(run.status, 2, run.stderr);
      const target = realpathSync(outsideFile);
      assert.ok(
        run.stderr.includes(`error: outside.py: symbolic link to ${target}, outside the working directory and the given paths; not followed\n`),
        run.stderr,
      );
      assert.doesNotMatch(run.stdout, /outside\.py|shared\.py/, "the dry run printed a patch for the link");
    }
    assert.equal(readFileSync(outsideFile, "utf8"), BIND);
    assert.ok(lstatSync(path.join(root, "outside.py")).isSymbolicLink());
  } finally {
    removeTree(root);
    removeTree(outsideRoot);
  }
});

test("a named symlink is followed when its target is inside the given paths: the target is fixed, the link stays a link", () => {
  const { root, outsideRoot, outsideFile } = hazardTree();
  try {
    const inside = runCli(["--write", "inside.py"], root);
    assert.equal(inside.status, 0, inside.stderr);
    assert.equal(readFileSync(path.join(root, "real/target.py"), "utf8"), FIXED);
    assert.ok(lstatSync(path.join(root, "inside.py")).isSymbolicLink());
    // Naming the outside directory as well puts the link's target inside the given paths.
    const named = runCli(["--write", "outside.py", outsideRoot], root);
    assert.equal(named.status, 0, named.stderr);
    assert.equal(readFileSync(outsideFile, "utf8"), FIXED);
    assert.ok(lstatSync(path.join(root, "outside.py")).isSymbolicLink());
    assert.deepEqual(leftoverTemporaries(root), []);
  } finally {
    removeTree(root);
    removeTree(outsideRoot);
  }
});

test("reading a FIFO returns at once with an error instead of waiting for a writer", { skip: !canMakeFifo && "mkfifo not available" }, () => {
  const root = tempTree();
  try {
    mkfifo(path.join(root, "x.py"));
    assert.throws(() => readRegularFile(path.join(root, "x.py")), /not a regular file/);
    const read = readSource({ absPath: path.join(root, "x.py"), path: "x.py" });
    assert.deepEqual(read, { error: { path: "x.py", message: "not a regular file" } });
  } finally {
    removeTree(root);
  }
});

test("a file that vanishes between discovery and read is one error; the run goes on", async () => {
  const root = tempTree({ "a.py": BIND, "b.py": BIND });
  try {
    const found = [];
    for await (const item of discover(["."], { cwd: root, exclude: [] })) found.push(item);
    assert.deepEqual(found.map((item) => ("file" in item ? item.file.path : item.error.path)), ["a.py", "b.py"]);
    unlinkSync(path.join(root, "a.py"));
    const results = found.map((item) => ("file" in item ? readSource(item.file) : item));
    assert.deepEqual(results[0], { error: { path: "a.py", message: "no such file or directory" } });
    assert.ok("source" in results[1]!);
  } finally {
    removeTree(root);
  }
});

test("a file deleted while a --write run is under way is reported, and every other file is fixed", async () => {
  const names = Array.from({ length: 12 }, (_, i) => `f${String(i).padStart(2, "0")}.py`);
  const root = tempTree(Object.fromEntries(names.map((name) => [name, BIND])));
  try {
    // BINDFIX_TEST_PAUSE_MS (src/run.ts) pauses before each file, so the last file is still to come.
    const running = startCli(["--write", "."], root, { BINDFIX_TEST_PAUSE_MS: "250" });
    await waitFor(() => readFileSync(path.join(root, names[0]!), "utf8") === FIXED, "the first file to be written");
    unlinkSync(path.join(root, names.at(-1)!));
    const run = await running.exited;
    assert.equal(run.timedOut, false);
    assert.equal(run.status, 2, run.stderr);
    assert.ok(run.stderr.includes(`error: ${names.at(-1)}: no such file or directory\n`), run.stderr);
    for (const name of names.slice(0, -1)) assert.equal(readFileSync(path.join(root, name), "utf8"), FIXED, name);
  } finally {
    removeTree(root);
  }
});

test("a file changed on disk between read and write is not overwritten, and says so", () => {
  const root = tempTree({ "app.py": BIND });
  const file = path.join(root, "app.py");
  try {
    const scan = scanned(root, "app.py");
    const edited = BIND + "# edited in an editor meanwhile\n";
    writeFileSync(file, edited);
    const outcome = settleFile(scan, scan.scan.findings, true);
    assert.equal(outcome.written, false);
    assert.deepEqual(outcome.errors, [{ path: "app.py", message: "changed on disk since it was read; not written" }]);
    assert.ok(outcome.findings.every((finding) => !finding.fixed));
    assert.equal(readFileSync(file, "utf8"), edited);
    assert.deepEqual(leftoverTemporaries(root), []);
  } finally {
    removeTree(root);
  }
});

test("a file replaced by a directory between read and write is not written", () => {
  const root = tempTree({ "app.py": BIND });
  const file = path.join(root, "app.py");
  try {
    const scan = scanned(root, "app.py");
    unlinkSync(file);
    mkdirSync(file);
    const outcome = settleFile(scan, scan.scan.findings, true);
    assert.equal(outcome.written, false);
    assert.match(outcome.errors[0]?.message ?? "", /^cannot re-read before writing: /);
    assert.ok(lstatSync(file).isDirectory());
  } finally {
    removeTree(root);
  }
});
