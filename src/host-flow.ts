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
/**
 * How many followed words are searched for one by one in the whole text; past them, every word is
 * indexed in one pass (a value naming thousands of words would otherwise cost a search each).
 */
const WORDS_SEARCHED = 16;
/**
 * How much text the values reached through names may add up to, per character of the text, before
 * the answer is "maybe": those values overlap only in chains (`a = b = c = ""`, each running to
 * the line's end), which real code keeps short.
 */
const VALUE_TEXT_PER_CHARACTER = 8;
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
   * Whether `pattern` (not global or sticky, and looking no further than its match's end: no
   * lookahead, no `$`) matches the call's logical line up to its `(`, as written (strings and
   * comments too): its callee and receiver are in it.
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
 *
 * Each step reads a value once, stepping over the brackets already paired and the calls it need
 * not read, so that no text makes the test slower than linear: nested or unclosed calls
 * (`f(f(f(...`), values naming thousands of words, thousands of calls on one logical line.
 */
export class HostFlow {
  private lines?: LogicalLines;
  /** Per opener paired so far: the offset of its closer, or the text's length when it is never closed. */
  private readonly closings = new Map<number, number>();
  /** Word → where its values start (`bindingsOf`), per word followed. */
  private readonly bindingStarts = new Map<string, number[]>();
  /** How many words `wordOffsets` searched for one by one. */
  private wordsSearched = 0;
  /** Every word of the bare text → where it stands, once `WORDS_SEARCHED` words were searched for. */
  private words?: Map<string, number[]>;
  /** Per pattern asked about by `beforeMatches`: whether it matches anywhere in the text. */
  private readonly mentioned = new Map<RegExp, boolean>();
  /** Per pattern asked about by `beforeMatches`, per logical line: where its first match there starts and ends, or null. */
  private readonly lineMatches = new Map<RegExp, Map<number, [number, number] | null>>();
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
    let valueText = VALUE_TEXT_PER_CHARACTER * bare.length;
    while (pending.length > 0) {
      const { word, tuple } = pending.pop()!;
      for (const start of this.bindingsOf(word)) {
        const key = `${tuple ? "(" : ""}${start}`;
        if (visited.has(key)) continue;
        visited.add(key);
        const end = this.valueEnd(start);
        valueText -= end - start;
        if (valueText < 0 || reaches(start, end, tuple)) return true;
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
    if (this.hasTargetBetween(start, end, isTarget, true)) return true;
    this.valueWords(start, end, (word, depth) => add(word, depth === 0));
    return false;
  }

  /** Whether a comma stands between two offsets at depth 0 (see `walk`): outside the brackets opened there. */
  private hasCommaOutsideBrackets(start: number, end: number): boolean {
    const { bare } = this.lexed;
    // Inside brackets opened at depth 0 or deeper, no comma is at depth 0: they are stepped over.
    return this.walk(start, end, (_, depth) => depth >= 0, (from, to, depth) => depth === 0 && indexBetween(bare, 0x2c, from, to) >= 0);
  }

  /**
   * Visits the stretches of text between the brackets from `start` to `end`, in order, until
   * `visit` returns true (then so does this), with the depth there: the brackets opened since
   * `start` and still open, less the stray closers. An opener `skip` accepts is stepped over with
   * all it holds; when its closer is at or past `end` (or missing), the walk ends there.
   */
  private walk(start: number, end: number, skip: (open: number, depth: number) => boolean, visit: (from: number, to: number, depth: number) => boolean): boolean {
    const { bare } = this.lexed;
    let depth = 0;
    let from = start;
    // Read by hand: a search for the next bracket would run past `end`.
    for (let at = start; at < end; at++) {
      const c = bare.charCodeAt(at);
      const opens = c === 0x28 || c === 0x5b || c === 0x7b;
      if (!opens && !isCloser(c)) continue;
      if (visit(from, at, depth)) return true;
      if (!opens) depth--;
      else if (!skip(at, depth)) depth++;
      else {
        at = this.closing(at);
        if (at >= end) return false;
      }
      from = at + 1;
    }
    return visit(from, end, depth);
  }

  /**
   * The words between two offsets that may hold a value the analysis follows: not keywords, not an
   * object (`self` in `self.host`: the analysis follows the attribute), not a callee (a call's
   * result is never followed, except the environment lookups whose arguments are words here too),
   * and not a name being bound or a keyword argument's name (`x =`, `host=`, `x:`). Each is given
   * with its depth in the brackets opened since `start` (see `walk`).
   */
  private valueWords(start: number, end: number, add: (word: string, depth: number) => void, intoCalls = false): void {
    const { bare } = this.lexed;
    const visit = (from: number, to: number, depth: number): boolean => {
      forEachNameRun(bare, from, to, (at, wordEnd) => {
        // A name starts with no name character before it, and not with a digit.
        const code = bare.charCodeAt(at);
        if ((code < 48 || code > 57) && (at === 0 || !isNameCode(bare.charCodeAt(at - 1)))) {
          const next = nextToken(bare, wordEnd);
          const c = bare[next];
          if (!(c === "." || c === "(" || c === ":" || (c === "=" && bare[next + 1] !== "="))) add(bare.slice(at, wordEnd), depth);
        }
      });
      return false;
    };
    if (intoCalls) visit(start, end, 0);
    else this.walk(start, end, (open) => this.isOpaqueCall(open), visit);
  }

  /** Whether `test` accepts the arguments of the call whose `(` is at `open`; yes when unsure. */
  argumentsMay(open: number, test: (args: WrittenArguments) => boolean): boolean {
    const { bare } = this.lexed;
    if (bare[open] !== "(") return true;
    const { positional, keywords, unpacked } = this.splitArguments(open, this.closing(open));
    const text = ([start, end]: [number, number]): string => bare.slice(start, end);
    return test({
      positional: positional.map(text),
      keywords: new Map([...keywords].map(([name, range]) => [name, text(range)])),
      unpacked,
      // The logical lines cost a pass over the whole text: asked for only where the pattern is
      // somewhere in it (most files never name Flask-SocketIO's receiver).
      beforeMatches: (pattern) => this.mentions(pattern) && this.matchesBefore(pattern, open),
    });
  }

  /**
   * Whether `pattern` matches the logical line holding `open` up to it, as written. Each line is
   * searched once per pattern, not once per call on it: a match there before `open` is one in the
   * text up to `open`, as the pattern looks no further than its match's end.
   */
  private matchesBefore(pattern: RegExp, open: number): boolean {
    const { text } = this.lexed;
    const line = this.lineAt(open, 0);
    const start = this.lineStarts[line]!;
    let byLine = this.lineMatches.get(pattern);
    if (!byLine) this.lineMatches.set(pattern, (byLine = new Map()));
    let first = byLine.get(line);
    if (first === undefined) {
      const match = pattern.exec(text.slice(start, this.lineStarts[line + 1] ?? text.length));
      first = match ? [start + match.index, start + match.index + match[0].length] : null;
      byLine.set(line, first);
    }
    // No match starts before the line's first one.
    if (first === null || first[0] > open) return false;
    if (first[1] <= open) return true;
    // The first match runs past `open`: a shorter one may end before it.
    return pattern.test(text.slice(start, open));
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
    let start = open + 1;
    const argumentEnds = (at: number): void => {
      const piece = bare.slice(start, at);
      const keyword = KEYWORD_ARGUMENT.exec(piece);
      const first = piece.trimStart()[0];
      if (keyword) keywords.set(keyword[1]!, [start + keyword[0].length, at]);
      else if (first === "*" && piece.trimStart()[1] !== "*") splatSeen = true;
      else if (first !== undefined && first !== "*" && !splatSeen) positional.push([start, at]);
      if (first === "*") unpacked = true;
      start = at + 1;
    };
    // The arguments' own brackets are stepped over: only commas outside them split.
    this.walk(open + 1, close, () => true, (from, to) => {
      for (let at = indexBetween(bare, 0x2c, from, to); at >= 0; at = indexBetween(bare, 0x2c, at + 1, to)) argumentEnds(at);
      return false;
    });
    argumentEnds(close);
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

  /**
   * The offset of the closer of the opener at `open`, or the text's length when it is never
   * closed: brackets pair as a stack, whatever their kinds. The openers met on the way are paired
   * too, and stepped over once paired: nested or unclosed calls are read once, not once per call
   * around them.
   */
  private closing(open: number): number {
    const known = this.closings.get(open);
    if (known !== undefined) return known;
    const { bare } = this.lexed;
    const unpaired = [open];
    BRACKET.lastIndex = open + 1;
    for (let match = BRACKET.exec(bare); match; match = BRACKET.exec(bare)) {
      const c = match[0];
      if (c === "(" || c === "[" || c === "{") {
        const close = this.closings.get(match.index);
        if (close === undefined) unpaired.push(match.index);
        // Stepped over once paired; never closed, it ends the search: nor is any opener around it.
        else BRACKET.lastIndex = close + 1;
      } else {
        this.closings.set(unpaired.pop()!, match.index);
        if (unpaired.length === 0) return match.index;
      }
    }
    for (const opener of unpaired) this.closings.set(opener, bare.length);
    return bare.length;
  }

  /**
   * Where the values `word` may be bound to start: past its own `=` or `:` (`HOST = ...`, `host:
   * str = ...`, `host=...` as a keyword or default), and, where it stands before its line's
   * top-level `=` and is not an object (`self` in `self.x =`) or subscripted (`env` in `env["X"]
   * =`), past that `=` (`HOST, PORT = "", 80`). Found where the word itself stands (`wordOffsets`).
   */
  private bindingsOf(word: string): number[] {
    const known = this.bindingStarts.get(word);
    if (known) return known;
    const { bare } = this.lexed;
    const starts: number[] = [];
    for (const at of this.wordOffsets(word)) {
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
   * Where `word` stands whole in the bare text. A file's calls lead to a few words, and a search
   * each costs less than indexing every word; past `WORDS_SEARCHED` of them, the index costs less.
   */
  private wordOffsets(word: string): number[] {
    const { bare } = this.lexed;
    if (this.wordsSearched < WORDS_SEARCHED) {
      this.wordsSearched++;
      return wholeWordOffsets(bare, word);
    }
    if (!this.words) {
      const words = new Map<string, number[]>();
      forEachNameRun(bare, 0, bare.length, (at, end) => {
        const found = bare.slice(at, end);
        const offsets = words.get(found);
        if (offsets) offsets.push(at);
        else words.set(found, [at]);
      });
      this.words = words;
    }
    return this.words.get(word) ?? [];
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
    let end = lineEnd;
    // The brackets the value opens are stepped over: a closer met is one it did not open, and ends it.
    const ended = this.walk(start, lineEnd, () => true, (from, to) => {
      const comma = indexBetween(bare, 0x2c, from, to);
      end = comma >= 0 ? comma : to;
      return comma >= 0 || (to < lineEnd && isCloser(bare.charCodeAt(to)));
    });
    return ended ? end : lineEnd;
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
   * A target literal between two offsets that is neither a dict key nor inside an opaque call
   * opened there (and, if `inBrackets`, inside brackets opened there: see `tupleReaches`).
   */
  private hasTargetBetween(start: number, end: number, isTarget: (literal: string) => boolean, inBrackets = false): boolean {
    const { strings, stringStarts } = this.lexed;
    return this.walk(
      start,
      end,
      (open) => this.isOpaqueCall(open),
      (from, to, depth) => {
        if (inBrackets && depth <= 0) return false;
        for (let i = firstAtOrAfter(stringStarts, from); i < stringStarts.length && stringStarts[i]! < to; i++) {
          if (isTarget(strings[i]!) && !this.isDictKey(stringStarts[i]!, strings[i]!.length)) return true;
        }
        return false;
      },
    );
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
    if (bare[open] !== "(") return false;
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

  /** The line holding `offset`; `from` is a line at or before it (offsets are asked in order). */
  private lineAt(offset: number, from: number): number {
    const starts = this.lineStarts;
    return lastAtOrBefore(starts, offset, offset < (starts[from] ?? 0) ? 0 : from);
  }
}

/**
 * Each run of name characters starting from `from` up to `to` (a run may end past `to`), as its
 * start and end. Read by hand: a search for the next word would run past `to`.
 */
function forEachNameRun(text: string, from: number, to: number, visit: (start: number, end: number) => void): void {
  for (let at = from; at < to; ) {
    if (!isNameCode(text.charCodeAt(at))) {
      at++;
      continue;
    }
    let end = at + 1;
    while (isNameCode(text.charCodeAt(end))) end++;
    visit(at, end);
    at = end;
  }
}

/** `)`, `]` or `}`, by character code. */
function isCloser(code: number): boolean {
  return code === 0x29 || code === 0x5d || code === 0x7d;
}

/** The offset of the first `code` in `text` from `from` up to `to`, or -1: read by hand, where `indexOf` would search on past `to`. */
function indexBetween(text: string, code: number, from: number, to: number): number {
  for (let at = from; at < to; at++) if (text.charCodeAt(at) === code) return at;
  return -1;
}

/** The offset of the first character at or after `at` that is not a space, a line break or a continuation. */
function nextToken(bare: string, at: number): number {
  let i = at;
  for (let c = bare[i]; c === " " || c === "\t" || c === "\f" || c === "\r" || c === "\n" || c === "\\"; c = bare[++i]);
  return i;
}
