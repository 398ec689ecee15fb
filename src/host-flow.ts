// The prefilter's sharpest test, asked only of files whose code holds both a target literal and a
// call a catalogue may match: can some target literal reach the arguments of one of those calls?
// It follows what the analysis follows (src/analysis/hosts.ts) on the text, over-approximating:
//
//   - only the call's arguments in a host position count, as the analysis picks them: the keyword
//     if given, else the positional argument at the index (none past a `*args`); and where the
//     position takes an address tuple, only what sits inside the value's brackets (the analysis
//     reads a host only from a tuple or list display), words outside them standing for the tuple,
//     unless a comma outside brackets makes the value itself a tuple (`ADDR = "0.0.0.0", 80`);
//   - a target literal inside such an argument reaches the call, unless it is a dict key or an
//     argument of a call nested in it (a call's result is never followed) other than an
//     environment lookup (`os.environ.get`, `os.getenv`) or a typer `Option`/`Argument`;
//   - a word in such an argument (`HOST`, `self.host`, `args.host`; not the object `self`, not a
//     callee) reaches back to every value that word may be bound to: what follows its `=` or `:`
//     (an assignment, an annotated name, a parameter default, a keyword argument, a dict entry) up
//     to the line's end after a statement's own `=` or `:` (`x = 1, ""` is a tuple), else up to the
//     next comma or closing bracket; for a word before a line's top-level `=` (`HOST, PORT = "",
//     80`), the rest of the line; and, for argparse and click, every line naming
//     `add_argument`/`option`/`argument` whose string literals hold the word, case aside
//     (`"--bind-host"` gives `bind_host`);
//   - every word in a value reached that way reaches back in turn (`HOST = DEFAULT`).
//
// Scopes, types and call shapes are ignored, so the test says "maybe" more often than the analysis
// finds a host, never less: it only lets the engine skip parsing files whose targets are all
// elsewhere (`"".join(...)`, `x == ""`, docstrings) — most Python files hold an empty string.
import { IDENTIFIER, isGap, isNameCode, NAME_START, wholeWordOffsets, type LexedSource } from "./python-lexer.js";
import { firstAtOrAfter, lastAtOrBefore } from "./sorted.js";

/** Python keywords, as written (`IF` is a name): never names, so never followed. */
const KEYWORDS = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield".split(
    " ",
  ),
);

const WORD = new RegExp(NAME_START + IDENTIFIER, "g");
/** What binds the word before it (past spaces, line breaks and continuations): `=` but not `==`, or `:`. */
const BINDING_OPERATOR = /[\s\\]*(?:=(?!=)|:)/y;
const BRACKET = /[()[\]{}]/g;
/** Characters that make a following `=` part of another operator (`<=`, `+=`, `:=`...). */
const OPERATOR_BEFORE_EQUALS = new Set(["=", "!", "<", ">", ":", "+", "-", "*", "/", "%", "&", "|", "^", "@", "~"]);
/** Lines whose string literals may name an argparse dest or a click parameter. */
const OPTION_CALL = /(?<![\w\u0080-\uffff])(?:add_argument|option|argument)(?![\w\u0080-\uffff])/;

/** An argument position a host may be given in (`BindingApi.host`, `.address`, `.hostPort`). */
export interface HostPosition {
  index?: number;
  keyword?: string;
  /**
   * The argument is an address tuple (`BindingApi.address`): the analysis reads a host only from a
   * tuple or list display, so a literal counts only inside brackets of the value (`("", 80)`, not
   * `certfile=""`); a word outside them stands for the tuple, a word inside for the host.
   */
  tuple?: boolean;
}

/**
 * A call's arguments as written, in the lexed text (string bodies and comments blanked, but for
 * each string's opening quote): for `BindingApi.whenWritten`.
 */
export interface WrittenArguments {
  /** The positional arguments' texts, up to the first `*args`. */
  positional: readonly string[];
  /** Each keyword argument's value text, by keyword. */
  keywords: ReadonlyMap<string, string>;
  /** True when a `*args` or `**kwargs` is passed: then positions and keywords are not all seen. */
  unpacked: boolean;
  /**
   * Whether `pattern` (not global or sticky) matches the call's logical line up to its `(`, as
   * written (strings and comments too): its callee and receiver are in it.
   */
  beforeMatches(pattern: RegExp): boolean;
}

/** A keyword argument's name, at the start of an argument (`host = ...`, not `host == ...`). */
const KEYWORD_ARGUMENT = new RegExp(String.raw`^[\s\\]*(${IDENTIFIER})[\s\\]*=(?!=)`);

/** A lexed source's logical lines: where each starts, and where its statement's `=` or `:` stand. */
interface LogicalLines {
  /** Start offsets of the logical lines (a line continues past brackets and backslashes). */
  starts: number[];
  /** Offsets of the `=` and `:` outside brackets: the value after one runs to the line's end (`x = 1, ""`). */
  topLevelOperators: Set<number>;
  /** Per logical line: its first `=` outside brackets that is an assignment (not `==`, `+=`...), or -1. */
  assignments: number[];
}

/**
 * How literals may flow to calls in a lexed source. Everything is built on first need, from the
 * calls' own arguments outward: most files are settled by those alone, without a pass over the
 * whole text.
 */
export class HostFlow {
  private lines?: LogicalLines;
  /** Per `(` asked about: the offset of its `)`, or the text's length when it is never closed. */
  private readonly closings = new Map<number, number>();
  /** Word → where its values start (`bindingsOf`), per word followed. */
  private readonly bindingStarts = new Map<string, number[]>();
  /** Per pattern asked about by `beforeMatches`: whether it matches anywhere in the text. */
  private readonly mentioned = new Map<RegExp, boolean>();
  /** Lines holding a literal that passes the target test, per test. */
  private readonly targetLines = new Map<(literal: string) => boolean, Set<number>>();

  constructor(private readonly lexed: LexedSource) {}

  private get logical(): LogicalLines {
    return (this.lines ??= this.scanLines());
  }

  private get lineStarts(): number[] {
    return this.logical.starts;
  }

  /**
   * True when a literal passing `isTarget` may reach a host position of a call whose `(` is at one
   * of `openings` (offsets in the text), or a name in `names` (gunicorn's `bind`).
   */
  mayReach(openings: readonly number[], positions: readonly HostPosition[], isTarget: (literal: string) => boolean, names: readonly string[] = []): boolean {
    const { bare, strings } = this.lexed;
    if (!strings.some(isTarget)) return false;
    /** Words to follow, each as a host or as an address tuple (`tuple`), once each way. */
    const words = new Set<string>();
    const pending: Array<{ word: string; tuple: boolean }> = [];
    const add = (word: string, tuple = false): void => {
      const key = tuple ? `(${word}` : word;
      if (KEYWORDS.has(word) || words.has(key)) return;
      words.add(key);
      pending.push({ word, tuple });
    };
    const reaches = (start: number, end: number, tuple: boolean): boolean => {
      if (tuple) return this.tupleReaches(start, end, isTarget, add);
      if (this.hasTargetBetween(start, end, isTarget)) return true;
      this.valueWords(start, end, (word) => add(word));
      return false;
    };
    for (const name of names) add(name);
    for (const open of openings) {
      // A `(` blanked in the bare text sits in an f-string's replacement field: too odd to reason about.
      if (bare[open] !== "(") return true;
      for (const [start, end, tuple] of this.hostArguments(open, this.closing(open), positions)) {
        if (reaches(start, end, tuple)) return true;
      }
    }
    const visited = new Set<string>();
    let optionLines: Map<string, number[]> | undefined;
    while (pending.length > 0) {
      const { word, tuple } = pending.pop()!;
      for (const start of this.bindingsOf(word)) {
        const key = `${tuple ? "(" : ""}${start}`;
        if (visited.has(key)) continue;
        visited.add(key);
        if (reaches(start, this.valueEnd(start), tuple)) return true;
      }
      optionLines ??= this.optionLineWords();
      for (const line of optionLines.get(word.toLowerCase()) ?? []) {
        const start = this.lineStarts[line]!;
        if (visited.has(`${start}`)) continue;
        visited.add(`${start}`);
        // Any target on the line counts, as for a host (tuple or not): the test stays simple.
        if (this.linesWithTarget(isTarget).has(line)) return true;
        // The option's `default=` is an argument of the call: followed, unlike other calls'.
        this.valueWords(start, this.lineStarts[line + 1] ?? bare.length, (found) => add(found), true);
      }
    }
    return false;
  }

  /**
   * Whether a value that must be an address tuple may hold a target: a literal inside brackets of
   * the value (a tuple's first element, over-approximated by any element). Its words are added to
   * follow: outside brackets as a tuple again (`ADDR = OTHER`), inside as a host (`(HOST, PORT)`).
   */
  private tupleReaches(start: number, end: number, isTarget: (literal: string) => boolean, add: (word: string, tuple: boolean) => void): boolean {
    // A statement's value with a comma outside brackets is itself a tuple (`ADDR = "0.0.0.0", 80`):
    // what sits outside brackets there is an element, as inside a tuple's brackets.
    if (this.hasCommaOutsideBrackets(start, end)) {
      if (this.hasTargetBetween(start, end, isTarget)) return true;
      this.valueWords(start, end, (word) => add(word, false));
      return false;
    }
    if (this.hasTargetBetween(start, end, isTarget, this.bracketDepth(start))) return true;
    const depth = this.bracketDepth(start);
    this.valueWords(start, end, (word, at) => add(word, depth(at) === 0));
    return false;
  }

  private hasCommaOutsideBrackets(start: number, end: number): boolean {
    const depth = this.bracketDepth(start);
    for (let at = this.lexed.bare.indexOf(",", start); at >= 0 && at < end; at = this.lexed.bare.indexOf(",", at + 1)) {
      if (depth(at) === 0) return true;
    }
    return false;
  }

  /** A test of offsets at or after `start`, asked in increasing order: inside brackets opened at or after `start`. */
  private bracketDepth(start: number): (at: number) => number {
    const { bare } = this.lexed;
    let depth = 0;
    let scanned = start;
    return (at) => {
      for (; scanned < at; scanned++) {
        const c = bare[scanned];
        if (c === "(" || c === "[" || c === "{") depth++;
        else if (c === ")" || c === "]" || c === "}") depth--;
      }
      return depth;
    };
  }

  /**
   * The words between two offsets that may hold a value the analysis follows: not keywords, not an
   * object (`self` in `self.host`: the analysis follows the attribute), not a callee (a call's
   * result is never followed, except the environment lookups whose arguments are words here too),
   * and not a name being bound or a keyword argument's name (`x =`, `host=`, `x:`).
   */
  private valueWords(start: number, end: number, add: (word: string, at: number) => void, intoCalls = false): void {
    const { bare } = this.lexed;
    const hidden = intoCalls ? () => false : this.insideOpaqueCall(start);
    WORD.lastIndex = start;
    for (let match = WORD.exec(bare); match && match.index < end; match = WORD.exec(bare)) {
      if (hidden(match.index)) continue;
      const next = nextToken(bare, match.index + match[0].length);
      const c = bare[next];
      if (c === "." || c === "(" || c === ":" || (c === "=" && bare[next + 1] !== "=")) continue;
      add(match[0], match.index);
    }
  }

  /** Whether `test` accepts the arguments of the call whose `(` is at `open`; yes when unsure. */
  argumentsMay(open: number, test: (args: WrittenArguments) => boolean): boolean {
    const { bare } = this.lexed;
    if (bare[open] !== "(") return true;
    const { positional, keywords, unpacked } = this.splitArguments(open, this.closing(open));
    const text = ([start, end]: [number, number]): string => bare.slice(start, end);
    const { text: written } = this.lexed;
    return test({
      positional: positional.map(text),
      keywords: new Map([...keywords].map(([name, range]) => [name, text(range)])),
      unpacked,
      // The logical lines cost a pass over the whole text: asked for only where the pattern is
      // somewhere in it (most files never name Flask-SocketIO's receiver).
      beforeMatches: (pattern) => this.mentions(pattern) && pattern.test(written.slice(this.lineStarts[this.lineAt(open, 0)]!, open)),
    });
  }

  /** Whether a pattern matches somewhere in the text as written, once per pattern. */
  private mentions(pattern: RegExp): boolean {
    let found = this.mentioned.get(pattern);
    if (found === undefined) this.mentioned.set(pattern, (found = pattern.test(this.lexed.text)));
    return found;
  }

  /**
   * The ranges of a call's arguments that sit in one of `positions`, as `argumentAt` picks them:
   * a keyword's value if that keyword is given, else the positional argument at the index, where
   * positions are counted up to the first `*args`. All of them when `positions` is empty.
   */
  private hostArguments(open: number, close: number, positions: readonly HostPosition[]): Array<[number, number, boolean]> {
    if (positions.length === 0) return [[open + 1, close, false]];
    const { positional, keywords } = this.splitArguments(open, close);
    const chosen: Array<[number, number, boolean]> = [];
    for (const { index, keyword, tuple } of positions) {
      const range = (keyword !== undefined ? keywords.get(keyword) : undefined) ?? (index !== undefined ? positional[index] : undefined);
      if (range) chosen.push([range[0], range[1], tuple === true]);
    }
    return chosen;
  }

  /** A call's arguments at top level: the positional ones up to the first `*args`, and the keywords' values. */
  private splitArguments(open: number, close: number): { positional: Array<[number, number]>; keywords: Map<string, [number, number]>; unpacked: boolean } {
    const { bare } = this.lexed;
    const positional: Array<[number, number]> = [];
    const keywords = new Map<string, [number, number]>();
    let unpacked = false;
    let splatSeen = false;
    let depth = 0;
    let start = open + 1;
    for (let at = open + 1; at <= close; at++) {
      const c = bare[at];
      if (at < close && (c === "(" || c === "[" || c === "{")) depth++;
      else if (at < close && (c === ")" || c === "]" || c === "}")) depth--;
      else if (at === close || (c === "," && depth === 0)) {
        const piece = bare.slice(start, at);
        const keyword = KEYWORD_ARGUMENT.exec(piece);
        const first = piece.trimStart()[0];
        if (keyword) keywords.set(keyword[1]!, [start + keyword[0].length, at]);
        else if (first === "*" && piece.trimStart()[1] !== "*") splatSeen = true;
        else if (first !== undefined && first !== "*" && !splatSeen) positional.push([start, at]);
        if (first === "*") unpacked = true;
        start = at + 1;
      }
    }
    return { positional, keywords, unpacked };
  }

  /**
   * Splits the bare text into logical lines: one pass over the whole text, made only when needed.
   * A loop over character codes: a regular expression stopping at every bracket, line break, `=`
   * and `:` pays more per stop than this pays per character.
   */
  private scanLines(): LogicalLines {
    const { bare } = this.lexed;
    const starts = [0];
    const assignments = [-1];
    const topLevelOperators = new Set<number>();
    let depth = 0;
    for (let at = 0; at < bare.length; at++) {
      switch (bare.charCodeAt(at)) {
        case 0x28: // (
        case 0x5b: // [
        case 0x7b: // {
          depth++;
          break;
        case 0x29: // )
        case 0x5d: // ]
        case 0x7d: // }
          if (depth > 0) depth--;
          break;
        case 0x5c: // A continuation's backslash joins the next physical line: skip its line break.
          if (bare.startsWith("\r\n", at + 1)) at += 2;
          else if (bare[at + 1] === "\n" || bare[at + 1] === "\r") at += 1;
          break;
        case 0x0d: // \r
        case 0x0a: // \n
          if (depth === 0) {
            starts.push(at + 1);
            assignments.push(-1);
          }
          break;
        case 0x3a: // :
          if (depth === 0) topLevelOperators.add(at);
          break;
        case 0x3d: {
          // `=`
          if (depth !== 0) break;
          topLevelOperators.add(at);
          const line = assignments.length - 1;
          if (assignments[line] === -1 && !OPERATOR_BEFORE_EQUALS.has(bare[at - 1]!) && bare[at + 1] !== "=") assignments[line] = at;
          break;
        }
      }
    }
    return { starts, topLevelOperators, assignments };
  }

  /** The offset of the `)` closing the `(` at `open` (brackets pair as a stack), or the text's length. */
  private closing(open: number): number {
    const known = this.closings.get(open);
    if (known !== undefined) return known;
    const { bare } = this.lexed;
    let close = bare.length;
    BRACKET.lastIndex = open + 1;
    for (let depth = 0, match = BRACKET.exec(bare); match; match = BRACKET.exec(bare)) {
      const c = match[0];
      if (c === "(" || c === "[" || c === "{") depth++;
      else if (depth-- === 0) {
        close = match.index;
        break;
      }
    }
    this.closings.set(open, close);
    return close;
  }

  /**
   * Where the values `word` may be bound to start: past its own `=` or `:` (`HOST = ...`, `host:
   * str = ...`, `host=...` as a keyword or default), and, where it stands before its line's
   * top-level `=` and is not an object (`self` in `self.x =`) or subscripted (`env` in `env["X"]
   * =`), past that `=` (`HOST, PORT = "", 80`). Found by searching for the word itself: a file's
   * calls lead to a few words, and one search each costs less than indexing every binding.
   */
  private bindingsOf(word: string): number[] {
    const known = this.bindingStarts.get(word);
    if (known) return known;
    const { bare } = this.lexed;
    const starts: number[] = [];
    for (const at of wholeWordOffsets(bare, word)) {
      const after = at + word.length;
      BINDING_OPERATOR.lastIndex = after;
      const next = nextToken(bare, after);
      if (BINDING_OPERATOR.test(bare)) starts.push(next + 1);
      const c = bare[next];
      if (c === "." || c === "[") continue;
      const equals = this.logical.assignments[this.lineAt(at, 0)]!;
      if (equals > at) starts.push(equals + 1);
    }
    this.bindingStarts.set(word, starts);
    return starts;
  }

  /**
   * Where a value starting at `start` ends: at the end of its logical line after a statement's own
   * `=` or `:`; else (a keyword argument, a default, a dict entry) at a comma or closing bracket
   * outside the brackets it opens.
   */
  private valueEnd(start: number): number {
    const { bare } = this.lexed;
    const lineEnd = this.lineStarts[this.lineAt(start, 0) + 1] ?? bare.length;
    // After a statement's own `=` or `:` a comma makes a tuple: `PORT, HOST = 8000, ""`.
    if (this.logical.topLevelOperators.has(start - 1)) return lineEnd;
    let depth = 0;
    for (let at = start; at < lineEnd; at++) {
      const c = bare[at];
      if (c === "(" || c === "[" || c === "{") depth++;
      else if (c === ")" || c === "]" || c === "}") {
        if (depth === 0) return at;
        depth--;
      } else if (c === "," && depth === 0) return at;
    }
    return lineEnd;
  }

  /**
   * Word, lower-cased → lines of `add_argument`/`option`/`argument` calls whose string literals name
   * it. Lower-cased because click lower-cases the parameter names it derives (`--HOST` is `host`);
   * Python's own names, and so bindings, are matched as written.
   */
  private optionLineWords(): Map<string, number[]> {
    const { bare, strings, stringStarts } = this.lexed;
    const found = new Map<string, number[]>();
    // Most files name no option at all: one search each spares them a test per line with a string.
    if (!bare.includes("option") && !bare.includes("argument")) return found;
    const isOptionLine = new Map<number, boolean>();
    let line = 0;
    for (let i = 0; i < strings.length; i++) {
      line = this.lineAt(stringStarts[i]!, line);
      let option = isOptionLine.get(line);
      if (option === undefined) {
        option = OPTION_CALL.test(bare.slice(this.lineStarts[line]!, this.lineStarts[line + 1] ?? bare.length));
        isOptionLine.set(line, option);
      }
      if (!option) continue;
      // `--bind-host` is the dest `bind_host`: dashes between word characters become underscores.
      const text = strings[i]!.replace(/(?<=[\w\u0080-\uffff])-(?=[\w\u0080-\uffff])/g, "_");
      // (Not `matchAll`: it would start at the shared pattern's last index.)
      WORD.lastIndex = 0;
      for (let match = WORD.exec(text); match; match = WORD.exec(text)) {
        const key = match[0].toLowerCase();
        const lines = found.get(key);
        if (!lines) found.set(key, [line]);
        else if (lines[lines.length - 1] !== line) lines.push(line);
      }
    }
    return found;
  }

  private linesWithTarget(isTarget: (literal: string) => boolean): Set<number> {
    let lines = this.targetLines.get(isTarget);
    if (lines) return lines;
    lines = new Set<number>();
    let line = 0;
    this.lexed.strings.forEach((literal, i) => {
      if (!isTarget(literal)) return;
      line = this.lineAt(this.lexed.stringStarts[i]!, line);
      lines!.add(line);
    });
    this.targetLines.set(isTarget, lines);
    return lines;
  }

  /**
   * A target literal between two offsets that is neither a dict key nor inside an opaque call there
   * (and, given `depth`, inside brackets: see `tupleReaches`).
   */
  private hasTargetBetween(start: number, end: number, isTarget: (literal: string) => boolean, depth?: (at: number) => number): boolean {
    const { strings, stringStarts } = this.lexed;
    const hidden = this.insideOpaqueCall(start);
    for (let i = firstAtOrAfter(stringStarts, start); i < stringStarts.length && stringStarts[i]! < end; i++) {
      const at = stringStarts[i]!;
      // The depth is asked of every literal, in order, so its scan moves forward once.
      if (depth && depth(at) <= 0) continue;
      if (!isTarget(strings[i]!) || hidden(at) || this.isDictKey(at, strings[i]!.length)) continue;
      return true;
    }
    return false;
  }

  /** A literal after `{` or `,` and before `:`: a dict display's key (a lambda's default follows `=`). */
  private isDictKey(at: number, length: number): boolean {
    const { bare } = this.lexed;
    if (bare[nextToken(bare, at + length)] !== ":") return false;
    let before = at - 1;
    while (before >= 0 && /[\s\\]/.test(bare[before]!)) before--;
    return bare[before] === "{" || bare[before] === ",";
  }

  /**
   * True for the `(` of a call whose result the analysis never follows into its arguments: a name,
   * or a `)` or `]`, before it (not a keyword: `in (...)` is no call), and not an environment
   * lookup or a typer option, whose default argument is followed.
   */
  private isOpaqueCall(open: number): boolean {
    const { bare } = this.lexed;
    let before = open - 1;
    while (before >= 0 && isGap(bare.charCodeAt(before))) before--;
    const c = bare[before];
    if (c === ")" || c === "]") return true;
    if (c === undefined || !isNameCode(bare.charCodeAt(before))) return false;
    let start = before;
    while (start > 0 && isNameCode(bare.charCodeAt(start - 1))) start--;
    const callee = bare.slice(start, before + 1);
    if (KEYWORDS.has(callee) || /^\d/.test(callee)) return false;
    if (callee === "getenv" || callee === "Option" || callee === "Argument") return false;
    return !(callee === "get" && /environ[\s\\]*\.[\s\\]*$/.test(bare.slice(Math.max(0, start - 32), start)));
  }

  /**
   * A test of offsets at or after `start`: inside the parentheses of an opaque call that opens at
   * or after `start`. Asked in increasing order of offsets (of literals and words, never of a
   * bracket), it reads the brackets between once.
   */
  private insideOpaqueCall(start: number): (at: number) => boolean {
    const { bare } = this.lexed;
    /** The brackets opened since `start` and not yet closed: whether each is an opaque call's. */
    const open: boolean[] = [];
    let opaqueOpen = 0;
    let scanned = start;
    return (at) => {
      BRACKET.lastIndex = scanned;
      for (let match = BRACKET.exec(bare); match && match.index < at; match = BRACKET.exec(bare)) {
        const c = match[0];
        if (c === "(" || c === "[" || c === "{") {
          const opaque = c === "(" && this.isOpaqueCall(match.index);
          open.push(opaque);
          if (opaque) opaqueOpen++;
        } else if (open.length > 0 && open.pop()) {
          opaqueOpen--;
        }
      }
      scanned = Math.max(scanned, at);
      return opaqueOpen > 0;
    };
  }

  /** The line holding `offset`; `from` is a line at or before it (offsets are asked in order). */
  private lineAt(offset: number, from: number): number {
    const starts = this.lineStarts;
    return lastAtOrBefore(starts, offset, offset < (starts[from] ?? 0) ? 0 : from);
  }
}

/** The offset of the first character at or after `at` that is not a space, a line break or a continuation. */
function nextToken(bare: string, at: number): number {
  let i = at;
  for (let c = bare[i]; c === " " || c === "\t" || c === "\f" || c === "\r" || c === "\n" || c === "\\"; c = bare[++i]);
  return i;
}
