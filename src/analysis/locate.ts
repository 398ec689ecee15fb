// Nodes found from the text instead of by walking the tree: a regular expression proposes offsets
// (a name before `(`, the `import` or `class` keyword) and the tree confirms each one. Every node
// object crosses from native code one by one, so walking a large tree costs more than parsing it,
// while a file holds few nodes of interest.
import type { SyntaxNode } from "../types.js";
import { wholeWordOffsets } from "../python-lexer.js";
import { descendantAt, parentOf } from "./ancestry.js";

/** A name written before a `(`: where a call of that name may be. */
export interface NameSite {
  name: string;
  index: number;
}

/** Identifier characters: ASCII ones, and any non-ASCII character (over-approximated; the tree confirms). */
const NAME_CHAR = String.raw`[\w\u0080-\uffff]`;
/**
 * A name, where the token after it may be `(`: on the same line, or (past a comment, a line
 * continuation or the line's end) on a later line. Only spaces are looked at here, so the scan
 * stays linear; `TokenLookup` finds the next token across lines.
 */
const NAME_THEN_GAP = new RegExp(String.raw`(?<!${NAME_CHAR})[A-Za-z_\u0080-\uffff]${NAME_CHAR}*(?=[ \t\f]*(?:[(#\\\r\n]|$))`, "g");

/**
 * The next token after an offset, past what may sit between two tokens of one call: spaces, a
 * comment, line continuations, and blank or comment-only lines. Lines are indexed once, on first
 * need, so a name at the end of each of many comment lines costs one lookup each, not a rescan.
 */
export class TokenLookup {
  private lineEnds?: number[];
  /** Per line: where the next token after that line begins, or -1 at the end of the text. */
  private nextToken?: Int32Array;
  /** The offset the last search for a line's end began at, and the end it found: every offset between them ends there too. */
  private searchedFrom = -1;
  private foundEnd = -1;

  constructor(private readonly text: string) {}

  /** Offset of the first token at or after `from`; -1 when there is none. */
  tokenAfter(from: number): number {
    const text = this.text;
    let i = from;
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\f")) i++;
    if (i >= text.length) return -1;
    const c = text[i];
    if (c !== "#" && c !== "\\" && c !== "\r" && c !== "\n") return i;
    if (c === "\\" && text[i + 1] !== "\r" && text[i + 1] !== "\n") return i;
    // Most often the next line holds the token: look there first, and index the lines only when
    // that line is blank, a comment or a continuation itself.
    let j = c === "#" || c === "\\" ? this.lineEndFrom(i) : i;
    if (text[j] === "\r" && text[j + 1] === "\n") j++;
    j++;
    while (j < text.length && (text[j] === " " || text[j] === "\t" || text[j] === "\f")) j++;
    if (j >= text.length) return -1;
    const d = text[j];
    if (d !== "#" && d !== "\\" && d !== "\r" && d !== "\n") return j;
    this.index();
    return this.nextToken![this.lineOf(i)]!;
  }

  /**
   * Where the line holding `from` ends (its first `\r` or `\n` at or after `from`). Many queries on
   * one long line (`bind #bind #bind ...`) would each scan to its end: a search reaching the start
   * of the last one takes its end instead, so each line is scanned about once.
   */
  private lineEndFrom(from: number): number {
    const text = this.text;
    if (from >= this.searchedFrom && from <= this.foundEnd) return this.foundEnd;
    let j = from;
    while (j < text.length && text[j] !== "\r" && text[j] !== "\n") {
      if (j === this.searchedFrom) {
        j = this.foundEnd;
        break;
      }
      j++;
    }
    this.searchedFrom = from;
    this.foundEnd = j;
    return j;
  }

  private index(): void {
    if (this.lineEnds) return;
    const ends: number[] = [];
    const newline = /\r\n|\r|\n/g;
    for (let match = newline.exec(this.text); match; match = newline.exec(this.text)) ends.push(match.index + match[0].length);
    this.lineEnds = ends;
    // Backwards: a line's next token is the first token of the next line that is not blank,
    // comment-only or a lone continuation, which in turn may pass such lines further down.
    const next = new Int32Array(ends.length + 1).fill(-1);
    const gapLine = /[ \t\f]*(?:#[^\r\n]*|\\)?(?:\r\n|\r|\n|$)/y;
    for (let line = ends.length - 1; line >= 0; line--) {
      const start = ends[line]!;
      if (start >= this.text.length) continue;
      gapLine.lastIndex = start;
      const match = gapLine.exec(this.text);
      const blank = !!match && match[0].length > 0 && match.index + match[0].length === (ends[line + 1] ?? this.text.length);
      if (blank) next[line] = next[line + 1]!;
      else {
        let first = start;
        while (this.text[first] === " " || this.text[first] === "\t" || this.text[first] === "\f") first++;
        next[line] = first;
      }
    }
    this.nextToken = next;
  }

  /** The 0-based line holding offset `at` (lines end after their terminator). */
  private lineOf(at: number): number {
    const ends = this.lineEnds!;
    let low = 0;
    let high = ends.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (ends[middle]! <= at) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** A character `\b` counts as part of a word (without the `u` flag: ASCII only). */
const ASCII_WORD = /\w/;

/** True when the text at `at` is the keyword `as` (`import run as r`: the name is renamed). */
export function isAsKeyword(text: string, at: number): boolean {
  return text.startsWith("as", at) && !/[\w\u0080-\uffff]/.test(text[at + 2] ?? "");
}

/** Every name followed by `(` in the text, comments and strings included: a superset of callee names. */
export function nameSites(text: string): NameSite[] {
  const sites: NameSite[] = [];
  const tokens = new TokenLookup(text);
  NAME_THEN_GAP.lastIndex = 0;
  for (let match = NAME_THEN_GAP.exec(text); match; match = NAME_THEN_GAP.exec(text)) {
    const next = tokens.tokenAfter(match.index + match[0].length);
    if (next >= 0 && text[next] === "(") sites.push({ name: match[0], index: match.index });
  }
  return sites;
}

/** The call whose callee is written with the name at `site` (`f(...)`, `a.b.f(...)`), if it is one. */
export function callAt(root: SyntaxNode, site: NameSite): SyntaxNode | undefined {
  const end = site.index + site.name.length;
  const name = descendantAt(root, site.index, end);
  if (name.type !== "identifier" || name.startIndex !== site.index || name.endIndex !== end) return undefined;
  const parent = parentOf(name);
  if (parent?.type === "call") return isField(parent, "function", name) ? parent : undefined;
  if (parent?.type !== "attribute" || !isField(parent, "attribute", name)) return undefined;
  const call = parentOf(parent);
  return call?.type === "call" && isField(call, "function", parent) ? call : undefined;
}

function isField(node: SyntaxNode, field: string, child: SyntaxNode): boolean {
  const found = node.childForFieldName(field);
  return !!found && found.startIndex === child.startIndex && found.endIndex === child.endIndex;
}

/** Nodes sorted as a pre-order walk visits them: by start, an enclosing node before the nodes it holds. */
export function inTreeOrder(nodes: SyntaxNode[]): SyntaxNode[] {
  const keyed = nodes.map((node) => ({ node, start: node.startIndex, end: node.endIndex }));
  keyed.sort((a, b) => a.start - b.start || b.end - a.end);
  return keyed.map((entry) => entry.node);
}

/**
 * The nodes of the given types that contain an occurrence of `keyword` (`import`, `class`) as
 * their own token, in source order: each statement of those types holds its keyword once.
 */
export function statementsWithKeyword(root: SyntaxNode, text: string, keyword: string, types: ReadonlySet<string>): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  for (const at of wholeWordOffsets(text, keyword)) {
    const token = descendantAt(root, at, at + keyword.length);
    const statement = parentOf(token);
    if (token.type === keyword && statement && types.has(statement.type)) found.push(statement);
  }
  return found;
}

/**
 * A text test: `pattern` occurs with a token matching `next` right after it (past spaces, comments,
 * line continuations and blank lines, as between two tokens of one statement). Linear in the text,
 * however many comment lines follow each occurrence.
 */
export function tokenFollows(pattern: RegExp, next: RegExp): (text: string) => boolean {
  // The `\b` of a word pattern (`\bbind`) is checked by hand: a literal is searched for far
  // faster than a pattern the engine must try at every word boundary.
  const wordStart = /^\\b\w+$/.test(pattern.source);
  const source = wordStart ? pattern.source.slice(2) : pattern.source;
  const find = new RegExp(source, pattern.flags.includes("g") ? pattern.flags : pattern.flags + "g");
  const after = new RegExp(next.source, next.flags.replace("g", "") + "y");
  return (text) => {
    const tokens = new TokenLookup(text);
    find.lastIndex = 0;
    for (let match = find.exec(text); match; match = find.exec(text)) {
      if (match[0].length === 0) find.lastIndex++;
      if (wordStart && match.index > 0 && ASCII_WORD.test(text[match.index - 1]!)) {
        find.lastIndex = match.index + 1;
        continue;
      }
      const at = tokens.tokenAfter(match.index + match[0].length);
      if (at < 0) continue;
      after.lastIndex = at;
      if (after.test(text)) return true;
    }
    return false;
  };
}
