// `parentOf` and `descendantAt` answer as tree-sitter's `parent` and `descendantForIndex` do, in
// every tree: the fixtures, broken files whose ERROR nodes hold hundreds of children, empty MISSING
// nodes. Then a broken file of thousands of target literals, where asking tree-sitter once per
// literal and level read the wide nodes' children again each time: in a child process, so that a
// regression fails instead of hanging.
import { test } from "node:test";
import assert from "node:assert/strict";
import { moduleLiteral, runEnding } from "./helpers/child.js";
import { parseSource } from "../src/parse-view.js";
import { descendantAt, parentOf } from "../src/analysis/ancestry.js";
import type { SyntaxNode } from "../src/types.js";
import { fixturesDir } from "./helpers/paths.js";
import { snapshot } from "./helpers/safety.js";

/** Every node of a tree, parents before children. */
function allNodes(root: SyntaxNode): SyntaxNode[] {
  const nodes: SyntaxNode[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    nodes.push(node);
    pending.push(...node.children);
  }
  return nodes;
}

const BROKEN = [
  // The root or an ERROR node holding hundreds of children (wider than the index's threshold).
  'import socket\ns = socket.socket()\n' + 's.bind(("0.0.0.0", 80))) $\n'.repeat(300),
  'import socket\ns = socket.socket()\n' + 's.bind(("0.0.0.0", 80)\n'.repeat(300),
  'import socket\n' + 'HOST = "0.0.0.0" +\n'.repeat(300) + "s.bind((HOST, 1))\n",
  // 200 empty MISSING nodes among the children: their parents are left to tree-sitter.
  "def f(:\n    s.bind(('', 80))\n".repeat(200),
  'x = ("0.0.0.0"\ny = [1, 2\nclass C(:\n  pass\n' + "z = f(a,\n".repeat(100),
];

/** The texts every check runs on: the fixtures, the broken shapes, and one wide module that parses. */
function texts(): Array<[string, string]> {
  const fixtures = [...snapshot(fixturesDir)].filter(([name]) => name.endsWith(".py")).map(([name, bytes]): [string, string] => [name, bytes.toString("utf8")]);
  const wide: [string, string] = ["wide module", Array.from({ length: 500 }, (_, i) => `x${i} = ("0.0.0.0", ${i})\n`).join("")];
  return [...fixtures, ...BROKEN.map((text, i): [string, string] => [`broken ${i}`, text]), wide];
}

test("parentOf gives every node the parent tree-sitter gives it", () => {
  let checked = 0;
  for (const [name, text] of texts()) {
    const root = parseSource(text).rootNode;
    // In reverse too: the parents remembered from a first descent must agree with a fresh one.
    const nodes = allNodes(root);
    for (const node of [...nodes.reverse(), ...nodes]) {
      assert.equal(parentOf(node)?.id, node.parent?.id, `${name}: ${node.type} at ${node.startIndex}`);
      checked++;
    }
  }
  assert.ok(checked > 10_000, `checked ${checked} nodes`);
});

test("descendantAt finds the node tree-sitter finds for every node's range and for ranges across nodes", () => {
  for (const [name, text] of texts()) {
    const root = parseSource(text).rootNode;
    const ranges: Array<[number, number]> = allNodes(root).map((node) => [node.startIndex, node.endIndex]);
    // Ranges that start and end at arbitrary offsets, empty ones included.
    for (let i = 0; i < 200; i++) {
      const start = (i * 7919) % (text.length + 1);
      ranges.push([start, Math.min(text.length, start + (i % 13))]);
    }
    for (const [start, end] of ranges) {
      assert.equal(descendantAt(root, start, end).id, root.descendantForIndex(start, end).id, `${name}: ${start}-${end}`);
    }
  }
});

test("a broken file of thousands of target literals is analysed in about linear time", () => {
  // 64,000 lines (1.5 MB): asking tree-sitter for each literal's parents took 3.2 s at 4,000 lines
  // and 49 s at 16,000; now the whole scan takes about 10 s, most of it tree-sitter's parse.
  const script = `
    import { scanText } from ${moduleLiteral("src/engine.js")};
    import { transforms } from ${moduleLiteral("transforms/index.js")};
    import { DEFAULT_REWRITE } from ${moduleLiteral("src/types.js")};
    const text = "import socket\\ns = socket.socket()\\n" + 's.bind(("0.0.0.0", 80)\\n'.repeat(64000);
    const scanned = scanText({ path: "t.py", text, eol: "\\n" }, transforms, DEFAULT_REWRITE);
    console.log(scanned.findings.length, scanned.errors.length);`;
  const [findings, errors] = runEnding(script, 120, "the analysis").split(" ").map(Number);
  // Every literal sits in a broken statement: none is rewritten, each is reported.
  assert.equal(findings, 0);
  assert.equal(errors, 64000);
});
