// The transform contract (DESIGN: pure, parsed file in, findings out) and the generic matcher that
// turns a catalogue of binding APIs — "where the host sits" for each callee — into a transform.
import type { Finding, SyntaxNode } from "./types.js";
import type { Analysis } from "./analysis/index.js";
import type { Family } from "./analysis/families.js";
import type { HostSite } from "./analysis/hosts.js";
import { argumentAt, callArguments, dottedName, isTargetValue, parseHostPort, type CallArguments } from "./analysis/syntax.js";
import { buildFinding } from "./rewrite.js";
import { isAsKeyword, TokenLookup, tokenFollows } from "./analysis/locate.js";
import { lexPython, type LexedSource } from "./python-lexer.js";
import { HostFlow } from "./host-flow.js";

export interface Transform {
  /** "socket-bind": the file name, the fixture folder, the `--rule` value and the JSON `rule`. */
  id: string;
  summary: string;
  /**
   * A cheap, sound text test: false only when the file cannot hold a finding of this transform,
   * so the engine can skip parsing it. The fixtures check that it never hides a finding.
   */
  mayMatch(text: string): boolean;
  find(analysis: Analysis): Finding[];
}

/** An argument by position, by keyword, or either (`host` arg or `host=`). */
export interface ArgumentPosition {
  index?: number;
  keyword?: string;
}

export interface BindingApi {
  /**
   * The callee as called: the identifier, or the attribute after the last dot (`run`, `/Server$/`),
   * seen through imports; or a test of that name for callees no pattern describes (local classes).
   */
  callee: string | RegExp | ((name: string, analysis: Analysis) => boolean);
  /** The argument that is the host itself. */
  host?: ArgumentPosition;
  /** The argument that is an address tuple `(host, port)`. */
  address?: ArgumentPosition;
  /** The argument that is a `"host:port"` string (gRPC `add_insecure_port("[::]:50051")`): the port is kept. */
  hostPort?: ArgumentPosition;
  /**
   * When the callee is reached through an imported module (`uvicorn.run`, `from socket import
   * create_server`), the module must be one of these; a bare name imported from nowhere matches
   * only when a `from <module> import *` may supply it. `[]` admits only calls on objects
   * (`app.run`). Absent: any callee of that name.
   */
  modules?: string[];
  /**
   * Where the address family comes from: the socket the method is called on, `family=`, or an
   * API-specific rule (a server class's `address_family`).
   */
  family?: "receiver-socket" | "family-argument" | ((call: SyntaxNode, analysis: Analysis) => Family | undefined);
  /** Extra shape test for callees whose name alone is ambiguous. */
  when?: (args: CallArguments, call: SyntaxNode, analysis: Analysis) => boolean;
  /**
   * Text a file must contain for this API to match, where its callee is a pattern the prefilter
   * cannot read (`/./`). Without it such an API falls back to the transform's `needles`.
   */
  needle?: RegExp | ((text: string) => boolean);
  /**
   * For a `callee` test: it only ever accepts a class defined in this file (`class Proxy(...)`
   * called as `Proxy(...)`), so the prefilter can find its calls by those classes' names.
   */
  localClass?: boolean;
  message: string;
}

/** A transform that matches calls against a catalogue of binding APIs. */
export function callTransform(definition: {
  id: string;
  summary: string;
  apis: BindingApi[];
  /**
   * Text a file must contain for any of the APIs to be called in it. The prefilter derives sharper
   * tests from each API's callee and keywords; this is the fallback for APIs it cannot read.
   */
  needles: RegExp;
}): Transform {
  const named = calleeNameTest(definition.apis);
  return {
    id: definition.id,
    summary: definition.summary,
    mayMatch: catalogueFilter(definition.apis, definition.needles),
    find(analysis) {
      const findings: Finding[] = [];
      // Most calls name no API: only those written with a name an API (or an import) may mean are examined.
      for (const call of analysis.callsNamed((name) => named(name, analysis))) {
        const callee = resolveCallee(call, analysis);
        if (!callee) continue;
        let args: CallArguments | undefined;
        for (const api of definition.apis) {
          if (!calleeMatches(api, callee, analysis)) continue;
          args ??= callArguments(call);
          if (api.when && !api.when(args, call, analysis)) continue;
          const sites = sitesFor(api, args, analysis);
          if (sites.length === 0) continue;
          const family = familyFor(api, call, analysis);
          // A CAN or Unix socket's "" is an interface name or a path, not an IP address.
          if (family?.kind === "not-ip") break;
          const receiver = call.childForFieldName("function")?.childForFieldName("object");
          const manual = api.family === "receiver-socket" && receiver ? analysis.sockets.loopbackBreaks(receiver, call) : undefined;
          for (const site of sites) {
            findings.push(buildFinding(site, { rule: definition.id, message: api.message, family, manual }, analysis));
          }
          break;
        }
      }
      return findings;
    },
  };
}

interface Callee {
  name: string;
  /** The imported module the callee is reached through, if it is. */
  module?: string;
  /** True for `x.name(...)`, false for a bare `name(...)`. */
  onObject: boolean;
}

/** The callee's original name and module, seeing through `import x as y` and `from x import Y as Z`. */
function resolveCallee(call: SyntaxNode, analysis: Analysis): Callee | undefined {
  const fn = call.childForFieldName("function");
  if (!fn) return undefined;
  if (fn.type === "identifier") {
    const qualified = analysis.qualifiedName(fn.text);
    if (!qualified || analysis.imports.modules.has(fn.text)) return { name: fn.text, onObject: false };
    const dot = qualified.lastIndexOf(".");
    return { name: qualified.slice(dot + 1), module: qualified.slice(0, dot), onObject: false };
  }
  if (fn.type !== "attribute") return undefined;
  const name = fn.childForFieldName("attribute")!.text;
  const object = fn.childForFieldName("object")!;
  const path = dottedName(object);
  if (!path) return { name, onObject: true };
  const [root, ...rest] = path.split(".");
  if (!analysis.imports.modules.has(root!)) return { name, onObject: true };
  return { name, module: [analysis.qualifiedName(root!)!, ...rest].join("."), onObject: true };
}

function calleeMatches(api: BindingApi, callee: Callee, analysis: Analysis): boolean {
  const nameMatches =
    typeof api.callee === "string"
      ? api.callee === callee.name
      : typeof api.callee === "function"
        ? api.callee(callee.name, analysis)
        : api.callee.test(callee.name);
  if (!nameMatches) return false;
  if (api.modules === undefined) return true;
  if (callee.module === undefined) {
    if (callee.onObject) return true;
    // A bare name imported from nowhere is a local function, unless a star import may supply it.
    return analysis.imports.starModules.some((star) => api.modules!.some((module) => isWithin(star, module)));
  }
  return api.modules.some((module) => isWithin(callee.module!, module));
}

/** `wsgiref.simple_server` is within `wsgiref`. */
function isWithin(module: string, parent: string): boolean {
  return module === parent || module.startsWith(parent + ".");
}

function sitesFor(api: BindingApi, args: CallArguments, analysis: Analysis): HostSite[] {
  const sites: HostSite[] = [];
  if (api.host) {
    const argument = argumentAt(args, api.host.index, api.host.keyword);
    if (argument) sites.push(...analysis.hosts.host(argument));
  }
  if (api.address) {
    const argument = argumentAt(args, api.address.index, api.address.keyword);
    if (argument) sites.push(...analysis.hosts.address(argument));
  }
  if (api.hostPort) {
    const argument = argumentAt(args, api.hostPort.index, api.hostPort.keyword);
    if (argument) sites.push(...analysis.hosts.hostPort(argument));
  }
  return sites;
}

function familyFor(api: BindingApi, call: SyntaxNode, analysis: Analysis): Family | undefined {
  if (typeof api.family === "function") return api.family(call, analysis);
  if (api.family === "family-argument") return analysis.sockets.familyArgument(call);
  if (api.family === "receiver-socket") {
    const receiver = call.childForFieldName("function")?.childForFieldName("object");
    return receiver ? analysis.sockets.socketFamily(receiver, call) : undefined;
  }
  return undefined;
}

/**
 * A prefilter needle: text every target literal contains (SPEC §1), and every `"host:port"` string
 * whose host is `0.0.0.0` or a bracketed IPv6 spelling. Written as tokens are: `::` only after a
 * quote or `[` (so slices `a[::2]` do not count), an empty string only where its quotes touch no
 * other quote (so `"""docstrings"""` do not count: an empty literal next to another quote would be
 * an implicit concatenation, which is never a host).
 */
export const TARGET_TEXT = /0\.0\.0\.0|0:0:0:0:0:0:0:0|["'[]::|["']0["':]|(?<!["'])(?:""|'')(?!["'])|""""""|''''''/;

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
 * suffix `/Server$/`; undefined for other patterns. Names must be ASCII: the text search uses `\b`.
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
  private calledNames?: Set<string>;
  /** Per name in `called`: the offsets of the `(` of its calls. */
  private readonly callOpenings = new Map<string, number[]>();
  /** Per `(` offset in `callOpenings`: where the name called there starts. */
  private readonly calleeStarts = new Map<number, number>();
  /** Names in `called` because an import renames them: their calls are written under another name. */
  private readonly renamedNames = new Set<string>();

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
    if (this.calledNames) return this.calledNames;
    const text = this.code;
    const names = new Set<string>();
    const pattern = callScanPattern();
    const tokens = new TokenLookup(text);
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      const next = tokens.tokenAfter(match.index + match[0].length);
      if (next < 0 || (text[next] !== "(" && !isAsKeyword(text, next))) continue;
      if (text[next] === "(" && isDefinedName(text, match.index)) continue;
      const name = match[1] ?? match[2]!;
      const keys = match[1] ? [name] : [];
      // A match hides the shorter names it ends with (`TCPServer`, a twisted name, hides `*Server`).
      for (const suffix of catalogueNames.suffixes) if (name.endsWith(suffix)) keys.push(`*${suffix}`);
      for (const key of keys) {
        names.add(key);
        if (text[next] !== "(") this.renamedNames.add(key);
        else {
          this.callOpenings.set(key, [...(this.callOpenings.get(key) ?? []), next]);
          this.calleeStarts.set(next, match.index + match[0].length - name.length);
        }
      }
    }
    return (this.calledNames = names);
  }

  /** Where calls of the classes a `class` statement defines here open their arguments. */
  localClassOpenings(): number[] {
    const text = this.code;
    const names = new Set<string>();
    CLASS_NAME.lastIndex = 0;
    for (let match = CLASS_NAME.exec(text); match; match = CLASS_NAME.exec(text)) names.add(match[1]!);
    if (names.size === 0) return [];
    const openings: number[] = [];
    const tokens = new TokenLookup(text);
    NAME_TOKEN.lastIndex = 0;
    for (let match = NAME_TOKEN.exec(text); match; match = NAME_TOKEN.exec(text)) {
      if (!names.has(match[0])) continue;
      const next = tokens.tokenAfter(match.index + match[0].length);
      if (next >= 0 && text[next] === "(" && !isDefinedName(text, match.index)) openings.push(next);
    }
    return openings;
  }

  /** Where the calls of these names open their arguments; undefined when a name is renamed by an import. */
  /**
   * The openings of `openings(keys)` whose callee is a method of an object that is not an imported
   * module (`app.run(`, not `run(` nor `subprocess.run(`): the only calls an API with `modules: []`
   * can match. `modules` are the names `import` statements bind, as the analysis reads them.
   */
  objectCallOpenings(keys: readonly string[], modules: ReadonlySet<string>): number[] | undefined {
    const all = this.openings(keys);
    return all?.filter((open) => {
      const root = receiverRoot(this.code, this.calleeStarts.get(open)!);
      return root !== null && !modules.has(root);
    });
  }

  openings(keys: readonly string[]): number[] | undefined {
    const called = this.called;
    const found: number[] = [];
    for (const key of keys) {
      if (!called.has(key)) continue;
      if (this.renamedNames.has(key)) return undefined;
      found.push(...(this.callOpenings.get(key) ?? []));
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
    IMPORT_STATEMENT.lastIndex = 0;
    for (let match = IMPORT_STATEMENT.exec(bare); match; match = IMPORT_STATEMENT.exec(bare)) {
      for (const item of match[1]!.split(",")) {
        const alias = /[ \t]as[ \t]+([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)/.exec(item);
        const top = /^[ \t]*([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)/.exec(item);
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

const NAME_CHAR = /[\w\u0080-\uffff]/;
/**
 * A plain `import` statement, at the start of a line or after `;` or a compound statement's `:`,
 * and the names it lists (a continued line's further names are not read: they are then taken for
 * objects, which only keeps more calls).
 */
const IMPORT_STATEMENT = /(?:^|[\r\n;:])[ \t]*import[ \t]+([^\r\n;#\\]*)/g;

/**
 * The receiver of a method written at `nameStart`: its first name when it is a dotted name of
 * words (`a` in `a.b.run(`), "" when it is anything else (`f().run(`, `x[0].run(`), and null when
 * the name is not called as a method at all (`run(`).
 */
function receiverRoot(code: string, nameStart: number): string | null {
  let at = nameStart;
  // A suffix match (`Server`) starts inside its name (`WSGIServer`): from the name's start.
  while (at > 0 && NAME_CHAR.test(code[at - 1]!)) at--;
  let root: string | null = null;
  for (;;) {
    let before = at - 1;
    while (before >= 0 && " \t\f\r\n\\".includes(code[before]!)) before--;
    if (code[before] !== ".") return root;
    before--;
    while (before >= 0 && " \t\f\r\n\\".includes(code[before]!)) before--;
    let start = before + 1;
    while (start > 0 && NAME_CHAR.test(code[start - 1]!)) start--;
    if (start > before || !/[A-Za-z_\u0080-\uffff]/.test(code[start]!)) return "";
    root = code.slice(start, before + 1);
    at = start;
  }
}
const NAME_TOKEN = /(?<![\w\u0080-\uffff])[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*/g;
/** The name a `class` statement defines. */
const CLASS_NAME = /(?<![\w\u0080-\uffff])class[ \t\f]+([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)/g;
const DEFINING_KEYWORD = /(?<![\w\u0080-\uffff])(?:def|class)[ \t\f]+$/;

/** True when the name around `at` follows `def` or `class`: `def run(` defines, never calls. */
function isDefinedName(text: string, at: number): boolean {
  let start = at;
  while (start > 0 && NAME_CHAR.test(text[start - 1]!)) start--;
  return DEFINING_KEYWORD.test(text.slice(Math.max(0, start - 16), start));
}

let lastFacts: TextFacts | undefined;
let callScan: { version: number; pattern: RegExp } | undefined;

function textFacts(text: string): TextFacts {
  if (lastFacts?.text !== text || lastFacts.version !== catalogueNames.version) lastFacts = new TextFacts(text, catalogueNames.version);
  return lastFacts;
}

/**
 * One pass finds every catalogue's callee names written as calls: the name, then the call's `(`,
 * or `as` where an import renames it (the call then uses the alias; the name is only in the import).
 */
function callScanPattern(): RegExp {
  if (callScan?.version !== catalogueNames.version) {
    const byLength = (a: string, b: string): number => b.length - a.length;
    const whole = [...catalogueNames.whole].sort(byLength);
    const suffixes = [...catalogueNames.suffixes].sort(byLength);
    const alternatives = [`\\b(${whole.join("|") || "(?!)"})`, `(${suffixes.join("|") || "(?!)"})`];
    // The lookahead looks past spaces only, so the scan stays linear; TokenLookup crosses lines.
    const after = String.raw`(?=[ \t\f]*(?:[(#\\\r\n]|as\b|$))`;
    callScan = { version: catalogueNames.version, pattern: new RegExp(`(?:${alternatives.join("|")})${after}`, "g") };
  }
  return callScan.pattern;
}

/**
 * The sound prefilter of a catalogue: for some API, target text (for a `"host:port"` position, an
 * empty host too), its callee written as a call and, when its host is only ever given by keyword,
 * that keyword. An API whose callee cannot be read uses its own `needle`, else the transform's
 * `needles`. Asked of the raw text, then of the lexed text (real literals, calls in code), then of
 * how literals flow into those calls' host positions (`HostFlow`). A file no API can match is
 * never parsed.
 */
function catalogueFilter(apis: readonly BindingApi[], needles: RegExp): (text: string) => boolean {
  const perApi = apis.map((api) => {
    const callee = calleeText(api.callee);
    const keys = callee?.names.map((name) => (callee.suffix ? `*${name}` : name));
    for (const name of callee?.names ?? []) (callee!.suffix ? catalogueNames.suffixes : catalogueNames.whole).add(name);
    const tests: Array<(text: string) => boolean> = [];
    const keywords = keywordOnlyPositions(api);
    if (keywords) tests.push(tokenFollows(new RegExp(`\\b(?:${keywords.join("|")})`), /=/));
    const needle = api.needle;
    if (needle) tests.push(typeof needle === "function" ? needle : (text) => needle.test(text));
    if (!keys && tests.length === 0) tests.push((text) => needles.test(text));
    const positions = [api.host, api.address, api.hostPort].filter((position) => position !== undefined);
    return {
      keys,
      tests,
      hostPort: api.hostPort !== undefined,
      positions,
      localClass: api.localClass === true,
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
        : api.localClass
          ? facts.lexed.localClassOpenings()
          : undefined;
      if (!openings) return true;
      return flow.mayReach(openings, api.positions, api.hostPort ? LITERAL_TESTS.hostPort : LITERAL_TESTS.target);
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

/**
 * A cheap test on the name a call is written with (`run` in `app.run()`): false only when no API
 * can match that call, neither by that name nor by the imported name it may stand for (`HS` for
 * `HTTPServer`).
 */
function calleeNameTest(apis: readonly BindingApi[]): (name: string, analysis: Analysis) => boolean {
  // Asked of every name written before a `(` in a file: sets and suffixes where the callee allows.
  const strings = new Set<string>();
  const suffixes: string[] = [];
  const tests: Array<(name: string, analysis: Analysis) => boolean> = [];
  for (const api of apis) {
    const callee = api.callee;
    const text = calleeText(callee);
    if (text && !text.suffix) for (const name of text.names) strings.add(name);
    else if (text) suffixes.push(...text.names);
    else if (typeof callee === "function") tests.push(callee);
    else if (typeof callee !== "string") tests.push((name) => callee.test(name));
  }
  return (name, analysis) =>
    strings.has(name) ||
    suffixes.some((suffix) => name.endsWith(suffix)) ||
    tests.some((test) => test(name, analysis)) ||
    analysis.imports.qualified.has(name);
}

