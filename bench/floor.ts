// The Node read floor, run as its own process by the benchmark: read every file of a corpus,
// decode it and test one regular expression. No Node tool that reads the files can be faster.
//
// With `--parse LIST` (a file naming one path per line, relative to the first folder given), it
// then parses those files with tree-sitter-python, in this thread: the read + parse floor. Given
// the files that hold findings, it is what any tool built on tree-sitter in Node must spend before
// it has analysed anything, however well it knows which files to skip.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type Parser from "tree-sitter";

const NEEDLE = /0\.0\.0\.0/;
let files = 0;
let matches = 0;

function walk(dir: string, keep: Map<string, string>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".git" || entry.name === ".bench-manifest.json") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, keep);
    else if (entry.isFile()) {
      files++;
      const text = readFileSync(full, "utf8");
      if (NEEDLE.test(text)) matches++;
      if (keep.has(full)) keep.set(full, text);
    }
  }
}

function parseAll(texts: Iterable<string>): number {
  const require = createRequire(import.meta.url);
  const TreeSitter = require("tree-sitter") as typeof Parser;
  const parser = new TreeSitter();
  parser.setLanguage(require("tree-sitter-python") as Parser.Language);
  let nodes = 0;
  for (const text of texts) nodes += parser.parse(text, null, { bufferSize: Math.max(32 * 1024, text.length * 2 + 1) }).rootNode.descendantCount;
  return nodes;
}

const args = process.argv.slice(2);
const listAt = args.indexOf("--parse");
const listFile = listAt >= 0 ? args.splice(listAt, 2)[1] : undefined;
const roots = args;
// The listed files' texts, kept from the walk so that they are read once, as a tool would.
const keep = new Map<string, string>();
if (listFile) {
  for (const line of readFileSync(listFile, "utf8").split("\n")) if (line) keep.set(path.join(roots[0]!, line), "");
}
for (const root of roots) walk(root, keep);
const nodes = listFile ? parseAll(keep.values()) : 0;
const parsed = [...keep.values()].filter((text) => text !== "").length;
process.stderr.write(`floor ${JSON.stringify({ files, matches, parsed, nodes })}\n`);
