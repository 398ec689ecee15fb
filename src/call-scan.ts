// Where the catalogues' callee names are written as calls, for the prefilter: every file it reads
// goes through this scan, and most hold none of these calls, so it must be cheap over text that
// does not match.
//
// A name is called when its next token is `(`, and renamed when it is the keyword `as` (an import
// that renames it: its calls are then written under another name). The next token is read as
// `TokenLookup` reads it: on the same line past spaces, or on a later line past a comment, a line
// continuation, and blank or comment-only lines. This is the raw text as often as the lexed one,
// so a "comment" may be inside a string: every word it could be counts.
//
// One regular expression finds the tokens (`(`, `as`) that follow a name: it stops only at `(` and
// `as`, then looks behind for a name spelled as the catalogues do, so its work stays in V8's regexp
// engine, which a one-off scan needs (a loop of JavaScript over every `(` runs mostly unoptimised).
// Reading backwards from each token it found, the names before it are then told apart by a trie of
// the names spelled in reverse, and recorded with their keys.
import { isNameCode } from "./python-lexer.js";

/** The callee names to look for: whole names (`bind`), and suffixes of any name (`Server` in `WSGIServer`). */
export interface CalleeNames {
  whole: ReadonlySet<string>;
  suffixes: ReadonlySet<string>;
}

/** What the scan found, under keys: a whole name as it is, a suffix as `*Server`. */
export interface CallScan {
  /** Keys written as calls, or renamed by `as`. */
  called: Set<string>;
  /** Keys renamed by `as` somewhere: their calls may be written under another name. */
  renamed: Set<string>;
  /** Per key, the offsets of the `(` of its calls, in text order. */
  openings: Map<string, number[]>;
  /** Per `(` offset in `openings`: where the name called there starts (for a suffix alone, where the suffix starts). */
  calleeStarts: Map<number, number>;
}

/** A node of the reversed-name trie: the characters (ASCII codes) that may come before, and the names that start here. */
interface TrieNode {
  before: Map<string, TrieNode>;
  /** A whole name starts here: it counts only where no word character comes before. */
  whole?: string;
  /** A suffix starts here: it counts whatever comes before. */
  suffix?: string;
}

const HASH = 35;
const BACKSLASH = 92;
const LF = 10;
const CR = 13;
const OPEN = 40;

/** `\w` without the `u` flag: where a name ends for `\b`, as the catalogues' ASCII names are matched. */
function isAsciiWord(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 12;
}

const DEFINING_KEYWORD = /(?<![\w\u0080-\uffff])(?:def|class)[ \t\f]+$/;

/** True when the name around `at` follows `def` or `class`: `def run(` defines, never calls. */
export function isDefinedName(text: string, at: number): boolean {
  let start = at;
  while (start > 0 && isNameCode(text.charCodeAt(start - 1))) start--;
  return DEFINING_KEYWORD.test(text.slice(Math.max(0, start - 16), start));
}

/**
 * A line's end. Each has one reading: were `\r\n` also a `\r` and then an empty line's `\n`, the
 * lookbehind below would try 2^k readings of the k blank or comment lines before a `(` that no
 * name precedes (seconds for 20 lines of a CRLF file, forever for 40).
 */
const LINE_END = String.raw`(?:\r\n|\r(?!\n)|(?<!\r)\n)`;

/**
 * Between a name and the token after it on a later line: spaces, then a line continuation or a
 * comment, the line's end, then blank, comment-only or continuation-only lines.
 */
const LINES_BETWEEN = String.raw`[ \t\f]*(?:\\|#[^\r\n]*)?${LINE_END}(?:[ \t\f]*(?:#[^\r\n]*|\\)?${LINE_END})*`;

/** A scanner for these names, built once for all the texts it reads. */
export class CallScanner {
  private readonly root: TrieNode = { before: new Map() };
  /** `(`, or `as` with no name character after it, where a name comes before it as its previous token. */
  private readonly tokens: RegExp;

  constructor(names: CalleeNames) {
    for (const name of names.whole) this.add(name).whole = name;
    for (const suffix of names.suffixes) this.add(suffix).suffix = suffix;
    const name = spelledBackwards(this.root);
    this.tokens = new RegExp(String.raw`(?:\(|as(?![\w\u0080-\uffff]))(?<=${name}(?:${LINES_BETWEEN})?[ \t\f]*(?:\(|as))`, "g");
  }

  scan(text: string): CallScan {
    const found: CallScan = { called: new Set(), renamed: new Set(), openings: new Map(), calleeStarts: new Map() };
    const tokens = this.tokens;
    tokens.lastIndex = 0;
    for (let match = tokens.exec(text); match; match = tokens.exec(text)) {
      const token = match.index;
      const call = text.charCodeAt(token) === OPEN;
      // `as` may touch the name before it (`runas` renames `run`, as `TokenLookup` reads it).
      // Several words may come before one token (a word before a `#`, and one at the line's end);
      // they are taken in text order.
      const names: FoundName[] = [];
      for (const end of wordEndsBefore(text, token, !call).sort((a, b) => a - b)) {
        const name = this.nameEndingAt(text, end);
        if (name && !(call && isDefinedName(text, name.start))) names.push(name);
      }
      // In raw text any of them may be the callee (`MyServer  # run` then `(` on the next line calls
      // `MyServer`): a `(` counts as a call of each, the last one its callee.
      for (const name of names) {
        if (call) recordCall(found, name, token);
        else recordRename(found, name);
      }
    }
    for (const offsets of found.openings.values()) offsets.sort((a, b) => a - b);
    return found;
  }

  private add(name: string): TrieNode {
    let node = this.root;
    for (let i = name.length - 1; i >= 0; i--) {
      const c = name[i]!;
      let before = node.before.get(c);
      if (!before) node.before.set(c, (before = { before: new Map() }));
      node = before;
    }
    return node;
  }

  /**
   * The keys of the name whose last character is at `end`: a whole name standing alone (no word
   * character before it), and every suffix it ends with. `start` is where the longest one begins.
   */
  private nameEndingAt(text: string, end: number): FoundName | undefined {
    let node: TrieNode | undefined = this.root;
    let keys: string[] | undefined;
    let start = -1;
    for (let i = end; i >= 0 && node; i--) {
      node = node.before.get(text[i]!);
      if (node?.suffix) {
        (keys ??= []).push(`*${node.suffix}`);
        start = i;
      }
      if (node?.whole && (i === 0 || !isAsciiWord(text.charCodeAt(i - 1)))) {
        (keys ??= []).unshift(node.whole);
        start = i;
      }
    }
    return keys ? { keys, start } : undefined;
  }
}

interface FoundName {
  keys: string[];
  start: number;
}

function recordCall(found: CallScan, name: FoundName, open: number): void {
  for (const key of name.keys) {
    found.called.add(key);
    const offsets = found.openings.get(key);
    if (offsets) offsets.push(open);
    else found.openings.set(key, [open]);
  }
  found.calleeStarts.set(open, name.start);
}

function recordRename(found: CallScan, name: FoundName): void {
  for (const key of name.keys) {
    found.called.add(key);
    found.renamed.add(key);
  }
}

/**
 * The trie's names as a pattern to look behind with. It is written from the names' ends (`(?:
 * (?:\bcreat|\bmak)e_|...)server`): looking behind, V8 reads it right to left, so each `(` is
 * told apart by the characters just before it rather than tried against every name.
 */
function spelledBackwards(node: TrieNode): string {
  const branches = [...node.before].map(([c, before]) => spelledBackwards(before) + c);
  if (node.suffix) branches.push("");
  else if (node.whole) branches.push(String.raw`\b`);
  return branches.length === 1 ? branches[0]! : `(?:${branches.join("|")})`;
}

/**
 * Where the words end whose next token is the one at `token`: the word just before it past spaces
 * (`glued`: or touching it); or, when the token starts its line, the words `lineEndWords` finds on
 * the lines above.
 */
function wordEndsBefore(text: string, token: number, glued: boolean): number[] {
  let i = token - 1;
  if (glued && i >= 0 && isAsciiWord(text.charCodeAt(i))) return [i];
  while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
  if (i < 0) return [];
  const code = text.charCodeAt(i);
  if (isAsciiWord(code)) return [i];
  return code === LF || code === CR ? lineEndWords(text, i + 1) : [];
}

/**
 * The words whose next token starts the line at `lineStart`. Going up from it: on each line, the
 * word at its end (past spaces and a line continuation) and the word before each `#`; lines that
 * are blank, comment-only or a lone continuation are passed over to the one above, which is the last.
 */
function lineEndWords(text: string, lineStart: number): number[] {
  const ends: number[] = [];
  for (let next = lineStart; next > 0; ) {
    // The line above ends with its terminator (`\r\n`, `\r` or `\n`) just before `next`.
    let terminator = next - 1;
    if (text.charCodeAt(terminator) === LF && terminator > 0 && text.charCodeAt(terminator - 1) === CR) terminator--;
    let start = terminator;
    while (start > 0 && text.charCodeAt(start - 1) !== LF && text.charCodeAt(start - 1) !== CR) start--;
    let last = terminator - 1;
    // A continuation counts only right before the line's end, as Python reads it.
    if (last >= start && text.charCodeAt(last) === BACKSLASH) last--;
    while (last >= start && isSpace(text.charCodeAt(last))) last--;
    if (last >= start && isAsciiWord(text.charCodeAt(last))) ends.push(last);
    for (let at = start; at < terminator; at++) {
      if (text.charCodeAt(at) !== HASH) continue;
      let before = at - 1;
      while (before >= start && isSpace(text.charCodeAt(before))) before--;
      if (before >= start && isAsciiWord(text.charCodeAt(before))) ends.push(before);
    }
    let first = start;
    while (first < terminator && isSpace(text.charCodeAt(first))) first++;
    const code = text.charCodeAt(first);
    const gap = first === terminator || code === HASH || (code === BACKSLASH && first + 1 === terminator);
    if (!gap) break;
    next = start;
  }
  return ends;
}
