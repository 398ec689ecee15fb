// One tree-sitter parser per thread, reused for every file (creating one is the costly part).
import Parser from "tree-sitter";
import Python from "tree-sitter-python";
import type { SyntaxNode } from "./types.js";

let parser: Parser | undefined;

export const pythonLanguage = Python as unknown as Parser.Language;

export function parsePython(text: string): Parser.Tree {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(pythonLanguage);
  }
  // Older node-tree-sitter failed on inputs above its default 32 KiB buffer; size it to the input.
  return parser.parse(text, null, { bufferSize: Math.max(32 * 1024, text.length * 2 + 1) });
}

/** The ERROR and MISSING nodes of a tree, as [start, end) ranges, outermost first. */
export function errorRanges(root: SyntaxNode): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  if (!root.hasError) return ranges;
  const visit = (node: SyntaxNode): void => {
    if (node.isError || node.isMissing) {
      ranges.push([node.startIndex, node.endIndex]);
      return;
    }
    for (const child of node.children) if (child.hasError || child.isMissing) visit(child);
  };
  visit(root);
  return ranges;
}
