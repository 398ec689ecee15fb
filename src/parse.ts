// One tree-sitter parser per thread, reused for every file (creating one is the costly part).
import v8 from "node:v8";
import vm from "node:vm";
import type Parser from "tree-sitter";
import type { SyntaxNode } from "./types.js";
import { lazyRequire } from "./lazy.js";

// Loaded with the first file that needs parsing: most runs over a few files parse none.
const loadTreeSitter = lazyRequire<typeof Parser>("tree-sitter");
const loadPython = lazyRequire<Parser.Language>("tree-sitter-python");

let parser: Parser | undefined;

/**
 * A tree costs about 30 bytes of native memory per character parsed, which the JavaScript heap does
 * not see, and a dead tree is freed only after a collection *and* a turn of the event loop (that is
 * when node-tree-sitter's finalizers run). Left to itself, V8 judges by its small heap and lets dead
 * trees pile up to gigabytes over a repository; so callers that handle many files release them.
 */
const RELEASE_EVERY_CHARS = 500_000;
let parsedSinceRelease = 0;
let collect: (() => void) | null | undefined;

/** True when enough has been parsed since the last release that the dead trees should be freed. */
export function treesAwaitRelease(): boolean {
  return parsedSinceRelease > RELEASE_EVERY_CHARS;
}

/** Collects garbage, then yields to the event loop so that the collected trees' memory is freed. */
export async function releaseTrees(): Promise<void> {
  parsedSinceRelease = 0;
  if (collect === undefined) {
    try {
      v8.setFlagsFromString("--expose-gc");
      collect = vm.runInNewContext("gc") as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
  await new Promise((resolve) => setImmediate(resolve));
}

/** Parses `text`; given `edited`, the tree of an earlier text already edited to match, only anew where it changed. */
export function parsePython(text: string, edited?: Parser.Tree): Parser.Tree {
  if (!parser) {
    const TreeSitter = loadTreeSitter();
    parser = new TreeSitter();
    parser.setLanguage(loadPython());
  }
  // Only full parses count. A re-parse on an edited tree (the check of a fix, two per fixed file)
  // shares the unchanged nodes with it, and counting those as full parses forced a collection
  // twice as often: the standard library's dry run spent ~0.08 s more on them. 400 fixed copies of
  // a 106 KB file now peak at 126 MB instead of 106 MB.
  if (!edited) parsedSinceRelease += text.length;
  // Older node-tree-sitter failed on inputs above its default 32 KiB buffer; size it to the input.
  return parser.parse(text, edited ?? null, { bufferSize: Math.max(32 * 1024, text.length * 2 + 1) });
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
