// The prefilter asks the catalogue's shape tests of arguments as written (`mayBePortLike`,
// `mayBeHostLike`, `BindingApi.whenWritten`): each must say yes wherever the tree's test does, or
// the prefilter would skip a call the analysis reports. Checked on generated argument expressions.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseSource } from "../src/parse-view.js";
import { lexPython } from "../src/python-lexer.js";
import { isHostLike, isPortLike, mayBeHostLike, mayBePortLike } from "../transforms/shared/shapes.js";
import type { SyntaxNode } from "../src/types.js";

const NAMES = ["port", "PORT", "server_port", "p", "host", "HOST", "bind_addr", "address", "ip", "my_ip", "iface", "interface", "x", "listen_on", "sys"];
const STRINGS = ['"0.0.0.0"', "''", '"::"', '"8000"', "'x1'", '"0"', 'f"{p}"', 'r"::0"'];

/** Argument expressions: numbers, names, strings, attributes, `int(...)`, sums and parentheses. */
const expression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("8000", "0x1F40", "0"),
    fc.constantFrom(...NAMES),
    fc.constantFrom(...STRINGS),
    fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...NAMES)).map(([object, attribute]) => `${object}.${attribute}`),
    tie("expr").map((inner) => `int(${inner})`),
    fc.tuple(tie("expr"), tie("expr")).map(([left, right]) => `${left} + ${right}`),
    tie("expr").map((inner) => `(${inner})`),
  ),
})).expr;

/** The argument of `f(<argument>)` as the tree holds it, and as the prefilter reads it (lexed, strings blanked). */
function readBoth(argument: string): { node: SyntaxNode; written: string } {
  const text = `f(${argument})\n`;
  const lexed = lexPython(text);
  assert.ok(lexed, text);
  return { node: argumentNode(text), written: lexed.bare.slice(2, 2 + argument.length) };
}

function argumentNode(text: string): SyntaxNode {
  const call = parseSource(text).rootNode.namedChildren[0]!.namedChildren[0]!;
  assert.equal(call.type, "call", text);
  return call.childForFieldName("arguments")!.namedChildren[0]!;
}

const PAIRS = [
  { tree: isPortLike, written: mayBePortLike },
  { tree: isHostLike, written: mayBeHostLike },
];

for (const pair of PAIRS) {
  test(`${pair.written.name} says yes wherever ${pair.tree.name} does`, () => {
    fc.assert(
      fc.property(expression, (argument) => {
        const { node, written } = readBoth(argument);
        if (pair.tree(node)) assert.ok(pair.written(written), argument);
      }),
      { numRuns: 400 },
    );
  });
}

test("the written tests still tell most arguments apart: they are not always yes", () => {
  assert.equal(mayBePortLike("result"), false);
  assert.equal(mayBePortLike("callback"), false);
  assert.equal(mayBeHostLike("seq"), false);
  assert.equal(mayBeHostLike("result"), false);
});
