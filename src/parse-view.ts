// What tree-sitter is given to parse: the file's text as Python reads it, at the same length so
// every offset and row still points into the real text. Both the scan and the re-parse check use it.
import type Parser from "tree-sitter";
import type { SyntaxNode } from "./types.js";
import { parsePython } from "./parse.js";

/**
 * A run of comment-only lines at least this long is parsed as blank lines. tree-sitter-python's
 * scanner re-reads every following comment line at each line end inside such a run, so parsing is
 * quadratic in it (50,000 one-character comment lines take minutes); a run of 32 costs ~1 ms.
 */
export const LONG_COMMENT_RUN = 32;

const COMMENT_LINE = /^[ \t\f]*#/;
const BLANK_LINE = /^[ \t\f]*\r?$/;

/**
 * Parses Python source as Python tokenizes it. A lone CR ends a line for Python but not for
 * tree-sitter-python, so it is parsed as LF. Long runs of comment-only lines are parsed as blank
 * lines; a comment-only line never carries a suppression marker (those sit on code lines), and if
 * the blanked parse shows that a "comment" was really inside a string, or it has any syntax error,
 * the file is parsed again without blanking so the result never differs from the plain parse.
 */
export function parseSource(text: string): Parser.Tree {
  const lines = text.replace(/\r(?!\n)/g, "\n");
  const runs = longCommentRuns(lines);
  if (runs.length === 0) return parsePython(lines);
  let blanked = "";
  let at = 0;
  for (const [start, end] of runs) {
    blanked += lines.slice(at, start) + " ".repeat(end - start);
    at = end;
  }
  blanked += lines.slice(at);
  const tree = parsePython(blanked);
  if (!tree.rootNode.hasError && runs.every(([start, end]) => !insideToken(tree.rootNode.descendantForIndex(start, end)))) {
    return tree;
  }
  return parsePython(lines);
}

/** The [start, end) ranges, from `#` to the line end, of the comment lines in long runs. */
function longCommentRuns(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let run: Array<[number, number]> = [];
  let previousContinues = false;
  const flush = (): void => {
    if (run.length >= LONG_COMMENT_RUN) ranges.push(...run);
    run = [];
  };
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf("\n", start);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(start, end);
    if (COMMENT_LINE.test(line) && !(run.length === 0 && previousContinues)) {
      const hash = start + line.indexOf("#");
      run.push([hash, line.endsWith("\r") ? end - 1 : end]);
    } else if (!BLANK_LINE.test(line)) {
      flush();
      // After a backslash continuation a comment line is not simply skipped: leave such runs alone.
      previousContinues = /\\\r?$/.test(line);
    }
    start = end + 1;
  }
  flush();
  return ranges;
}

/** True when a blanked range turned out to lie inside a string or an error: it was no comment. */
function insideToken(node: SyntaxNode | null): boolean {
  for (let current = node; current; current = current.parent) {
    if (current.type === "string" || current.type === "string_content" || current.isError) return true;
  }
  return false;
}
