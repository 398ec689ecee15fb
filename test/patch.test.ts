// The patch of a fix is computed around its edits, region by region, and must be exactly the
// patch jsdiff gives for the whole texts: the same hunks, context, line numbers and end-of-file
// markers, whatever the line endings, a BOM, or edits near each other and near the file's ends.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { applyPatch } from "diff";
import { filePatch } from "../src/patch.js";
import { applyEdits } from "../src/parse-view.js";
import type { Edit } from "../src/types.js";

/** The region patch, checked against the whole-text patch and against applying it. */
function samePatch(before: string, edits: Edit[], bom = false): string {
  const after = applyEdits(before, edits);
  const regional = filePatch("p.py", before, after, bom, edits);
  assert.equal(regional, filePatch("p.py", before, after, bom));
  const prefix = bom ? "\uFEFF" : "";
  assert.equal(applyPatch(prefix + before, regional), prefix + after);
  return regional;
}

const HOST = 'os.environ.get("BIND_HOST", "127.0.0.1")';
const numbered = (count: number, eol = "\n"): string => Array.from({ length: count }, (_, i) => `line_${i} = "0.0.0.0"${eol}`).join("");
/** The edit replacing the `"0.0.0.0"` of line `line` (0-based) of `numbered`. */
const hostOf = (text: string, line: number): Edit => {
  const start = text.indexOf(`line_${line} = `) + `line_${line} = `.length;
  return { start, end: start + '"0.0.0.0"'.length, text: HOST };
};

test("edits far apart give one hunk each, numbered as in the whole file", () => {
  const text = numbered(200);
  const patch = samePatch(text, [hostOf(text, 10), hostOf(text, 100), hostOf(text, 190)]);
  assert.equal(patch.match(/^@@/gm)?.length, 3);
  assert.match(patch, /^@@ -98,7 \+98,7 @@$/m);
});

test("edits a few lines apart share a hunk; an inserted import shifts the lines after it", () => {
  const text = numbered(120);
  const insertion: Edit = { start: 0, end: 0, text: "import os\n" };
  const patch = samePatch(text, [insertion, hostOf(text, 3), hostOf(text, 9), hostOf(text, 60)]);
  assert.equal(patch.match(/^@@/gm)?.length, 2);
  assert.match(patch, /^@@ -58,7 \+59,7 @@$/m);
});

test("the first and last lines, a missing final newline, CRLF, a lone CR and a BOM", () => {
  const text = numbered(30);
  samePatch(text, [hostOf(text, 0), hostOf(text, 29)]);
  const open = text.slice(0, -1);
  samePatch(open, [hostOf(open, 29)]);
  const crlf = numbered(40, "\r\n");
  samePatch(crlf, [hostOf(crlf, 2), hostOf(crlf, 38)]);
  const cr = numbered(20, "\r");
  samePatch(cr, [hostOf(cr, 5), hostOf(cr, 15)]);
  samePatch(text, [hostOf(text, 1), hostOf(text, 20)], true);
});

test("an inserted blank line the diff aligns with a blank line nearby", () => {
  const text = 'a = 1\n\nb = "0.0.0.0"\n\n\n\nc = 2\n' + numbered(40);
  const start = text.indexOf('"0.0.0.0"');
  samePatch(text, [{ start: text.indexOf("b ="), end: text.indexOf("b ="), text: "\nimport os\n" }, { start, end: start + 9, text: HOST }]);
});

test("any in-line replacements and line insertions give the whole texts' patch", () => {
  const line = fc.constantFrom("x = 1", "", "    y = '0.0.0.0'", "# note", "z = f(a, b)", "pass");
  const source = fc.tuple(fc.array(line, { minLength: 1, maxLength: 80 }), fc.constantFrom("\n", "\r\n"), fc.boolean());
  fc.assert(
    fc.property(source, fc.array(fc.tuple(fc.nat(), fc.nat(6), fc.boolean()), { minLength: 1, maxLength: 12 }), fc.boolean(), ([lines, eol, final], picks, bom) => {
      const text = lines.join(eol) + (final ? eol : "");
      const starts = [0];
      for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) starts.push(at + 1);
      const edits: Edit[] = [];
      let last = 0;
      for (const [at, length, insertLine] of picks.map(([at, length, insert]) => [at % (text.length + 1), length, insert] as const).sort((a, b) => a[0] - b[0])) {
        if (insertLine) {
          const lineStart = starts.filter((start) => start <= at).pop()!;
          if (lineStart < last || lineStart > text.length) continue;
          edits.push({ start: lineStart, end: lineStart, text: `import os${eol}` });
          last = lineStart;
        } else {
          const end = Math.min(at + length, text.length);
          if (at < last || /[\r\n]/.test(text.slice(at, end))) continue;
          edits.push({ start: at, end, text: HOST });
          last = end;
        }
      }
      if (edits.length > 0) samePatch(text, edits, bom);
    }),
    { numRuns: 500 },
  );
});

test("thousands of neighbouring fixes: the whole texts' patch, line after line and every other line", () => {
  // Made without jsdiff's search (`forcedHunks`): it took 6 s over 3,000 fixes on every other line.
  const every = numbered(600);
  samePatch(every, [{ start: 0, end: 0, text: "import os\n" }, ...Array.from({ length: 600 }, (_, line) => hostOf(every, line))]);
  const lines = Array.from({ length: 600 }, (_, i) => (i % 2 === 0 ? `line_${i} = "0.0.0.0"\n` : "pass\n")).join("");
  const patch = samePatch(lines, Array.from({ length: 300 }, (_, i) => hostOf(lines, 2 * i)));
  assert.equal(patch.match(/^@@/gm)?.length, 1, "one hunk: the changes are never more than 6 lines apart");
});

test("distinct lines with any in-line replacements and inserted lines give the whole texts' patch", () => {
  // Distinct lines, so that the diff is forced and made without jsdiff's search (`forcedHunks`):
  // changes on neighbouring lines, several in one line, insertions of one or two lines.
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 60 }), fc.array(fc.tuple(fc.nat(), fc.nat(6), fc.nat(3)), { minLength: 1, maxLength: 40 }), fc.boolean(), (count, picks, final) => {
      const whole = Array.from({ length: count }, (_, i) => `v${i} = f("${i}")\n`).join("");
      const text = final ? whole : whole.slice(0, -1);
      const starts = [0];
      for (let at = text.indexOf("\n"); at >= 0 && at + 1 < text.length; at = text.indexOf("\n", at + 1)) starts.push(at + 1);
      const edits: Edit[] = [];
      let last = 0;
      for (const [at, length, kind] of picks.map(([at, length, kind]) => [at % (text.length + 1), length, kind] as const).sort((a, b) => a[0] - b[0])) {
        if (kind === 0) {
          const lineStart = starts.filter((start) => start <= at).pop()!;
          if (lineStart < last) continue;
          edits.push({ start: lineStart, end: lineStart, text: at % 2 === 0 ? "import os\n" : "import os\nimport sys\n" });
          last = lineStart;
        } else {
          const end = Math.min(at + length, text.length);
          if (at < last || (edits.length > 0 && at === last && edits[edits.length - 1]!.start === at) || /[\r\n]/.test(text.slice(at, end))) continue;
          edits.push({ start: at, end, text: kind === 1 ? HOST : `x${at}` });
          last = end;
        }
      }
      if (edits.length > 0) samePatch(text, edits);
    }),
    { numRuns: 300 },
  );
});
