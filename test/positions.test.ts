// Where a finding is reported: 1-based lines and columns, with `\r\n`, a lone `\r` and `\n` each
// ending a line as Python reads them. `lineOf` indexes a text's lines once for all its findings.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { columnOf, lineOf } from "../src/engine.js";

/** The definition: one more than the line breaks wholly before the offset. */
const breaksBefore = (text: string, offset: number): number => (text.slice(0, offset).match(/\r\n|\r|\n/g)?.length ?? 0) + 1;

test("lines count every line-ending style", () => {
  const text = "a\r\nb\rc\nd";
  assert.deepEqual([0, 3, 5, 7].map((offset) => lineOf(text, offset)), [1, 2, 3, 4]);
  assert.deepEqual([0, 3, 5, 7].map((offset) => columnOf(text, offset)), [1, 1, 1, 1]);
  assert.equal(columnOf("x = 1\n    y", 10), 5);
});

test("an offset inside a CRLF has the CR behind it, as the text before it reads", () => {
  assert.equal(lineOf("a\r\nb", 2), 2);
  assert.equal(lineOf("a\r\nb", 3), 2);
  assert.equal(lineOf("a\r\r\nb", 3), 3);
});

test("the line of any offset of any text is the count of line breaks before it", () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom("a", "\r", "\n", " "), maxLength: 40 }), fc.nat(), (text, at) => {
      const offset = at % (text.length + 1);
      assert.equal(lineOf(text, offset), breaksBefore(text, offset));
    }),
    { numRuns: 2000 },
  );
});

test("texts asked in turn each get their own lines", () => {
  const first = "one\ntwo\nthree";
  const second = "alpha\r\nbeta";
  assert.equal(lineOf(first, 8), 3);
  assert.equal(lineOf(second, 7), 2);
  assert.equal(lineOf(first, 4), 2);
  assert.equal(lineOf(first + "", 9), 3);
});

test("the column of any offset counts from just past the line break before it", () => {
  const reference = (text: string, offset: number): number => {
    const before = text.slice(0, offset);
    return offset - Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r"));
  };
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom("a", "\r", "\n", " "), maxLength: 40 }), fc.nat(), (text, at) => {
      const offset = at % (text.length + 1);
      assert.equal(columnOf(text, offset), reference(text, offset));
    }),
    { numRuns: 2000 },
  );
});
