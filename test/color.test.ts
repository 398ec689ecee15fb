// When output is coloured: --no-color, then NO_COLOR, then FORCE_COLOR, then whether the stream is a
// terminal (and not TERM=dumb). And the per-run table's content.
import { test } from "node:test";
import assert from "node:assert/strict";
import { colorEnabled, palette } from "../src/color.js";
import { summaryTable, type RunTotals } from "../src/report/summary.js";

const tty = { isTTY: true };
const pipe = { isTTY: false };

test("a terminal gets colour and a pipe does not", () => {
  assert.equal(colorEnabled(tty, false, {}), true);
  assert.equal(colorEnabled(pipe, false, {}), false);
  assert.equal(colorEnabled(tty, false, { TERM: "dumb" }), false);
});

test("NO_COLOR (non-empty) turns colour off, even on a terminal", () => {
  assert.equal(colorEnabled(tty, false, { NO_COLOR: "1" }), false);
  assert.equal(colorEnabled(tty, false, { NO_COLOR: "" }), true, "an empty NO_COLOR is unset (no-color.org)");
});

test("FORCE_COLOR turns colour on in a pipe; 0 and false turn it off", () => {
  assert.equal(colorEnabled(pipe, false, { FORCE_COLOR: "1" }), true);
  assert.equal(colorEnabled(pipe, false, { FORCE_COLOR: "3" }), true);
  assert.equal(colorEnabled(pipe, false, { FORCE_COLOR: "true" }), true);
  assert.equal(colorEnabled(tty, false, { FORCE_COLOR: "0" }), false);
  assert.equal(colorEnabled(tty, false, { FORCE_COLOR: "false" }), false);
  assert.equal(colorEnabled(pipe, false, { FORCE_COLOR: "" }), false, "an empty FORCE_COLOR is unset (force-color.org)");
});

test("--no-color and NO_COLOR win over FORCE_COLOR", () => {
  assert.equal(colorEnabled(pipe, true, { FORCE_COLOR: "1" }), false);
  assert.equal(colorEnabled(pipe, false, { FORCE_COLOR: "1", NO_COLOR: "1" }), false);
});

test("the summary table lists files, findings by status, fixed, errors and time", () => {
  const totals: RunTotals = { files: 12, parsed: 4, findings: 7, fixable: 4, fixed: 0, suppressed: 2, manual: 1, errors: 1, filesWithFixes: 3, filesFixed: 0 };
  const lines = summaryTable(totals, 1234, palette(false), "pyproject.toml");
  assert.deepEqual(lines, [
    "",
    "  files scanned      12",
    "  findings            7",
    "    fixable           4",
    "    suppressed        2",
    "    manual            1",
    "  fixed               0",
    "  errors              1",
    "  time           1.23 s",
    "  config         pyproject.toml",
  ]);
  assert.match(summaryTable(totals, 87.4, palette(false)).at(-1)!, /time\s+87 ms$/);
  const errorsRow = summaryTable(totals, 5, palette(true)).find((line) => line.includes("errors"))!;
  assert.match(errorsRow, /\x1b\[31m\s*1\x1b\[39m/, "errors in red");
});
