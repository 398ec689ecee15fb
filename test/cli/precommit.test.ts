// .pre-commit-hooks.yaml: the manifest matches pre-commit's hook schema (pre_commit/clientlib.py,
// MANIFEST_HOOK_DICT), and each hook's entry, run the way pre-commit runs it (entry words, then args,
// then the staged file names, in the repository root), fails or fixes as documented. Where
// pre-commit is installed, it also installs the hooks from a copy of this tree and runs them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { repoRoot } from "../helpers/paths.js";
import { removeTree, runCli, tempTree } from "../helpers/tree.js";
import { cleanEnv, copyWorkingTree, registryReachable } from "../helpers/package.js";

interface ManifestHook {
  id: string;
  name: string;
  entry: string;
  language: string;
  [key: string]: unknown;
}

// pre-commit's manifest keys and the type each must have.
const KEY_TYPES: Record<string, "string" | "boolean" | "string[]"> = {
  id: "string",
  name: "string",
  entry: "string",
  language: "string",
  alias: "string",
  files: "string",
  exclude: "string",
  types: "string[]",
  types_or: "string[]",
  exclude_types: "string[]",
  additional_dependencies: "string[]",
  args: "string[]",
  always_run: "boolean",
  fail_fast: "boolean",
  pass_filenames: "boolean",
  description: "string",
  language_version: "string",
  log_file: "string",
  minimum_pre_commit_version: "string",
  require_serial: "boolean",
  stages: "string[]",
  verbose: "boolean",
};
const REQUIRED = ["id", "name", "entry", "language"];

const manifest = parse(readFileSync(path.join(repoRoot, ".pre-commit-hooks.yaml"), "utf8")) as unknown;
const hooks = manifest as ManifestHook[];
const hook = (id: string): ManifestHook => hooks.find((candidate) => candidate.id === id)!;

const BIND = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 8000))\n';
const FIXED = 'import os\nimport socket\ns = socket.socket()\ns.bind((os.environ.get("BIND_HOST", "127.0.0.1"), 8000))\n';
const SUPPRESSED = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 8000))  # nosec\n';

/** Runs a hook as pre-commit does: `shlex.split(entry) + args + filenames`, the program being our bin. */
function runHook(id: string, files: string[], cwd: string) {
  const definition = hook(id);
  const [program, ...entryArgs] = definition.entry.split(/\s+/);
  const manifestBin = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { bin: Record<string, string> }).bin;
  assert.ok(program! in manifestBin, `entry program '${program}' is a bin of the package`);
  const args = (definition.args as string[] | undefined) ?? [];
  return runCli([...entryArgs, ...args, ...(definition.pass_filenames === false ? [] : files)], cwd);
}

test(".pre-commit-hooks.yaml is a list of hooks that pre-commit's manifest schema accepts", () => {
  assert.ok(Array.isArray(manifest), "the manifest is a YAML list");
  for (const entry of hooks) {
    assert.equal(typeof entry, "object");
    for (const key of REQUIRED) assert.ok(key in entry, `${entry.id ?? "a hook"} lacks '${key}'`);
    for (const [key, value] of Object.entries(entry)) {
      const type = KEY_TYPES[key];
      assert.ok(type, `${entry.id}: unknown key '${key}'`);
      if (type === "string[]") assert.ok(Array.isArray(value) && value.every((item) => typeof item === "string"), `${entry.id}: ${key} must be a list of strings`);
      else assert.equal(typeof value, type, `${entry.id}: ${key} must be a ${type}`);
    }
  }
  assert.deepEqual(hooks.map((entry) => entry.id), ["bindfix", "bindfix-fix"]);
  assert.equal(new Set(hooks.map((entry) => entry.id)).size, hooks.length, "hook ids are unique");
});

test("both hooks run the node bin on staged Python files", () => {
  for (const id of ["bindfix", "bindfix-fix"]) {
    const definition = hook(id);
    assert.equal(definition.language, "node");
    assert.deepEqual(definition.types, ["python"]);
    assert.notEqual(definition.pass_filenames, false);
  }
  assert.equal(hook("bindfix").entry, "bindfix");
  assert.equal(hook("bindfix-fix").entry, "bindfix --write");
});

test("the bindfix hook fails (exit 1) when a staged file has a fixable finding, and changes nothing", () => {
  const root = tempTree({ "app/server.py": BIND, "ok.py": "print('hi')\n" });
  try {
    const run = runHook("bindfix", ["app/server.py", "ok.py"], root);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /^diff --git a\/app\/server\.py b\/app\/server\.py/);
    assert.match(run.stderr, /would fix 1 finding in 1 file/);
    assert.equal(readFileSync(path.join(root, "app/server.py"), "utf8"), BIND);
  } finally {
    removeTree(root);
  }
});

test("the bindfix hook passes (exit 0) on clean and suppressed files", () => {
  const root = tempTree({ "ok.py": "print('hi')\n", "intended.py": SUPPRESSED });
  try {
    const run = runHook("bindfix", ["ok.py", "intended.py"], root);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, "");
  } finally {
    removeTree(root);
  }
});

test("the bindfix-fix hook rewrites the staged file, after which the bindfix hook passes", () => {
  const root = tempTree({ "app/server.py": BIND });
  try {
    const fixRun = runHook("bindfix-fix", ["app/server.py"], root);
    // pre-commit itself fails the commit because the hook modified a file; the user re-stages.
    assert.equal(fixRun.status, 0, fixRun.stderr);
    assert.equal(readFileSync(path.join(root, "app/server.py"), "utf8"), FIXED);
    assert.match(fixRun.stderr, /fixed 1 finding in 1 file/);
    assert.equal(runHook("bindfix", ["app/server.py"], root).status, 0);
  } finally {
    removeTree(root);
  }
});

test("a staged file that cannot be decoded fails the hook with exit 2", () => {
  const root = tempTree({ "bad.py": "x = 1\0\n" });
  try {
    const run = runHook("bindfix", ["bad.py"], root);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /error: bad\.py:/);
  } finally {
    removeTree(root);
  }
});

const hasPreCommit = spawnSync("pre-commit", ["--version"], { timeout: 30_000 }).status === 0;

test(
  "pre-commit itself installs both hooks from a repository and runs them (when pre-commit is installed)",
  { timeout: 900_000, skip: !hasPreCommit && "pre-commit is not installed (apt-get install pre-commit, or pipx install pre-commit)" },
  (t) => {
    if (!registryReachable()) return t.skip("the npm registry is unreachable");
    // A repository of this working tree (no node_modules: pre-commit installs into its own clone).
    const hookRepo = copyWorkingTree(false);
    const project = tempTree({ "a.py": BIND });
    const home = tempTree();
    const env = cleanEnv({ PRE_COMMIT_HOME: home, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" });
    const run = (command: string, args: string[], cwd: string) => spawnSync(command, args, { cwd, env, timeout: 600_000 });
    try {
      for (const cwd of [hookRepo, project]) {
        assert.equal(run("git", ["init", "-q"], cwd).status, 0);
        assert.equal(run("git", ["add", "."], cwd).status, 0);
      }
      assert.equal(run("git", ["commit", "-qm", "hooks"], hookRepo).status, 0);

      // Without a hook id try-repo runs every hook of the manifest, in order, after one install.
      const both = run("pre-commit", ["try-repo", hookRepo, "--files", "a.py"], project);
      const output = both.stdout.toString();
      assert.equal(both.status, 1, output + both.stderr.toString());
      assert.match(output, /^bindfix \(binds to all interfaces\)\.+Failed\n- hook id: bindfix\n- exit code: 1\n\ndiff --git a\/a\.py b\/a\.py\n/m);
      assert.match(output, /^bindfix --write \(binds to all interfaces\)\.+Failed\n- hook id: bindfix-fix\n- files were modified by this hook\n/m);
      assert.equal(readFileSync(path.join(project, "a.py"), "utf8"), FIXED);
    } finally {
      removeTree(hookRepo);
      removeTree(project);
      removeTree(home);
    }
  },
);
