// [tool.bindfix] in pyproject.toml: which file is found, what each key does, that the command line
// wins, that mistakes are usage errors naming the key and the file, and that no code is ever run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { findConfigFile, parseConfig, rebaseGlob } from "../src/config.js";
import { UsageError } from "../src/options.js";
import { removeTree, runCli, tempTree } from "./helpers/tree.js";

const RULES = ["socket-bind", "web-run"];
const BIND = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 8000))\n';
const parse = (toml: string, cwd = "/repo"): ReturnType<typeof parseConfig> => parseConfig(toml, "/repo/pyproject.toml", cwd, RULES);

function usageError(toml: string, pattern: RegExp): void {
  assert.throws(() => parse(toml), (error: unknown) => error instanceof UsageError && pattern.test(error.message));
}

test("every key of [tool.bindfix] is read under the command line's name", () => {
  const config = parse(`
[project]
name = "app"

[tool.bindfix]
env-var = "APP_HOST"
default-host = "127.0.0.2"
default-host6 = "::2"
exclude = ["migrations", "src/gen/**"]
rules = ["socket-bind"]
`);
  assert.deepEqual(config, {
    file: "/repo/pyproject.toml",
    envVar: "APP_HOST",
    defaultHost: "127.0.0.2",
    defaultHost6: "::2",
    exclude: ["migrations", "src/gen/**"],
    rules: ["socket-bind"],
  });
});

test("a pyproject.toml without [tool.bindfix] configures nothing", () => {
  assert.deepEqual(parse('[project]\nname = "app"\n[tool.ruff]\nline-length = 100\n'), {});
});

test("dotted keys and inline tables are the same table", () => {
  assert.equal(parse('tool.bindfix.env-var = "X"\n').envVar, "X");
  assert.equal(parse('[tool]\nbindfix = { env-var = "Y" }\n').envVar, "Y");
});

test("an unknown key is a usage error that names the key and the file", () => {
  usageError('[tool.bindfix]\nenv_var = "X"\n', /^pyproject\.toml: unknown key 'env_var' in \[tool\.bindfix\]/);
});

test("a value of the wrong type is a usage error that names the key and the file", () => {
  usageError("[tool.bindfix]\nenv-var = 3\n", /^pyproject\.toml: \[tool\.bindfix\] env-var must be/);
  usageError('[tool.bindfix]\nenv-var = "not a name"\n', /env-var must be/);
  usageError('[tool.bindfix]\ndefault-host = "127.0.0.1\\"; import os"\n', /default-host must be an address/);
  usageError('[tool.bindfix]\nexclude = "build"\n', /exclude must be an array of strings/);
  usageError("[tool.bindfix]\nrules = [1]\n", /rules must be an array of strings/);
  usageError('[tool.bindfix]\nrules = ["nope"]\n', /rules: unknown rule 'nope'/);
  usageError('tool = "x"\n', /'tool' must be a table/);
});

test("invalid TOML is a usage error with the file and position", () => {
  usageError("[tool.bindfix\nenv-var = 1\n", /^pyproject\.toml:1:\d+: invalid TOML/);
});

test("path globs are relative to the pyproject.toml; name globs match anywhere", () => {
  assert.equal(rebaseGlob("build", "/repo", "/repo/sub"), "build");
  assert.equal(rebaseGlob("**/gen/*.py", "/repo", "/repo/sub"), "**/gen/*.py");
  assert.equal(rebaseGlob("src/gen/**", "/repo", "/repo"), "src/gen/**");
  assert.equal(rebaseGlob("./src/gen/**", "/repo", "/repo"), "src/gen/**");
  assert.equal(rebaseGlob("sub/gen/**", "/repo", "/repo/sub"), "gen/**");
  assert.equal(rebaseGlob("other/gen/**", "/repo", "/repo/a/b"), "../../other/gen/**");
});

test("the nearest pyproject.toml with [tool.bindfix] wins, up to the repository root", () => {
  const root = tempTree({
    "repo/pyproject.toml": '[tool.bindfix]\nenv-var = "ROOT"\n',
    "repo/pkg/pyproject.toml": '[project]\nname = "pkg"\n',
    "repo/pkg/src/app.py": BIND,
    "repo/other/pyproject.toml": '[tool.bindfix]\nenv-var = "OTHER"\n',
    "pyproject.toml": '[tool.bindfix]\nenv-var = "OUTSIDE"\n',
  });
  try {
    mkdirSync(path.join(root, "repo/.git"));
    const repo = path.join(root, "repo");
    assert.equal(findConfigFile(path.join(repo, "pkg/src")), path.join(repo, "pyproject.toml"), "pkg's pyproject.toml has no [tool.bindfix]");
    assert.equal(findConfigFile(path.join(repo, "other")), path.join(repo, "other/pyproject.toml"));
    mkdirSync(path.join(root, "norepo/deep"), { recursive: true });
    assert.equal(findConfigFile(path.join(root, "norepo/deep")), path.join(root, "pyproject.toml"), "outside a repository the walk goes on up");
    removeTree(path.join(repo, "pyproject.toml"));
    assert.equal(findConfigFile(path.join(repo, "pkg")), undefined, "the walk stops at the directory holding .git");
  } finally {
    removeTree(root);
  }
});

test("the CLI applies the configuration, and command-line options win", () => {
  const root = tempTree({
    "pyproject.toml": '[tool.bindfix]\nenv-var = "APP_HOST"\ndefault-host = "127.0.0.9"\nexclude = ["vendor"]\n',
    "app.py": BIND,
    "vendor/lib.py": BIND,
  });
  try {
    mkdirSync(path.join(root, ".git"));
    const configured = runCli(["."], root);
    assert.equal(configured.status, 1, configured.stderr);
    assert.match(configured.stdout, /os\.environ\.get\("APP_HOST", "127\.0\.0\.9"\)/);
    assert.doesNotMatch(configured.stdout, /vendor\/lib\.py/);

    const overridden = runCli(["--env-var", "CLI_HOST", "--exclude", "nothing", "."], root);
    assert.match(overridden.stdout, /os\.environ\.get\("CLI_HOST", "127\.0\.0\.9"\)/);
    assert.match(overridden.stdout, /vendor\/lib\.py/, "--exclude replaces the configured list, as in Ruff");

    const fromSubdirectory = runCli(["."], path.join(root, "vendor"));
    assert.match(fromSubdirectory.stdout, /APP_HOST/, "found from a subdirectory");
  } finally {
    removeTree(root);
  }
});

test("configured rules select transforms, and --rule overrides them", () => {
  const flask = 'from flask import Flask\napp = Flask(__name__)\napp.run(host="0.0.0.0")\n';
  const root = tempTree({ "pyproject.toml": '[tool.bindfix]\nrules = ["socket-bind"]\n', "app.py": BIND, "web.py": flask });
  try {
    mkdirSync(path.join(root, ".git"));
    const configured = runCli(["--json", "."], root);
    const rules = (JSON.parse(configured.stdout) as { findings: { rule: string }[] }).findings.map((finding) => finding.rule);
    assert.deepEqual(rules, ["socket-bind"]);
    const overridden = runCli(["--json", "--rule", "web-run", "."], root);
    assert.deepEqual((JSON.parse(overridden.stdout) as { findings: { rule: string }[] }).findings.map((finding) => finding.rule), ["web-run"]);
  } finally {
    removeTree(root);
  }
});

test("a configuration mistake stops the CLI with exit 2 and names the key and the file", () => {
  const root = tempTree({ "pyproject.toml": '[tool.bindfix]\nenv-var = "X"\nexlude = ["build"]\n', "app.py": BIND });
  try {
    mkdirSync(path.join(root, ".git"));
    const run = runCli(["."], root);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /^bindfix: pyproject\.toml: unknown key 'exlude' in \[tool\.bindfix\]/);
    assert.equal(readFileSync(path.join(root, "app.py"), "utf8"), BIND);
    assert.equal(runCli(["--help"], root).status, 0, "--help works whatever the configuration");
    assert.equal(runCli(["--version"], root).status, 0);
  } finally {
    removeTree(root);
  }
});

test("configuration never runs code from the project", () => {
  const marker = "ran.txt";
  const payload = `open(${JSON.stringify(marker)}, "w").write("x")\n`;
  const root = tempTree({
    "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n[tool.bindfix]\nenv-var = "APP_HOST"\n',
    "setup.py": payload,
    "conftest.py": payload,
    "app.py": BIND,
  });
  try {
    mkdirSync(path.join(root, ".git"));
    const run = runCli(["--write", "."], root);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(existsSync(path.join(root, marker)), false);
  } finally {
    removeTree(root);
  }
});
