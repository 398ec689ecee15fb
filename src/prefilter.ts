// The prefilter: a cheap, sound test of a file's text that lets the engine skip parsing files no
// transform can match. For the catalogues (`callTransform`) it reads three views, each only for the
// files that pass the one before: the raw text, the text as Python's lexer sees it, and how its
// literals may flow into the calls' host positions (`HostFlow`); gunicorn and CherryPy use its
// literal and flow tests too. The fixtures, the property tests and `npm run prefilter-check` hold
// it to never hiding a finding.
import type { BindingApi } from "./transform.js";
import { isTargetValue, parseHostPort } from "./analysis/syntax.js";
import { TokenLookup, tokenFollows } from "./analysis/locate.js";
import { CallScanner, isDefinedName, type CallScan } from "./call-scan.js";
import { IDENTIFIER, isGap, isNameCode, lexPython, NAME_START, wholeWordOffsets, type LexedSource } from "./python-lexer.js";
import { HostFlow, type HostPosition } from "./host-flow.js";
import { appendAll } from "./append.js";

/**
 * A prefilter needle: text every target literal contains (SPEC §1), and every `"host:port"` string
 * whose host is `0.0.0.0` or a bracketed IPv6 spelling. Written as tokens are: `::` only after a
 * quote or `[` (so slices `a[::2]` do not count), an empty string only where its quotes touch no
 * other quote (so `"""docstrings"""` do not count: an empty literal next to another quote would be
 * an implicit concatenation, which is never a host).
 */
const TARGET_TEXT = /0\.0\.0\.0|0:0:0:0:0:0:0:0|["'[]::|["']0["':]|(?<!["'])(?:""|'')(?!["'])|""""""|''''''/;

/** An empty or `0` host before a port (`":8000"`, `f":{port}"`, `"0:8000"`), for `hostPort` positions. */
const EMPTY_HOST_TEXT = /["']0?:/;

/** What a view counts as a target: for a host position, and for a `"host:port"` position. */
interface LiteralTests {
  target: (text: string) => boolean;
  hostPort: (text: string) => boolean;
}

/** On raw text: somewhere in it, the text a target literal is written with. */
const RAW_TESTS: LiteralTests = {
  target: (text) => TARGET_TEXT.test(text),
  hostPort: (text) => EMPTY_HOST_TEXT.test(text),
};

/**
 * On one literal, quotes included, as the analysis reads it (`targetValue`, `parseHostPort`): its
 * whole value is an all-interfaces address, or a `"host:port"` (or `"host:%d"`, `f"host:{port}"`)
 * whose host is one. A docstring that mentions 0.0.0.0 is neither.
 */
const LITERAL_TESTS: LiteralTests = {
  target: (literal) => isTargetValue(literalBody(literal)),
  hostPort: (literal) => parseHostPort(literalBody(literal)) !== undefined,
};

/** The text between a literal's quotes: `'''x'''` gives `x`. */
function literalBody(literal: string): string {
  const triple = literal.length >= 6 && (literal.startsWith('"""') || literal.startsWith("'''"));
  return triple ? literal.slice(3, -3) : literal.slice(1, -1);
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * For transforms outside the catalogues (gunicorn, CherryPy): whether the text holds a string
 * literal the analysis may read as a host (`"target"`) or as a `"host:port"` (`"hostPort"`),
 * judged on the raw text first and then on its literals. `also` is a cheap test of the transform's
 * own, asked between the two: the raw answer is shared with the other transforms, the lexed one
 * costs a lexing pass.
 */
export function mayHoldHostLiteral(text: string, kind: keyof LiteralTests, also: (text: string) => boolean = () => true): boolean {
  const facts = textFacts(text);
  const holds = (view: ScanFacts): boolean => (kind === "target" ? view.target : view.target || view.emptyHost);
  return holds(facts.raw) && also(text) && holds(facts.lexed);
}

/**
 * For transforms outside the catalogues: whether a literal `mayHoldHostLiteral` accepts may be a
 * value of the name (gunicorn's `bind = ...`), through the names it is bound to in turn.
 */
export function mayReachName(text: string, name: string, kind: keyof LiteralTests): boolean {
  const flow = textFacts(text).flow;
  return !flow || flow.mayReach([], [], LITERAL_TESTS[kind], [name]);
}

/** How the prefilter can find calls of a callee: its possible names, whole or as a name's suffix. */
interface CalleeText {
  names: string[];
  /** `/Server$/`: any name ending so (`WSGIServer`), so the text is matched without a word boundary. */
  suffix: boolean;
}

/**
 * The names a callee pattern stands for: a plain name, `/^(a|b)$/`, `/^pre(a|b)post$/`, or a
 * suffix `/Server$/`; undefined for other patterns. Names must be ASCII, as the call scan reads them (src/call-scan.ts).
 */
export function calleeText(callee: BindingApi["callee"]): CalleeText | undefined {
  let found: CalleeText | undefined;
  if (typeof callee === "string") {
    found = { names: [callee], suffix: false };
  } else if (typeof callee !== "function" && callee.flags.replace(/[gsuyd]/g, "") === "") {
    const whole = /^\^([A-Za-z0-9_]*)(?:\((?:\?:)?([A-Za-z0-9_|]+)\))?([A-Za-z0-9_]*)\$$/.exec(callee.source);
    const suffix = /^([A-Za-z0-9_]+)\$$/.exec(callee.source);
    if (whole) found = { names: (whole[2] ?? "").split("|").map((middle) => whole[1]! + middle + whole[3]!), suffix: false };
    else if (suffix) found = { names: [suffix[1]!], suffix: true };
  }
  return found && found.names.every((name) => NAME.test(name)) ? found : undefined;
}

/** Every callee name of every catalogue, for the one text scan per file that all of them share. */
const catalogueNames = { whole: new Set<string>(), suffixes: new Set<string>(), version: 0 };

/** What a prefilter reads of one text: target literals, empty hosts, callee names written as calls. */
class ScanFacts {
  private targetFound?: boolean;
  private emptyHostFound?: boolean;
  private calls?: CallScan;

  /**
   * @param strings the texts that may hold a target literal: the whole text, or its string literals
   * @param code the text in which calls may be written: the whole text, or it with strings blanked
   */
  constructor(
    private readonly strings: readonly string[],
    private readonly code: string,
    readonly tests: LiteralTests,
  ) {}

  get target(): boolean {
    return (this.targetFound ??= this.strings.some(this.tests.target));
  }

  get emptyHost(): boolean {
    return (this.emptyHostFound ??= this.strings.some(this.tests.hostPort));
  }

  /** Names written as calls (or renamed by an import): `run` for a whole name, `*Server` for a suffix. */
  get called(): Set<string> {
    return (this.calls ??= callScanner().scan(this.code)).called;
  }

  /**
   * Where calls of the classes defined here that may descend from a base whose name ends in
   * `suffix` open their arguments (see `subclassNames`).
   */
  localSubclassOpenings(suffix: string): number[] {
    const text = this.code;
    const names = subclassNames(text, suffix);
    if (names.size === 0) return [];
    const openings: number[] = [];
    const tokens = new TokenLookup(text);
    // One pass over the text's names, each looked up, finds the openings in order: a search per
    // class name read the whole text once per class (seconds for a few thousand classes).
    NAME_TOKEN.lastIndex = 0;
    for (let name = NAME_TOKEN.exec(text); name; name = NAME_TOKEN.exec(text)) {
      if (!names.has(name[0])) continue;
      const next = tokens.tokenAfter(NAME_TOKEN.lastIndex);
      if (next >= 0 && text[next] === "(" && !isDefinedName(text, name.index)) openings.push(next);
    }
    return openings;
  }

  /**
   * The openings of `openings(keys)` whose callee is a method of an object that is not an imported
   * module (`app.run(`, not `run(` nor `subprocess.run(`): the only calls an API with `modules: []`
   * can match. `modules` are the names `import` statements bind, as the analysis reads them.
   */
  objectCallOpenings(keys: readonly string[], modules: ReadonlySet<string>): number[] | undefined {
    const all = this.openings(keys);
    return all?.filter((open) => {
      const root = receiverRoot(this.code, this.calls!.calleeStarts.get(open)!);
      return root !== null && !modules.has(root);
    });
  }

  /** Where the calls of these names open their arguments; undefined when a name is renamed by an import. */
  openings(keys: readonly string[]): number[] | undefined {
    const called = this.called;
    const { renamed, openings } = this.calls!;
    const found: number[] = [];
    for (const key of keys) {
      if (!called.has(key)) continue;
      if (renamed.has(key)) return undefined;
      appendAll(found, openings.get(key) ?? []);
    }
    return found;
  }
}

/**
 * What the catalogues' prefilters read from one file, each computed at most once for all of them,
 * in two views: the raw text (a quick scan every file gets), then, for the few files that pass it,
 * the text as Python's lexer sees it, where only real string literals can be targets and only code
 * can call. The engine asks every transform about the same text in a row, so only the last file's
 * facts are kept.
 */
class TextFacts {
  readonly raw: ScanFacts;
  private lexedFacts?: ScanFacts;
  private lexedSource?: LexedSource;
  private hostFlow?: HostFlow;
  private modules?: Set<string>;

  constructor(
    readonly text: string,
    readonly version: number,
  ) {
    this.raw = new ScanFacts([text], text, RAW_TESTS);
  }

  /** The lexed view; the raw one again when a string never ends (the parser must judge that file). */
  get lexed(): ScanFacts {
    if (this.lexedFacts) return this.lexedFacts;
    this.lexedSource = lexPython(this.text);
    return (this.lexedFacts = this.lexedSource ? new ScanFacts(this.lexedSource.strings, this.lexedSource.code, LITERAL_TESTS) : this.raw);
  }

  /** The names plain `import` statements bind (`import a.b` binds `a`, `import a as b` binds `b`). */
  get importedModules(): Set<string> {
    if (this.modules) return this.modules;
    const modules = new Set<string>();
    const bare = this.lexedSource?.bare ?? "";
    IMPORT_KEYWORD.lastIndex = 0;
    for (let match = IMPORT_KEYWORD.exec(bare); match; match = IMPORT_KEYWORD.exec(bare)) {
      // The list is read only after a statement's keyword: read after every `import`, the rest of
      // a line that repeats the word (`reimport or reimport ...`) was read once per word.
      if (!startsStatement(bare, match.index)) continue;
      IMPORT_LIST.lastIndex = IMPORT_KEYWORD.lastIndex;
      const list = IMPORT_LIST.exec(bare)![0];
      IMPORT_KEYWORD.lastIndex = IMPORT_LIST.lastIndex;
      for (const item of list.split(",")) {
        const alias = IMPORT_ALIAS.exec(item);
        const top = IMPORT_TOP.exec(item);
        if (alias) modules.add(alias[1]!);
        else if (top) modules.add(top[1]!);
      }
    }
    return (this.modules = modules);
  }

  /** How literals may flow to calls in the lexed text; undefined when it could not be lexed. */
  get flow(): HostFlow | undefined {
    if (this.hostFlow) return this.hostFlow;
    if (this.lexed === this.raw || !this.lexedSource) return undefined;
    return (this.hostFlow = new HostFlow(this.lexedSource));
  }
}

/**
 * A plain `import` statement's keyword, where `startsStatement`, then the names it lists (a
 * continued line's further names are not read: they are then taken for objects, which only keeps
 * more calls). The keyword is searched for as it is, and what comes before it checked by hand: a
 * pattern that starts with a literal is searched for far faster than one tried at every offset.
 */
const IMPORT_KEYWORD = /import[ \t]+/g;
const IMPORT_LIST = /[^\r\n;#\\]*/y;

/** True when only spaces and tabs stand between `at` and the text's start, a line break, `;` or a compound statement's `:`. */
function startsStatement(code: string, at: number): boolean {
  let before = at - 1;
  while (before >= 0 && (code[before] === " " || code[before] === "\t")) before--;
  const c = code[before];
  return c === undefined || c === "\r" || c === "\n" || c === ";" || c === ":";
}
/** In one item of an import's list: the alias (`as b`), else the top module (`a` of `a.b`). */
const IMPORT_ALIAS = new RegExp(String.raw`[ \t]as[ \t]+(${IDENTIFIER})`);
const IMPORT_TOP = new RegExp(String.raw`^[ \t]*(${IDENTIFIER})`);

/**
 * The receiver of a method written at `nameStart`: its first name when it is a dotted name of
 * words (`a` in `a.b.run(`), "" when it is anything else (`f().run(`, `x[0].run(`), and null when
 * the name is not called as a method at all (`run(`).
 */
function receiverRoot(code: string, nameStart: number): string | null {
  let at = nameStart;
  // A suffix match (`Server`) starts inside its name (`WSGIServer`): from the name's start.
  while (at > 0 && isNameCode(code.charCodeAt(at - 1))) at--;
  let root: string | null = null;
  for (;;) {
    let before = at - 1;
    while (before >= 0 && isGap(code.charCodeAt(before))) before--;
    if (code[before] !== ".") return root;
    before--;
    while (before >= 0 && isGap(code.charCodeAt(before))) before--;
    let start = before + 1;
    while (start > 0 && isNameCode(code.charCodeAt(start - 1))) start--;
    if (start > before || !/[A-Za-z_\u0080-\uffff]/.test(code[start]!)) return "";
    root = code.slice(start, before + 1);
    at = start;
  }
}
const NAME_TOKEN = new RegExp(NAME_START + IDENTIFIER, "g");
/**
 * The name a `class` statement defines, and whether its bases follow. The keyword comes first and
 * is checked for a name before it afterwards: a pattern that starts with a literal is searched
 * for far faster than one that looks behind at every offset.
 */
const CLASS_HEADER = new RegExp(String.raw`class(?<![\w\u0080-\uffff]class)[\s\\]+(${IDENTIFIER})[\s\\]*(\()?`, "g");
const AS_NAME = new RegExp(String.raw`${NAME_START}as[\s\\]+(${IDENTIFIER})`, "g");

/**
 * The names imports bind `as` another (`from http.server import HTTPServer as HS` binds `HS`),
 * each import read from its keyword to the end of its statement: past a parenthesised list's
 * lines and continuations, up to a line end outside brackets or a `;`.
 */
function importAliases(code: string): Set<string> {
  const aliases = new Set<string>();
  const keywords = wholeWordOffsets(code, "import");
  for (let next = 0; next < keywords.length; ) {
    // One pass reads an import's statement and those of the imports inside it (`from m import (`
    // never closed): each read alone ran to the text's end once per import. An import's statement
    // ends where the depth falls back to the depth at its keyword, so all have ended when it falls
    // to the lowest of theirs.
    const start = keywords[next]!;
    let end = start;
    for (let depth = 0, lowest = 0; end < code.length; end++) {
      for (; next < keywords.length && keywords[next]! <= end; next++) lowest = Math.min(lowest, depth);
      const c = code[end];
      if (c === "(") depth++;
      else if (c === ")") depth--;
      else if (c === "\\") end++;
      else if ((c === "\n" || c === "\r" || c === ";") && depth <= lowest) break;
    }
    const statements = code.slice(start, end);
    AS_NAME.lastIndex = 0;
    for (let alias = AS_NAME.exec(statements); alias; alias = AS_NAME.exec(statements)) aliases.add(alias[1]!);
  }
  return aliases;
}

/** A class with bases: its name, where its `(` is, the end of its bases, the class whose bases hold it (-1: none). */
interface ClassBases {
  name: string;
  open: number;
  end: number;
  outer: number;
}

/**
 * The classes defined in `code` that may descend from a base whose name ends in `suffix`, as the
 * analysis judges by name (`serverClassNames` in transforms/shared/shapes.ts), over-approximated:
 * a base written with a name ending so, a name an import gives under an alias (`import X as Y`:
 * it may stand for one), or another such class, through any number of steps. A class's bases are
 * every name up to its `)`, or to the text's end when it never closes.
 */
function subclassNames(code: string, suffix: string): Set<string> {
  const classes: ClassBases[] = [];
  CLASS_HEADER.lastIndex = 0;
  for (let match = CLASS_HEADER.exec(code); match; match = CLASS_HEADER.exec(code)) {
    if (match[2]) classes.push({ name: match[1]!, open: CLASS_HEADER.lastIndex - 1, end: code.length, outer: -1 });
  }
  const found = new Set<string>();
  if (classes.length === 0) return found;
  endBases(code, classes);
  const aliases = importAliases(code);
  // Bases nest (`class A(` never closed holds the classes after it), and a class is found with
  // every class whose bases hold it: each name is read once, under the innermost class holding it,
  // and a class found marks those around it, up to one already marked.
  const marked = new Uint8Array(classes.length);
  const fresh: string[] = [];
  const mark = (index: number): void => {
    for (let at = index; at >= 0 && !marked[at]; at = classes[at]!.outer) {
      marked[at] = 1;
      const name = classes[at]!.name;
      if (!found.has(name)) fresh.push(name);
      found.add(name);
    }
  };
  const readers = new Map<string, number[]>();
  const holding: number[] = [];
  for (let index = 0; index < classes.length; index++) {
    const { open } = classes[index]!;
    while (holding.length > 0 && classes[holding.at(-1)!]!.end <= open) holding.pop();
    classes[index]!.outer = holding.at(-1) ?? -1;
    holding.push(index);
    const until = classes[index + 1]?.open ?? code.length;
    NAME_TOKEN.lastIndex = open + 1;
    for (let token = NAME_TOKEN.exec(code); token && token.index < until; token = NAME_TOKEN.exec(code)) {
      while (holding.length > 0 && classes[holding.at(-1)!]!.end <= token.index) holding.pop();
      if (holding.length === 0) break;
      const inner = holding.at(-1)!;
      const base = token[0];
      if (base.endsWith(suffix) || aliases.has(base)) mark(inner);
      else {
        const known = readers.get(base);
        if (known) known.push(inner);
        else readers.set(base, [inner]);
      }
    }
  }
  // The names found are a worklist: the classes reading each are marked once it is found.
  for (let i = 0; i < fresh.length; i++) for (const inner of readers.get(fresh[i]!) ?? []) mark(inner);
  return found;
}

/**
 * Sets where each class's bases end: after the `)` that closes its `(`. The brackets are paired in
 * one pass over the bases alone.
 */
function endBases(code: string, classes: ClassBases[]): void {
  // The open `(`, each as the class it opens or -1.
  const opens: number[] = [];
  let unclosed = 0;
  for (let next = 0, at = 0; next < classes.length || unclosed > 0; at++) {
    // Outside every class's bases, no bracket before the next class's `(` can pair with those after it.
    if (unclosed === 0) {
      at = classes[next]!.open;
      opens.length = 0;
    }
    if (at >= code.length) break;
    if (code[at] === "(") {
      if (classes[next]?.open !== at) opens.push(-1);
      else {
        opens.push(next++);
        unclosed++;
      }
    } else if (code[at] === ")" && opens.length > 0) {
      const closed = opens.pop()!;
      if (closed >= 0) {
        classes[closed]!.end = at + 1;
        unclosed--;
      }
    }
  }
}

let lastFacts: TextFacts | undefined;
let scanner: { version: number; scanner: CallScanner } | undefined;

function textFacts(text: string): TextFacts {
  if (lastFacts?.text !== text || lastFacts.version !== catalogueNames.version) lastFacts = new TextFacts(text, catalogueNames.version);
  return lastFacts;
}

/** The scanner of every catalogue's callee names, built anew when a catalogue adds names. */
function callScanner(): CallScanner {
  if (scanner?.version !== catalogueNames.version) scanner = { version: catalogueNames.version, scanner: new CallScanner(catalogueNames) };
  return scanner.scanner;
}

/**
 * The sound prefilter of a catalogue: for some API, target text (for a `"host:port"` position, an
 * empty host too), its callee written as a call and, when its host is only ever given by keyword,
 * that keyword. An API whose callee cannot be read uses its own `needle`, else the transform's
 * `needles`. Asked of the raw text, then of the lexed text (real literals, calls in code), then of
 * how literals flow into those calls' host positions (`HostFlow`). A file no API can match is
 * never parsed.
 */
export function catalogueFilter(apis: readonly BindingApi[], needles: RegExp): (text: string) => boolean {
  const perApi = apis.map((api) => {
    const callee = calleeText(api.callee);
    const keys = callee?.names.map((name) => (callee.suffix ? `*${name}` : name));
    for (const name of callee?.names ?? []) (callee!.suffix ? catalogueNames.suffixes : catalogueNames.whole).add(name);
    const tests: Array<(text: string) => boolean> = [];
    const keywords = keywordOnlyPositions(api);
    // One keyword is written bare (`\bhost`), which `tokenFollows` searches for as a literal.
    if (keywords) tests.push(tokenFollows(new RegExp(keywords.length === 1 ? `\\b${keywords[0]}` : `\\b(?:${keywords.join("|")})`), /=/));
    const needle = api.needle;
    if (needle) tests.push(typeof needle === "function" ? needle : (text) => needle.test(text));
    if (!keys && tests.length === 0) tests.push((text) => needles.test(text));
    const positions: HostPosition[] = [
      ...(api.host ? [api.host] : []),
      ...(api.address ? [{ ...api.address, tuple: true }] : []),
      ...(api.hostPort ? [api.hostPort] : []),
    ];
    return {
      keys,
      tests,
      hostPort: api.hostPort !== undefined,
      positions,
      localSubclassOf: api.localSubclassOf,
      whenWritten: api.whenWritten,
      objectsOnly: api.modules !== undefined && api.modules.length === 0,
    };
  });
  catalogueNames.version++;
  const passes = (facts: ScanFacts, { keys, hostPort }: (typeof perApi)[number]): boolean =>
    (facts.target || (hostPort && facts.emptyHost)) && (!keys || keys.some((key) => facts.called.has(key)));
  return (text) => {
    const facts = textFacts(text);
    // The raw view first: it is cheap and most files fail it; the lexed one only for the rest.
    const possible = perApi.filter((api) => passes(facts.raw, api) && api.tests.every((test) => test(text)));
    if (possible.length === 0) return false;
    const lexed = possible.filter((api) => passes(facts.lexed, api));
    if (lexed.length === 0) return false;
    // Last, whether a target literal can flow into one of those calls at all.
    const flow = facts.flow;
    if (!flow) return true;
    return lexed.some((api) => {
      const openings = api.keys
        ? api.objectsOnly
          ? facts.lexed.objectCallOpenings(api.keys, facts.importedModules)
          : facts.lexed.openings(api.keys)
        : api.localSubclassOf !== undefined
          ? facts.lexed.localSubclassOpenings(api.localSubclassOf)
          : undefined;
      if (!openings) return true;
      const shaped = api.whenWritten ? openings.filter((open) => flow.argumentsMay(open, api.whenWritten!)) : openings;
      return flow.mayReach(shaped, api.positions, api.hostPort ? LITERAL_TESTS.hostPort : LITERAL_TESTS.target);
    });
  };
}

/** The keywords an API's host can only be given by (`host=`), or undefined when a position also can. */
function keywordOnlyPositions(api: BindingApi): string[] | undefined {
  const positions = [api.host, api.address, api.hostPort].filter((position) => position !== undefined);
  const keywords = positions.map((position) => (position.index === undefined ? position.keyword : undefined));
  if (keywords.length === 0 || !keywords.every((keyword) => keyword !== undefined && NAME.test(keyword))) return undefined;
  return keywords as string[];
}

