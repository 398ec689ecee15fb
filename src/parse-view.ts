// What tree-sitter is given to parse: the file's text as Python reads it, at the same length so
// every offset and row still points into the real text. Both the scan and the re-parse check use it.
import type Parser from "tree-sitter";
import type { Edit, SyntaxNode } from "./types.js";
import { parsePython } from "./parse.js";
import { lastAtOrBefore } from "./sorted.js";
import { appendAll } from "./append.js";

/**
 * A run of comment-only lines at least this long is parsed as blank lines. tree-sitter-python's
 * scanner re-reads every following comment line at each line end inside such a run, so parsing is
 * quadratic in it (50,000 one-character comment lines take minutes); a run of 32 costs ~1 ms.
 */
export const LONG_COMMENT_RUN = 32;

const COMMENT_LINE = /^[ \t\f]*#/;
const BLANK_LINE = /^[ \t\f]*\r?$/;

/** A tree and the text it was parsed from: the file's text as `parseSource` showed it to the parser. */
export interface ParsedView {
  tree: Parser.Tree;
  /** The text parsed: lone CRs as LF, the comment lines of long runs as spaces when that held. */
  view: string;
}

/**
 * Parses Python source as Python tokenizes it. A lone CR ends a line for Python but not for
 * tree-sitter-python, so it is parsed as LF. Long runs of comment-only lines are parsed as blank
 * lines; a comment-only line never carries a suppression marker (those sit on code lines), and if
 * the blanked parse shows that a "comment" was really inside a string, or it has any syntax error,
 * the file is parsed again without blanking so the result never differs from the plain parse.
 */
export function parseSource(text: string): Parser.Tree {
  return parseView(text).tree;
}

/** `parseSource`, keeping what an incremental re-parse (`reparseEdited`) needs. */
export function parseView(text: string): ParsedView {
  return parseBuilt(viewOf(text));
}

/** A text as the parser is first shown it, and what it was made from. */
interface View {
  /** The text with lone CRs as LF. */
  lines: string;
  /** The comment ranges of long runs, blanked in `view`. */
  runs: Array<[number, number]>;
  view: string;
}

function viewOf(text: string): View {
  const lines = text.replace(LONE_CR, "\n");
  const runs = longCommentRuns(lines);
  return { lines, runs, view: runs.length > 0 ? blank(lines, runs) : lines };
}

/** The tree of a view (`tree`, when already parsed), or of its plain lines where blanking does not hold. */
function parseBuilt({ lines, runs, view }: View, tree = parsePython(view)): ParsedView {
  if (runs.length === 0 || blankingHolds(tree, runs)) return { tree, view };
  return { tree: parsePython(lines), view: lines };
}

/** A re-parse of an edited text, and whether it re-parsed only what the edits touched. */
export interface Reparsed {
  tree: Parser.Tree;
  incremental: boolean;
}

/**
 * The tree `parseSource(edited)` gives, where `edited` is the parsed text with `edits` (sorted, not
 * overlapping, in the old text's offsets) applied. tree-sitter re-parses only what the edits touch,
 * so checking a fix of a large file costs a fraction of a parse. The view of `edited` is built as
 * `parseSource` builds it; when it is not the old view with the edits applied (an edit changed which
 * comment lines are blanked, or wrote a line ending the view rewrites), `edited` is parsed from
 * scratch instead. `parsed.tree` is left as it was.
 */
export function reparseEdited(parsed: ParsedView, edited: string, edits: readonly Edit[]): Reparsed {
  const next = viewOf(edited);
  if (applyEdits(parsed.view, edits) !== next.view) return { tree: parseBuilt(next).tree, incremental: false };

  // The edits go to a copy: re-parsing the same text on the old tree reuses all of it (a few
  // milliseconds for 250 KB), and node-tree-sitter's edit updates every node object the analysis
  // made of a tree (about 2 µs each, per edit), of which a fresh tree has none.
  const copy = parsePython(parsed.view, parsed.tree);
  // Last edit first: each one's offsets in the old text are then still offsets in the tree.
  const rows = new LineIndex(parsed.view);
  for (let i = edits.length - 1; i >= 0; i--) {
    const { start, end, text } = edits[i]!;
    const startPosition = rows.point(start);
    copy.edit({
      startIndex: start,
      oldEndIndex: end,
      newEndIndex: start + text.length,
      startPosition,
      oldEndPosition: rows.point(end),
      newEndPosition: advance(startPosition, text),
    });
  }
  return { tree: parseBuilt(next, parsePython(next.view, copy)).tree, incremental: true };
}

const LONE_CR = /\r(?!\n)/g;

function blank(text: string, runs: ReadonlyArray<readonly [number, number]>): string {
  let blanked = "";
  let at = 0;
  for (const [start, end] of runs) {
    blanked += text.slice(at, start) + " ".repeat(end - start);
    at = end;
  }
  return blanked + text.slice(at);
}

/** Blanking is sound when the parse has no error and no blanked range fell inside a string. */
function blankingHolds(tree: Parser.Tree, runs: ReadonlyArray<readonly [number, number]>): boolean {
  return !tree.rootNode.hasError && runs.every(([start, end]) => !insideToken(tree.rootNode.descendantForIndex(start, end)));
}

/** `text` (or its part `[from, to)`, which holds every edit) with `edits` (sorted, not overlapping, in its offsets) applied. */
export function applyEdits(text: string, edits: readonly Edit[], from = 0, to = text.length): string {
  let result = "";
  let at = from;
  for (const edit of edits) {
    result += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return result + text.slice(at, to);
}

/** Row and column (in UTF-16 units, as node-tree-sitter counts them) of offsets in one text. */
class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) this.starts.push(at + 1);
  }

  point(offset: number): Parser.Point {
    const row = lastAtOrBefore(this.starts, offset);
    return { row, column: offset - this.starts[row]! };
  }
}

/** The point after `text` written at `from`. */
function advance(from: Parser.Point, text: string): Parser.Point {
  const lastBreak = text.lastIndexOf("\n");
  if (lastBreak < 0) return { row: from.row, column: from.column + text.length };
  let rows = 0;
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) rows++;
  return { row: from.row + rows, column: text.length - lastBreak - 1 };
}

/** The [start, end) ranges, from `#` to the line end, of the comment lines in long runs. */
function longCommentRuns(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let run: Array<[number, number]> = [];
  let previousContinues = false;
  const flush = (): void => {
    if (run.length >= LONG_COMMENT_RUN) appendAll(ranges, run);
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
