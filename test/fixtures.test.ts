// Every fixture pair under fixtures/<transform>/: <case>.py is fixed by all transforms and must
// equal <case>.expected.py (absent: unchanged), report <case>.findings.json, compile under
// python3, be a fixed point, and give a patch that reproduces the written bytes.
// UPDATE=1 npm test rewrites the expected files so changes are reviewed as git diffs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync, unlinkSync } from "node:fs";
import path from "node:path";
import { applyPatch } from "diff";
import { fixturesDir } from "./helpers/paths.js";
import { hasPython, pythonCompileFailures } from "./helpers/python.js";
import { decodeSource, encodeSource } from "../src/source.js";
import { scanText } from "../src/engine.js";
import { reportFinding } from "../src/run.js";
import { filePatch } from "../src/patch.js";
import { transforms } from "../transforms/index.js";
import { DEFAULT_REWRITE } from "../src/types.js";
import type { Transform } from "../src/transform.js";

const UPDATE = process.env.UPDATE === "1";
const ALWAYS = (transform: Transform): Transform => ({ ...transform, mayMatch: () => true });

interface FixtureCase {
  folder: string;
  name: string;
  input: string;
  expected: string;
  findings: string;
}

function fixtureCases(): FixtureCase[] {
  const cases: FixtureCase[] = [];
  for (const folder of readdirSync(fixturesDir).sort()) {
    if (folder === "demo") continue;
    const dir = path.join(fixturesDir, folder);
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith(".py") || file.endsWith(".expected.py")) continue;
      const name = file.slice(0, -3);
      cases.push({
        folder,
        name,
        input: path.join(dir, file),
        expected: path.join(dir, `${name}.expected.py`),
        findings: path.join(dir, `${name}.findings.json`),
      });
    }
  }
  return cases;
}

function decode(bytes: Buffer) {
  const decoded = decodeSource(bytes);
  if ("error" in decoded) throw new Error(decoded.error);
  return decoded;
}

const inputs = new Map<string, Buffer>();
const outputs = new Map<string, Buffer>();
const ids = new Set(transforms.map((transform) => transform.id));

for (const fixture of fixtureCases()) {
  test(`${fixture.folder}/${fixture.name}`, () => {
    assert.ok(ids.has(fixture.folder), `fixture folder '${fixture.folder}' names no transform`);
    const bytes = readFileSync(fixture.input);
    const source = decode(bytes);
    const display = `${fixture.folder}/${fixture.name}.py`;
    const scan = scanText({ path: display, text: source.text, eol: source.eol }, transforms, DEFAULT_REWRITE);
    const fixed = scan.fix();
    assert.ok("text" in fixed, "error" in fixed ? fixed.error : "");
    const outputBytes = encodeSource(fixed.text, source);
    const reported = scan.findings.map((finding) => {
      const { line, column, rule, host, status, reason } = reportFinding({ path: display, text: source.text }, finding, false);
      return reason ? { line, column, rule, host, status, reason } : { line, column, rule, host, status };
    });

    if (UPDATE) {
      if (outputBytes.equals(bytes)) {
        if (existsSync(fixture.expected)) unlinkSync(fixture.expected);
      } else writeFileSync(fixture.expected, outputBytes);
      writeFileSync(fixture.findings, JSON.stringify(reported, null, 2) + "\n");
    }

    // Expected output, byte for byte; no expected file means "unchanged".
    const expected = existsSync(fixture.expected) ? readFileSync(fixture.expected) : bytes;
    assert.equal(outputBytes.toString("latin1"), expected.toString("latin1"), "fixed output differs from the expected file");
    assert.deepEqual(reported, JSON.parse(readFileSync(fixture.findings, "utf8")), "findings differ from findings.json");

    // The prefilter never hides a finding: the same findings with every transform forced to run.
    const unfiltered = scanText({ path: display, text: source.text, eol: source.eol }, transforms.map(ALWAYS), DEFAULT_REWRITE);
    assert.deepEqual(unfiltered.findings.map((f) => [f.start, f.status]), scan.findings.map((f) => [f.start, f.status]), "prefilter hid a finding");

    // A second run finds nothing fixable.
    const again = scanText({ path: display, text: fixed.text, eol: source.eol }, transforms, DEFAULT_REWRITE);
    assert.deepEqual(again.findings.filter((f) => f.status === "fixable").map((f) => f.host), [], "second run is not a no-op");

    // The patch, applied to the input, gives exactly the written output.
    const patch = filePatch(display, source.text, fixed.text, source.bom, fixed.edits);
    assert.equal(patch, filePatch(display, source.text, fixed.text, source.bom), "the patch of the edits' regions is not the patch of the whole texts");
    if (fixed.text !== source.text) {
      const prefix = source.bom ? "\uFEFF" : "";
      assert.equal(applyPatch(prefix + source.text, patch), prefix + fixed.text, "patch does not reproduce the output");
    }
    inputs.set(display, bytes);
    outputs.set(display, outputBytes);
  });
}

test("every fixed fixture compiles under python3 when its input did", (t) => {
  if (!hasPython()) {
    t.skip("python3 not found: compile check skipped");
    return;
  }
  assert.ok(outputs.size > 0, "no fixture outputs were produced");
  const brokenInputs = pythonCompileFailures(inputs);
  const failures = [...pythonCompileFailures(outputs)].filter(([name]) => !brokenInputs.has(name));
  assert.deepEqual(Object.fromEntries(failures), {});
});
