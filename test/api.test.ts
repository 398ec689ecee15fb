// The programmatic API, imported by the package's own name (through package.json `exports`) as a
// user would: scan and fix on a string and on paths, the CLI's options, and writing only on request.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { scan, fix, type ReportedFinding } from "bindfix";
import { removeTree, tempTree } from "./helpers/tree.js";

const BIND = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 8000))\n';
const FIXED = 'import os\nimport socket\ns = socket.socket()\ns.bind((os.environ.get("BIND_HOST", "127.0.0.1"), 8000))\n';
const SUPPRESSED = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 8000))  # nosec\n';

test("scan(source) reports findings in the --json shape", async () => {
  const { findings, errors } = await scan(BIND);
  assert.deepEqual(errors, []);
  const expected: ReportedFinding = {
    path: "<string>",
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
  };
  assert.deepEqual(findings, [expected]);
});

test("scan(source) reports suppressed and manual findings with their reasons", async () => {
  const { findings } = await scan(SUPPRESSED, { path: "srv.py" });
  assert.equal(findings[0]!.path, "srv.py");
  assert.equal(findings[0]!.status, "suppressed");
  assert.match(findings[0]!.reason!, /nosec/);
});

test("fix(source) returns the fixed text, and fixing it again changes nothing", async () => {
  const first = await fix(BIND);
  assert.equal(first.text, FIXED);
  assert.equal(first.changed, true);
  assert.equal(first.findings[0]!.fixed, true);
  const second = await fix(first.text);
  assert.equal(second.text, FIXED);
  assert.equal(second.changed, false);
  assert.deepEqual(second.findings, []);
});

test("fix(source) leaves suppressed findings and keeps CRLF and a BOM", async () => {
  assert.equal((await fix(SUPPRESSED)).text, SUPPRESSED);
  const crlf = "\uFEFF" + BIND.replace(/\n/g, "\r\n");
  assert.equal((await fix(crlf)).text, "\uFEFF" + FIXED.replace(/\n/g, "\r\n"));
});

test("the options have the command line's names", async () => {
  const { text } = await fix(BIND, { envVar: "APP_HOST", defaultHost: "127.0.0.2" });
  assert.match(text, /os\.environ\.get\("APP_HOST", "127\.0\.0\.2"\)/);
  const six = await fix('import socket\ns = socket.socket(socket.AF_INET6)\ns.bind(("::", 1))\n', { defaultHost6: "::2" });
  assert.match(six.text, /"::2"/);
  const flask = 'from flask import Flask\napp = Flask(__name__)\napp.run(host="0.0.0.0")\n';
  assert.equal((await scan(flask, { rules: ["socket-bind"] })).findings.length, 0);
  assert.equal((await scan(flask, { rules: ["web-run"] })).findings.length, 1);
});

test("a bad option is a TypeError, not a silent default", async () => {
  await assert.rejects(scan(BIND, { envVar: "not a name" }), TypeError);
  await assert.rejects(scan(BIND, { defaultHost: '1"; import os' }), TypeError);
  await assert.rejects(scan(BIND, { rules: ["no-such-rule"] }), /unknown rule 'no-such-rule'/);
});

test("scan({ paths }) walks directories like the CLI, honouring exclude", async () => {
  const root = tempTree({ "app/server.py": BIND, "app/gen/stub.py": BIND, "notes.txt": BIND, "b.py": SUPPRESSED });
  try {
    const all = await scan({ paths: ["."] }, { cwd: root });
    assert.deepEqual(all.findings.map((finding) => finding.path), ["app/gen/stub.py", "app/server.py", "b.py"]);
    const some = await scan({ paths: ["app"] }, { cwd: root, exclude: ["gen"] });
    assert.deepEqual(some.findings.map((finding) => finding.path), ["app/server.py"]);
  } finally {
    removeTree(root);
  }
});

test("scan({ paths }) returns unreadable paths as errors and goes on", async () => {
  const root = tempTree({ "a.py": BIND, "bin.py": "x = 1\0" });
  try {
    const { findings, errors } = await scan({ paths: ["missing.py", "bin.py", "a.py"] }, { cwd: root });
    assert.equal(findings.length, 1);
    assert.deepEqual(errors.map((error) => error.path), ["missing.py", "bin.py"]);
  } finally {
    removeTree(root);
  }
});

test("fix({ paths }) returns per-file patches and writes nothing unless asked", async () => {
  const root = tempTree({ "a.py": BIND, "b.py": SUPPRESSED });
  try {
    const dry = await fix({ paths: ["."] }, { cwd: root });
    assert.deepEqual(dry.files.map((file) => [file.path, file.written, file.patch !== undefined]), [["a.py", false, true], ["b.py", false, false]]);
    assert.match(dry.files[0]!.patch!, /^diff --git a\/a\.py b\/a\.py\n/);
    assert.equal(readFileSync(path.join(root, "a.py"), "utf8"), BIND);
    assert.equal(dry.findings.filter((finding) => finding.fixed).length, 0);

    const written = await fix({ paths: ["."] }, { cwd: root, write: true });
    assert.equal(written.files[0]!.written, true);
    assert.equal(readFileSync(path.join(root, "a.py"), "utf8"), FIXED);
    assert.equal(readFileSync(path.join(root, "b.py"), "utf8"), SUPPRESSED);
    assert.deepEqual(written.findings.map((finding) => finding.fixed), [true, false]);
  } finally {
    removeTree(root);
  }
});

test("config: true applies [tool.bindfix] from the nearest pyproject.toml, and options win", async () => {
  const root = tempTree({ "pyproject.toml": '[tool.bindfix]\nenv-var = "APP_HOST"\nexclude = ["gen"]\n', "a.py": BIND, "gen/b.py": BIND });
  try {
    mkdirSync(path.join(root, ".git"));
    const configured = await fix({ paths: ["."] }, { cwd: root, config: true });
    assert.deepEqual(configured.files.map((file) => file.path), ["a.py"]);
    assert.match(configured.files[0]!.patch!, /APP_HOST/);
    const overridden = await fix(BIND, { cwd: root, config: true, envVar: "MINE" });
    assert.match(overridden.text, /"MINE"/);
    const ignored = await fix(BIND, { cwd: root });
    assert.match(ignored.text, /"BIND_HOST"/, "without config: true, pyproject.toml is not read");
  } finally {
    removeTree(root);
  }
});
