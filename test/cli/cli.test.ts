// End-to-end runs of the built CLI on temporary trees: the patch equals --write, exit codes,
// discovery rules, JSON, permissions, and --interactive refusing to run without a terminal.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, readFileSync, statSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fixturesDir } from "../helpers/paths.js";
import { copyTree, git, removeTree, runCli, tempTree } from "../helpers/tree.js";

const BIND = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 8000))\n';
const FIXED = 'import os\nimport socket\ns = socket.socket()\ns.bind((os.environ.get("BIND_HOST", "127.0.0.1"), 8000))\n';
const CLEAN = 'import socket\ns = socket.socket()\ns.bind(("127.0.0.1", 8000))\n';

/** Every regular file under root (but .git) with its bytes, for before/after comparisons. */
function snapshot(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === ".git") continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.set(path.relative(root, full), readFileSync(full).toString("hex"));
    }
  };
  walk(root);
  return files;
}

test("dry-run patch applied with git apply equals --write, byte for byte", () => {
  const patched = copyTree(fixturesDir);
  const written = copyTree(fixturesDir);
  try {
    const dry = runCli(["."], patched);
    assert.equal(dry.status, 1, dry.stderr);
    assert.match(dry.stdout, /^diff --git a\//);
    assert.equal(git(["init", "-q"], patched).status, 0);
    const apply = git(["apply", "--whitespace=nowarn", "-"], patched, dry.stdoutBytes);
    assert.equal(apply.status, 0, apply.stderr.toString());

    const write = runCli(["--write", "."], written);
    assert.equal(write.status, 0, write.stderr);
    assert.match(write.stderr, /^fixed \d+ findings in \d+ files/m);
    assert.match(write.stderr, /set BIND_HOST=0\.0\.0\.0 where all-interface binding is wanted/);
    assert.deepEqual(snapshot(patched), snapshot(written));
    assert.notDeepEqual(snapshot(written), snapshot(fixturesDir), "nothing was fixed");
  } finally {
    removeTree(patched);
    removeTree(written);
  }
});

test("a dry run prints only the patch on stdout and changes nothing", () => {
  const root = tempTree({ "app.py": BIND });
  try {
    const run = runCli(["app.py"], root);
    assert.equal(run.status, 1);
    assert.equal(readFileSync(path.join(root, "app.py"), "utf8"), BIND);
    assert.ok(run.stdout.startsWith("diff --git a/app.py b/app.py\n--- a/app.py\n+++ b/app.py\n@@"), run.stdout);
    assert.match(run.stderr, /would fix 1 finding in 1 file; run with --write to apply/);
  } finally {
    removeTree(root);
  }
});

test("exit status is 0 when nothing fixable remains, 1 when some does, 2 on a bad file", () => {
  const root = tempTree({ "clean.py": CLEAN, "bind.py": BIND, "broken.py": Buffer.from([0x73, 0x3d, 0xff, 0xfe, 0x0a]) });
  try {
    assert.equal(runCli(["clean.py"], root).status, 0);
    assert.equal(runCli(["bind.py"], root).status, 1);
    const bad = runCli(["."], root);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^error: broken\.py: not valid UTF-8/m);
    assert.match(bad.stdout, /diff --git a\/bind\.py/, "the other files are still handled");
    assert.equal(runCli(["--write", "bind.py"], root).status, 0);
    assert.equal(readFileSync(path.join(root, "bind.py"), "utf8"), FIXED);
    assert.equal(runCli(["bind.py"], root).status, 0, "a second run finds nothing");
  } finally {
    removeTree(root);
  }
});

test("usage errors exit 2 with a one-line reason", () => {
  const root = tempTree({ "a.py": BIND });
  try {
    for (const args of [["--bogus"], ["--rule", "no-such-rule"], ["--env-var", "NOT VALID"], ["--json", "--sarif"]]) {
      const run = runCli(args, root);
      assert.equal(run.status, 2, args.join(" "));
      assert.match(run.stderr, /^bindfix: .+\nTry 'bindfix --help'\.\n$/);
    }
    const missing = runCli(["nope.py"], root);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^error: nope\.py: no such file or directory$/m);
  } finally {
    removeTree(root);
  }
});

test("directories are walked for Python files, honouring .gitignore and skipping environments", () => {
  const root = tempTree({
    ".gitignore": "generated/\n*_pb2.py\n",
    "src/app.py": BIND,
    "src/tool": `#!/usr/bin/env python3\n${BIND}`,
    "src/notes.txt": BIND,
    "src/gui.pyw": BIND,
    "src/api_pb2.py": BIND,
    "generated/gen.py": BIND,
    "venv/lib/x.py": BIND,
    ".venv/x.py": BIND,
    "env2/pyvenv.cfg": "home = /usr/bin\n",
    "env2/lib/x.py": BIND,
    "node_modules/x.py": BIND,
    "__pycache__/x.py": BIND,
    ".tox/x.py": BIND,
    ".nox/x.py": BIND,
    "lib/site-packages/x.py": BIND,
    "nested/.gitignore": "local.py\n",
    "nested/local.py": BIND,
    "nested/kept.py": BIND,
    // A folder whose name starts with two dots is inside the tree: the root's rules hold there too.
    "..data/x_pb2.py": BIND,
    "..data/ok.py": BIND,
  });
  try {
    git(["init", "-q"], root);
    const run = runCli(["--json", "."], root);
    const paths = [...new Set((JSON.parse(run.stdout) as { findings: Array<{ path: string }> }).findings.map((f) => f.path))];
    assert.deepEqual(paths, ["..data/ok.py", "nested/kept.py", "src/app.py", "src/gui.pyw", "src/tool"]);
    // Paths are shown from the working directory, wherever the walk starts.
    const fromSrc = runCli(["--json", "..", "app.py"], path.join(root, "src"));
    const shown = [...new Set((JSON.parse(fromSrc.stdout) as { findings: Array<{ path: string }> }).findings.map((f) => f.path))];
    assert.deepEqual(shown, ["../..data/ok.py", "../nested/kept.py", "app.py", "gui.pyw", "tool"]);
    const excluded = runCli(["--json", "--exclude", "src/*.pyw", "--exclude", "kept.py", "."], root);
    const left = [...new Set((JSON.parse(excluded.stdout) as { findings: Array<{ path: string }> }).findings.map((f) => f.path))];
    assert.deepEqual(left, ["..data/ok.py", "src/app.py", "src/tool"]);
    // A file named on the command line is always read, ignored or not.
    const explicit = runCli(["--json", "generated/gen.py"], root);
    assert.equal((JSON.parse(explicit.stdout) as { findings: unknown[] }).findings.length, 1);
  } finally {
    removeTree(root);
  }
});

test("--json reports SPEC §4 fields, sorted, and marks findings fixed with --write", () => {
  const root = tempTree({ "b.py": BIND, "a.py": `import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 1))  # noqa: S104\n${"s.bind(('', 2))\n"}` });
  try {
    const dry = runCli(["--json", "."], root);
    assert.equal(dry.status, 1);
    const report = JSON.parse(dry.stdout) as {
      version: number;
      findings: Array<Record<string, unknown>>;
      summary: Record<string, number>;
      errors: unknown[];
    };
    assert.equal(report.version, 1);
    assert.deepEqual(
      report.findings.map((f) => [f.path, f.line, f.column, f.status]),
      [
        ["a.py", 3, 9, "suppressed"],
        ["a.py", 4, 9, "fixable"],
        ["b.py", 3, 9, "fixable"],
      ],
    );
    assert.deepEqual(report.findings[2], {
      path: "b.py",
      line: 3,
      column: 9,
      endLine: 3,
      endColumn: 18,
      rule: "socket-bind",
      host: "0.0.0.0",
      status: "fixable",
      fixed: false,
      message: "socket bound to all interfaces",
      replacement: 'os.environ.get("BIND_HOST", "127.0.0.1")',
    });
    assert.deepEqual(report.summary, { files: 2, findings: 3, fixable: 2, fixed: 0, suppressed: 1, manual: 0, errors: 0 });
    const written = runCli(["--json", "--write", "."], root);
    assert.equal(written.status, 0);
    const after = JSON.parse(written.stdout) as { findings: Array<{ fixed: boolean; status: string }>; summary: { fixed: number } };
    assert.deepEqual(after.findings.map((f) => f.fixed), [false, true, true]);
    assert.equal(after.summary.fixed, 2);
  } finally {
    removeTree(root);
  }
});

test("options change the environment variable and the defaults", () => {
  const root = tempTree({ "a.py": BIND, "b.py": 'import socket\ns = socket.socket(socket.AF_INET6)\ns.bind(("::", 1))\n' });
  try {
    const run = runCli(["--write", "--env-var", "LISTEN_ADDR", "--default-host", "10.0.0.5", "--default-host6", "fd00::5", "."], root);
    assert.equal(run.status, 0, run.stderr);
    assert.match(readFileSync(path.join(root, "a.py"), "utf8"), /os\.environ\.get\("LISTEN_ADDR", "10\.0\.0\.5"\)/);
    assert.match(readFileSync(path.join(root, "b.py"), "utf8"), /os\.environ\.get\("LISTEN_ADDR", "fd00::5"\)/);
    assert.match(run.stderr, /set LISTEN_ADDR=0\.0\.0\.0/);
  } finally {
    removeTree(root);
  }
});

test("--write keeps the file's permission bits", () => {
  const root = tempTree({ "tool.py": `#!/usr/bin/env python3\n${BIND}` });
  const file = path.join(root, "tool.py");
  try {
    chmodSync(file, 0o754);
    assert.equal(runCli(["--write", "tool.py"], root).status, 0);
    assert.equal(statSync(file).mode & 0o777, 0o754);
    assert.match(readFileSync(file, "utf8"), /BIND_HOST/);
    assert.deepEqual(readdirSync(root), ["tool.py"], "no temporary file is left behind");
  } finally {
    removeTree(root);
  }
});

test("--interactive without a terminal on stdin is a usage error and writes nothing", () => {
  const root = tempTree({ "a.py": BIND });
  try {
    const run = runCli(["--interactive", "."], root);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--interactive needs a terminal/);
    assert.equal(readFileSync(path.join(root, "a.py"), "utf8"), BIND);
  } finally {
    removeTree(root);
  }
});

test("--rule runs only the named transform", () => {
  const root = tempTree({ "a.py": BIND });
  try {
    assert.equal(runCli(["--rule", "socket-bind", "."], root).status, 1);
  } finally {
    removeTree(root);
  }
});

test("--help and --version answer and exit 0", () => {
  const root = tempTree();
  try {
    const help = runCli(["--help"], root);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: bindfix \[options\] \[paths\.\.\.\]/);
    const version = runCli(["--version"], root);
    assert.equal(version.status, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  } finally {
    removeTree(root);
  }
});

test("a quiet run prints no summary", () => {
  const root = tempTree({ "a.py": BIND });
  try {
    const run = runCli(["-q", "--write", "."], root);
    assert.equal(run.status, 0);
    assert.equal(run.stderr, "");
  } finally {
    removeTree(root);
  }
});

test("unchanged files are never rewritten", () => {
  const root = tempTree({ "clean.py": CLEAN });
  const file = path.join(root, "clean.py");
  try {
    mkdirSync(path.join(root, "sub"));
    writeFileSync(path.join(root, "sub", "x.py"), "print('hi')\n");
    const before = statSync(file).mtimeMs;
    assert.equal(runCli(["--write", "."], root).status, 0);
    assert.equal(statSync(file).mtimeMs, before);
  } finally {
    removeTree(root);
  }
});
