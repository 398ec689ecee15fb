// Python's string literals and comments found without parsing, for the prefilter: a word inside a
// docstring is not a call, and `"0.0.0.0"` inside a longer string is not a target literal. One
// linear pass; no regular expression here can backtrack, whatever the input.

export interface LexedSource {
  /** The text lexed. */
  text: string;
  /**
   * The text at the same length, with every comment and every string literal blanked to spaces,
   * but for the replacement fields of f-strings, which are code.
   */
  code: string;
  /**
   * The text at the same length with every comment blanked, and every string literal (f-strings
   * too) blanked but for its opening quote, which marks where an argument is a string.
   */
  bare: string;
  /** Each string literal that is not bytes, from its opening quote to its closing one. */
  strings: string[];
  /** Where each of `strings` starts (its opening quote), in the same order. */
  stringStarts: number[];
}

const SPACE = 0x20;
/** Ranges shorter than this are blanked in a loop: most literals are short, and a native fill's call costs more. */
const LOOP_FILL_BELOW = 32;

/** The next comment or quote, in code. */
const COMMENT_OR_QUOTE = /[#'"]/g;
const LINE_END = /[\r\n]/g;
/** What an f-string's replacement fields are read by. */
const FIELD_TOKEN = /[{}()[\]:'"#]/g;
/** What can end a one-line string, or escape its end: the quote, a backslash, a line end. */
const SINGLE_END = { "'": /['\\\r\n]/g, '"': /["\\\r\n]/g } as const;
/** What can end a triple-quoted string, or escape its end. */
const TRIPLE_END = { "'": /'''|\\/g, '"': /"""|\\/g } as const;

/** Prefixes Python accepts before a quote, lower-cased (t-strings are Python 3.14's). */
const PREFIXES = new Set(["r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt"]);

/**
 * The strings and code of a Python source, or undefined when a string never ends (a syntax error
 * the parser must judge): then nothing may be concluded from the text beyond its raw bytes.
 */
export function lexPython(text: string): LexedSource | undefined {
  const strings: string[] = [];
  const stringStarts: number[] = [];
  // Both views are the text's UTF-16 code units with ranges overwritten by spaces: copied and
  // filled in native code, then read back as strings, rather than joined from many slices.
  const code = Buffer.from(text, "utf16le");
  const bare = Buffer.from(code);
  const codeUnits = new Uint16Array(code.buffer, code.byteOffset, text.length);
  const bareUnits = new Uint16Array(bare.buffer, bare.byteOffset, text.length);
  const blank = (start: number, end: number): void => blankUnits(codeUnits, start, end);
  const blankBare = (start: number, end: number): void => blankUnits(bareUnits, start, end);
  COMMENT_OR_QUOTE.lastIndex = 0;
  for (let match = COMMENT_OR_QUOTE.exec(text); match; match = COMMENT_OR_QUOTE.exec(text)) {
    const at = match.index;
    if (match[0] === "#") {
      LINE_END.lastIndex = at;
      const end = LINE_END.exec(text)?.index ?? text.length;
      blank(at, end);
      blankBare(at, end);
      COMMENT_OR_QUOTE.lastIndex = end;
      continue;
    }
    const quote = match[0] as "'" | '"';
    const triple = text[at + 1] === quote && text[at + 2] === quote;
    const end = triple ? tripleEnd(text, at + 3, quote) : singleEnd(text, at + 1, quote);
    if (end < 0) return undefined;
    const prefix = prefixBefore(text, at);
    const formatted = prefix.includes("f") || prefix.includes("t");
    // Since Python 3.12 a replacement field may hold the f-string's own quote (`f"{d["k"]}"`), so
    // the quote found may not end it: a field left open there means the scan lost its place.
    const fields = formatted ? replacementFields(text, at + (triple ? 3 : 1), end - (triple ? 3 : 1)) : [];
    if (!fields) return undefined;
    if (!prefix.includes("b")) {
      strings.push(text.slice(at, end));
      stringStarts.push(at);
    }
    // The literal text of an f-string is no code (a script written out in one, say): only its fields stay.
    let literalFrom = at - prefix.length;
    for (const [fieldStart, fieldEnd] of fields) {
      blank(literalFrom, fieldStart);
      literalFrom = fieldEnd;
    }
    blank(literalFrom, end);
    blankBare(at - prefix.length, at);
    blankBare(at + 1, end);
    COMMENT_OR_QUOTE.lastIndex = end;
  }
  return { text, code: code.toString("utf16le"), bare: bare.toString("utf16le"), strings, stringStarts };
}

/** Overwrites [start, end) of a view with spaces. */
function blankUnits(units: Uint16Array, start: number, end: number): void {
  if (end - start < LOOP_FILL_BELOW) for (let i = start; i < end; i++) units[i] = SPACE;
  else units.fill(SPACE, start, end);
}

/** Offset just past the closing quote of a one-line string whose body starts at `from`; -1 if none. */
function singleEnd(text: string, from: number, quote: "'" | '"'): number {
  const pattern = SINGLE_END[quote];
  pattern.lastIndex = from;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const c = match[0];
    if (c === quote) return match.index + 1;
    if (c !== "\\") return -1;
    // A backslash escapes the next character, a line end (CRLF as one) included.
    pattern.lastIndex = match.index + (text.startsWith("\r\n", match.index + 1) ? 3 : 2);
  }
  return -1;
}

function tripleEnd(text: string, from: number, quote: "'" | '"'): number {
  const pattern = TRIPLE_END[quote];
  pattern.lastIndex = from;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match[0] !== "\\") return match.index + 3;
    pattern.lastIndex = match.index + 2;
  }
  return -1;
}

/**
 * The [start, end) ranges of an f-string body's replacement fields, between their outer braces, or
 * undefined when one does not close within the body. Outside fields `{{` and `}}` are text; in a
 * field's expression brackets nest and string literals are skipped (their braces do not count),
 * and its format spec starts at a `:` outside brackets (`{x:#x}`, `{x:{width}}`), where anything
 * but a nested field is text. A lone `}` outside a field, a field still open at the end, a string
 * in a field that does not end in it, or a comment in a field all fail: the scan may have lost its place.
 */
function replacementFields(text: string, start: number, end: number): Array<[number, number]> | undefined {
  const fields: Array<[number, number]> = [];
  /** The fields open at this point, innermost last: in its expression (with its open brackets) or in its spec. */
  const open: Array<{ spec: boolean; brackets: number }> = [];
  let fieldStart = start;
  FIELD_TOKEN.lastIndex = start;
  for (let match = FIELD_TOKEN.exec(text); match && match.index < end; match = FIELD_TOKEN.exec(text)) {
    const c = match[0];
    const at = match.index;
    const field = open[open.length - 1];
    if (!field) {
      if (c === "{" || c === "}") {
        if (text[at + 1] === c && at + 1 < end) FIELD_TOKEN.lastIndex = at + 2;
        else if (c === "}") return undefined;
        else {
          open.push({ spec: false, brackets: 0 });
          fieldStart = at + 1;
        }
      }
      continue;
    }
    const closes = c === "}" && (field.spec || field.brackets === 0);
    if (closes) {
      open.pop();
      if (open.length === 0) fields.push([fieldStart, at]);
    } else if (field.spec) {
      if (c === "{") open.push({ spec: false, brackets: 0 });
    } else if (c === "(" || c === "[" || c === "{") field.brackets++;
    else if (c === ")" || c === "]" || c === "}") field.brackets--;
    else if (c === ":" && field.brackets === 0) field.spec = true;
    else if (c === "#") return undefined;
    else if (c === "'" || c === '"') {
      const close = text.indexOf(c, at + 1);
      if (close < 0 || close >= end) return undefined;
      FIELD_TOKEN.lastIndex = close + 1;
    }
  }
  return open.length === 0 ? fields : undefined;
}

/** The string prefix written before the quote at `at` (`rb`), lower-cased; "" when there is none. */
function prefixBefore(text: string, at: number): string {
  // Most literals follow a bracket, a space or an operator: no prefix, and nothing to slice.
  if (at === 0 || !isNameCode(text.charCodeAt(at - 1))) return "";
  let start = at;
  while (start > 0 && at - start < 3 && isNameCode(text.charCodeAt(start - 1))) start--;
  const written = text.slice(start, at).toLowerCase();
  // `rb"` is a prefix, `grb"` a name (a syntax error the parser reports), not a prefix.
  return written.length <= 2 && PREFIXES.has(written) ? written : "";
}

/** A Python name, over-approximated as the scans here need: any non-ASCII character is a letter. */
export const IDENTIFIER = String.raw`[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*`;
/** Where a name may begin: not right after a character of another name. */
export const NAME_START = String.raw`(?<![\w\u0080-\uffff])`;

/** A letter, digit or underscore, or any non-ASCII character (over-approximating identifiers). */
export function isNameCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code >= 128;
}

/**
 * The offsets where `word` (a name) stands whole, no name character touching it, in order. Searched
 * for as a literal and checked by hand: far faster than a pattern that must look behind at every offset.
 */
export function wholeWordOffsets(text: string, word: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    if ((at > 0 && isNameCode(text.charCodeAt(at - 1))) || isNameCode(text.charCodeAt(at + word.length))) continue;
    found.push(at);
  }
  return found;
}

/** Space, tab, form feed, a line break or a continuation's backslash: what may sit between two tokens. */
export function isGap(code: number): boolean {
  return code === 32 || code === 9 || code === 12 || code === 10 || code === 13 || code === 92;
}
