// The check of a fix re-parses incrementally (`reparseEdited`): its tree must be the tree a parse from
// scratch gives, node for node and position for position, whatever the edits and the file's shape.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import MagicString from "magic-string";
import type Parser from "tree-sitter";
import { fixturesDir } from "./helpers/paths.js";
import { LONG_COMMENT_RUN, parseSource, parseView, reparseEdited } from "../src/parse-view.js";
import { scanText } from "../src/engine.js";
import { decodeSource } from "../src/source.js";
import { transforms } from "../transforms/index.js";
import { DEFAULT_REWRITE, type Edit } from "../src/types.js";

/** Every node as type, offsets and rows/columns, in tree order. */
function shape(tree: Parser.Tree): string[] {
  const nodes: string[] = [];
  const cursor = tree.walk();
  for (;;) {
    const { nodeType, startIndex, endIndex, startPosition, endPosition } = cursor;
    nodes.push(`${nodeType} ${startIndex}-${endIndex} ${startPosition.row}:${startPosition.column}-${endPosition.row}:${endPosition.column}`);
    if (cursor.gotoFirstChild() || cursor.gotoNextSibling()) continue;
    let climbed = false;
    while (cursor.gotoParent()) {
      if (cursor.gotoNextSibling()) {
        climbed = true;
        break;
      }
    }
    if (!climbed) return nodes;
  }
}

/** The edited text as `fix.ts` makes it: magic-string, insertions appended left. */
function apply(text: string, edits: readonly Edit[]): string {
  const output = new MagicString(text);
  for (const edit of edits) {
    if (edit.start === edit.end) output.appendLeft(edit.start, edit.text);
    else output.overwrite(edit.start, edit.end, edit.text);
  }
  return output.toString();
}

/** Asserts the re-parse equals a full parse, and the old tree is as it was; says whether it was incremental. */
function assertSameAsFullParse(text: string, edits: Edit[]): boolean {
  const edited = apply(text, edits);
  const parsed = parseView(text);
  const before = shape(parsed.tree);
  const reparsed = reparseEdited(parsed, edited, edits);
  assert.deepEqual(shape(reparsed.tree), shape(parseSource(edited)));
  assert.equal(parsed.tree.rootNode.hasChanges, false, "the old tree is not edited");
  assert.deepEqual(shape(parsed.tree), before);
  return reparsed.incremental;
}

const at = (text: string, needle: string, replacement: string): Edit => {
  const start = text.indexOf(needle);
  assert.ok(start >= 0, needle);
  return { start, end: start + needle.length, text: replacement };
};

const HOST = 'os.environ.get("BIND_HOST", "127.0.0.1")';
const SERVER = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 80))\napp.run(host="0.0.0.0")\n';

test("a literal replaced and an import inserted give the tree of a full parse", () => {
  assert.ok(assertSameAsFullParse(SERVER, [at(SERVER, '"0.0.0.0"', HOST)]), "not re-parsed incrementally");
  const incremental = assertSameAsFullParse(SERVER, [
    { start: 0, end: 0, text: "import os\n" },
    at(SERVER, '"0.0.0.0", 80', `${HOST}, 80`),
    at(SERVER, 'host="0.0.0.0"', `host=${HOST}`),
  ]);
  assert.ok(incremental, "not re-parsed incrementally");
});

test("CRLF and lone-CR files, with the inserted line in the file's own ending", () => {
  for (const eol of ["\r\n", "\r"]) {
    const text = SERVER.replace(/\n/g, eol);
    const incremental = assertSameAsFullParse(text, [{ start: 0, end: 0, text: `import os${eol}` }, at(text, '"0.0.0.0"', HOST)]);
    // The parser sees a lone CR as LF, so a line ending in one is parsed anew from scratch.
    assert.equal(incremental, eol === "\r\n");
  }
});

test("characters outside the BMP before an edit keep rows and columns right", () => {
  const text = `greeting = "😀 héllo"  # 🐍\n${SERVER}`;
  assert.ok(assertSameAsFullParse(text, [at(text, '"0.0.0.0"', HOST), at(text, 'host="0.0.0.0"', `host=${HOST}`)]));
});

test("a long comment run, blanked for the parser, before, after and around the edits", () => {
  const run = Array.from({ length: LONG_COMMENT_RUN + 3 }, (_, i) => `# comment ${i} with "quotes"`).join("\n") + "\n";
  const text = `${run}${SERVER}${run}x = 1\n`;
  assert.ok(parseView(text).view.includes(" ".repeat(20)), "the run is not blanked: the test would not test it");
  assert.ok(assertSameAsFullParse(text, [{ start: 0, end: 0, text: "import os\n" }, at(text, '"0.0.0.0"', HOST)]));
  // An insertion inside the run, and an edit of a comment, fall back to a full parse: same tree.
  const inside = text.indexOf("# comment 5");
  assertSameAsFullParse(text, [{ start: inside, end: inside, text: "import os\n" }]);
  assertSameAsFullParse(text, [at(text, "comment 7", "note")]);
});

test("an edit that breaks the syntax gives the errors a full parse finds", () => {
  assertSameAsFullParse(SERVER, [at(SERVER, '"0.0.0.0"', '"0.0.0.0')]);
  const run = Array.from({ length: LONG_COMMENT_RUN + 1 }, (_, i) => `# "${i}"`).join("\n") + "\n";
  const text = `${SERVER}${run}y = 2\n`;
  assertSameAsFullParse(text, [at(text, '"0.0.0.0"', "'''")]);
});

test("every fixture's fixes, checked incrementally, give the tree of a full parse", () => {
  let checked = 0;
  let incremental = 0;
  for (const folder of readdirSync(fixturesDir)) {
    for (const file of readdirSync(path.join(fixturesDir, folder))) {
      if (!file.endsWith(".py") || file.endsWith(".expected.py")) continue;
      const decoded = decodeSource(readFileSync(path.join(fixturesDir, folder, file)));
      if ("error" in decoded) continue;
      const scan = scanText({ path: file, text: decoded.text, eol: decoded.eol }, transforms, DEFAULT_REWRITE);
      const fixed = scan.fix();
      if (!("text" in fixed) || fixed.text === decoded.text) continue;
      const edits = scan.findings.filter((finding) => finding.status === "fixable").flatMap((finding) => finding.edits);
      if (fixed.importEdit) edits.push(fixed.importEdit);
      const unique = [...new Map(edits.map((edit) => [`${edit.start}:${edit.end}`, edit])).values()].sort((a, b) => a.start - b.start || a.end - b.end);
      if (assertSameAsFullParse(decoded.text, unique)) incremental++;
      checked++;
    }
  }
  assert.ok(checked > 50, `only ${checked} fixtures were fixed`);
  assert.ok(incremental > checked * 0.9, `only ${incremental} of ${checked} re-parsed incrementally`);
});

test("random replacements and insertions at line starts: the same tree as a full parse", () => {
  const line = fc.constantFrom("x = 1", 's.bind(("0.0.0.0", 80))', "# note", "def f(a='::'):", "    return a", '"""doc"""', "", "y = [1,", "2]");
  const module = fc.array(line, { minLength: 1, maxLength: 40 }).chain((lines) => fc.tuple(fc.constant(lines), fc.constantFrom("\n", "\r\n", "\r")));
  fc.assert(
    fc.property(module, fc.array(fc.nat(), { maxLength: 4 }), fc.constantFrom(HOST, "import os", "'", "(", ""), ([lines, eol], picks, replacement) => {
      const text = lines.join(eol) + eol;
      const starts = [0];
      for (let i = text.indexOf(eol); i >= 0 && i + eol.length < text.length; i = text.indexOf(eol, i + 1)) starts.push(i + eol.length);
      const chosen = [...new Set(picks.map((pick) => starts[pick % starts.length]!))].sort((a, b) => a - b);
      const edits = chosen.map((start) => ({ start, end: start, text: replacement + eol }));
      assertSameAsFullParse(text, edits);
    }),
    { numRuns: 300 },
  );
});
