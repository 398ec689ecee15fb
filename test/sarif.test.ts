// `--sarif` end to end: the log validates against the SARIF 2.1.0 JSON schema (vendored from
// @microsoft/jest-sarif, test/schemas/), carries the rule metadata code scanning reads, and each fix's
// replacements, applied to the file, give exactly what `--write` writes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Validator, type Schema } from "@cfworker/json-schema";
import type * as Sarif from "sarif";
import { repoRoot } from "./helpers/paths.js";
import { removeTree, runCli, tempTree } from "./helpers/tree.js";
import { transforms } from "../transforms/index.js";

const schema = JSON.parse(readFileSync(path.join(repoRoot, "test/schemas/sarif-2.1.0-rtm.5.json"), "utf8")) as Schema;
const validator = new Validator(schema, "4", false);

const NEEDS_IMPORT = '"""Echo server."""\nimport socket\n\ns = socket.socket()\ns.bind(("0.0.0.0", 8000))\n';
const HAS_IMPORT = 'import os\nimport socket\ns = socket.socket(socket.AF_INET6)\ns.bind(("::", 8000))\n';
const SUPPRESSED = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 8000))  # nosec B104\n';
const MANUAL = 'import socket\ns = socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)\ns.bind(("", 9999))\n';

function sarifRun(args: string[], files: Record<string, string>) {
  const root = tempTree(files);
  const run = runCli(["--sarif", ...args], root);
  const log = JSON.parse(run.stdout) as Sarif.Log;
  return { root, run, log, sarifRun: log.runs[0]! };
}

function assertValid(log: Sarif.Log): void {
  const result = validator.validate(log);
  assert.ok(result.valid, JSON.stringify(result.errors.slice(0, 5), null, 2));
}

/** Applies a SARIF fix the way a consumer would: regions by line/column, replacements in order. */
function applyFix(text: string, fix: Sarif.Fix): string {
  let output = text;
  for (const replacement of fix.artifactChanges[0]!.replacements) {
    const region = replacement.deletedRegion;
    const start = offsetOf(output, region.startLine!, region.startColumn!);
    const end = offsetOf(output, region.endLine ?? region.startLine!, region.endColumn!);
    output = output.slice(0, start) + (replacement.insertedContent?.text ?? "") + output.slice(end);
  }
  return output;
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let current = 1; current < line; current++) offset = text.indexOf("\n", offset) + 1;
  return offset + column - 1;
}

test("the SARIF log validates against the SARIF 2.1.0 schema", () => {
  const { root, run, log } = sarifRun(["."], { "a.py": NEEDS_IMPORT, "b.py": HAS_IMPORT, "c.py": SUPPRESSED, "d.py": MANUAL });
  try {
    assert.equal(run.status, 1, run.stderr);
    assert.equal(log.version, "2.1.0");
    assert.match(log.$schema!, /sarif-2\.1\.0/);
    assertValid(log);
    assert.match(run.stderr, /would fix 2 findings in 2 files \(1 suppressed, 1 manual\)/);
  } finally {
    removeTree(root);
  }
});

test("the driver describes one rule per transform with the code-scanning metadata", () => {
  const { root, sarifRun: only } = sarifRun(["."], { "a.py": NEEDS_IMPORT });
  try {
    const driver = only.tool.driver;
    assert.equal(driver.name, "bindfix");
    assert.match(driver.version!, /^\d+\.\d+\.\d+/);
    assert.match(driver.informationUri!, /^https:\/\//);
    assert.deepEqual(driver.rules!.map((rule) => rule.id), transforms.map((transform) => transform.id));
    for (const rule of driver.rules!) {
      assert.ok(rule.name && /^[A-Z][A-Za-z0-9]*$/.test(rule.name), rule.name);
      assert.ok(rule.shortDescription?.text);
      assert.ok(rule.fullDescription?.text);
      assert.match(rule.help!.text, /os\.environ\.get\("BIND_HOST", "127\.0\.0\.1"\)/);
      assert.match(rule.help!.markdown!, /\*\*Remediation\*\*/);
      assert.match(rule.helpUri!, /^https:\/\//);
      assert.deepEqual(rule.properties!.tags, ["security", "external/cwe/cwe-668", "external/cwe/cwe-1327", "external/owasp/a05"]);
      assert.equal(rule.properties!["security-severity"], "6.5");
      assert.equal(rule.properties!.precision, "high");
    }
  } finally {
    removeTree(root);
  }
});

test("a result points at the literal with a relative URI and 1-based, end-exclusive columns", () => {
  const { root, sarifRun: only } = sarifRun(["."], { "app/a.py": NEEDS_IMPORT });
  try {
    const [result] = only.results!;
    assert.equal(only.results!.length, 1);
    assert.equal(result!.ruleId, "socket-bind");
    assert.equal(only.tool.driver.rules![result!.ruleIndex!]!.id, "socket-bind");
    assert.equal(result!.level, "warning");
    const location = result!.locations![0]!.physicalLocation!;
    assert.deepEqual(location.artifactLocation, { uri: "app/a.py", uriBaseId: "%SRCROOT%" });
    assert.deepEqual(location.region, { startLine: 5, startColumn: 9, endLine: 5, endColumn: 18 });
    assert.equal(only.columnKind, "utf16CodeUnits");
    assert.ok(only.originalUriBaseIds!["%SRCROOT%"]!.uri!.startsWith("file:///"));
    assert.deepEqual(only.invocations, [{ executionSuccessful: true, workingDirectory: only.invocations![0]!.workingDirectory }]);
  } finally {
    removeTree(root);
  }
});

test("a fix's replacements, with the import os insertion, reproduce --write exactly", () => {
  const files = { "a.py": NEEDS_IMPORT, "b.py": HAS_IMPORT };
  const { root, sarifRun: only } = sarifRun(["."], files);
  const written = tempTree(files);
  try {
    assert.equal(runCli(["--write", "."], written).status, 0);
    for (const result of only.results!) {
      const uri = result.locations![0]!.physicalLocation!.artifactLocation!.uri!;
      const [fix] = result.fixes!;
      assert.equal(result.fixes!.length, 1);
      assert.deepEqual(fix!.artifactChanges[0]!.artifactLocation, { uri, uriBaseId: "%SRCROOT%" });
      assert.equal(applyFix(files[uri as keyof typeof files], fix!), readFileSync(path.join(written, uri), "utf8"), uri);
    }
    const needsImport = only.results!.find((result) => result.locations![0]!.physicalLocation!.artifactLocation!.uri === "a.py")!;
    const replacements = needsImport.fixes![0]!.artifactChanges[0]!.replacements;
    assert.equal(replacements.length, 2);
    assert.deepEqual(replacements[1], { deletedRegion: { startLine: 2, startColumn: 1, endLine: 2, endColumn: 1 }, insertedContent: { text: "import os\n" } });
    assert.match(needsImport.fixes![0]!.description!.text!, /add `import os`/);
    const hasImport = only.results!.find((result) => result.locations![0]!.physicalLocation!.artifactLocation!.uri === "b.py")!;
    assert.equal(hasImport.fixes![0]!.artifactChanges[0]!.replacements.length, 1);
    assert.equal(hasImport.fixes![0]!.artifactChanges[0]!.replacements[0]!.insertedContent!.text, 'os.environ.get("BIND_HOST", "::1")');
  } finally {
    removeTree(root);
    removeTree(written);
  }
});

test("a suppressed finding is a result with an in-source suppression and no fix", () => {
  const { root, sarifRun: only } = sarifRun(["."], { "c.py": SUPPRESSED });
  try {
    const [result] = only.results!;
    assert.equal(result!.suppressions!.length, 1);
    assert.equal(result!.suppressions![0]!.kind, "inSource");
    assert.match(result!.suppressions![0]!.justification!, /suppressed by `# nosec/);
    assert.equal(result!.fixes, undefined);
    assert.equal(result!.properties!.status, "suppressed");
  } finally {
    removeTree(root);
  }
});

test("a manual finding carries its reason in the message and no fix", () => {
  const { root, sarifRun: only } = sarifRun(["."], { "d.py": MANUAL });
  try {
    const [result] = only.results!;
    assert.equal(result!.properties!.status, "manual");
    assert.match(result!.message.text!, /not rewritten: .*SO_BROADCAST/);
    assert.equal(result!.fixes, undefined);
    assert.equal(result!.suppressions, undefined);
  } finally {
    removeTree(root);
  }
});

test("--sarif --write writes the fixes and marks those results fixed", () => {
  const { root, run, log, sarifRun: only } = sarifRun(["--write", "."], { "a.py": NEEDS_IMPORT, "c.py": SUPPRESSED });
  try {
    assert.equal(run.status, 0, run.stderr);
    assertValid(log);
    assert.match(readFileSync(path.join(root, "a.py"), "utf8"), /import os\n/);
    const fixed = only.results!.find((result) => result.properties!.fixed === true)!;
    assert.equal(fixed.kind, "pass");
    assert.equal(fixed.level, "none");
    assert.equal(fixed.fixes, undefined);
    assert.match(fixed.message.text!, /fixed: rewritten to os\.environ\.get/);
    assert.equal(only.results!.filter((result) => result.properties!.fixed === true).length, 1);
    assert.match(run.stderr, /^fixed 1 finding in 1 file/m);
  } finally {
    removeTree(root);
  }
});

test("unreadable files become error notifications and the run is not successful", () => {
  const { root, run, log, sarifRun: only } = sarifRun(["a.py", "missing.py", "binary.py"], { "a.py": NEEDS_IMPORT, "binary.py": "x = 1\0\n" });
  try {
    assert.equal(run.status, 2);
    assertValid(log);
    const [invocation] = only.invocations!;
    assert.equal(invocation!.executionSuccessful, false);
    const notifications = invocation!.toolExecutionNotifications!;
    assert.deepEqual(
      notifications.map((notification) => notification.locations![0]!.physicalLocation!.artifactLocation!.uri),
      ["missing.py", "binary.py"],
    );
    for (const notification of notifications) assert.equal(notification.level, "error");
    assert.equal(only.results!.length, 1, "the readable file is still reported");
    assert.match(run.stderr, /error: missing\.py:/);
  } finally {
    removeTree(root);
  }
});

test("a run with nothing to report is a valid log with empty results", () => {
  const { root, run, log, sarifRun: only } = sarifRun(["."], { "ok.py": "print('hi')\n" });
  try {
    assert.equal(run.status, 0);
    assertValid(log);
    assert.deepEqual(only.results, []);
    assert.equal(only.tool.driver.rules!.length, transforms.length, "rules are declared even when none fired");
  } finally {
    removeTree(root);
  }
});

test("URIs percent-encode what a path may hold but a URI may not", () => {
  const { root, log, sarifRun: only } = sarifRun(["."], { "my app/a b#1.py": NEEDS_IMPORT });
  try {
    assertValid(log);
    assert.equal(only.results![0]!.locations![0]!.physicalLocation!.artifactLocation!.uri, "my%20app/a%20b%231.py");
  } finally {
    removeTree(root);
  }
});

test("--sarif with --interactive or --json is a usage error", () => {
  const root = tempTree({ "a.py": NEEDS_IMPORT });
  try {
    for (const other of ["--json", "--interactive"]) {
      const run = runCli(["--sarif", other, "."], root);
      assert.equal(run.status, 2);
      assert.equal(run.stdout, "");
    }
  } finally {
    removeTree(root);
  }
});
