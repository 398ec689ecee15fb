// The transform contract (DESIGN: pure, parsed file in, findings out) and the generic matcher that
// turns a catalogue of binding APIs — "where the host sits" for each callee — into a transform.
import type { Finding, SyntaxNode } from "./types.js";
import type { Analysis } from "./analysis/index.js";
import type { Family } from "./analysis/families.js";
import type { HostSite } from "./analysis/hosts.js";
import { argumentAt, callArguments, dottedName, type CallArguments } from "./analysis/syntax.js";
import { buildFinding } from "./rewrite.js";

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
  /** The callee as called: the identifier, or the attribute after the last dot (`run`, `/Server$/`). */
  callee: string | RegExp;
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
  message: string;
}

/** A transform that matches calls against a catalogue of binding APIs. */
export function callTransform(definition: {
  id: string;
  summary: string;
  apis: BindingApi[];
  /** Text a file must contain for any of the APIs to be called in it. */
  needles: RegExp;
}): Transform {
  const named = calleeNameTest(definition.apis);
  return {
    id: definition.id,
    summary: definition.summary,
    mayMatch: catalogueFilter(definition.apis, definition.needles),
    find(analysis) {
      const findings: Finding[] = [];
      const calls = analysis.calls;
      const names = analysis.calleeNames;
      for (let i = 0; i < calls.length; i++) {
        const call = calls[i]!;
        // Most calls name no API: rule them out on the bare name before resolving imports.
        if (!named(names[i], analysis)) continue;
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
  const nameMatches = typeof api.callee === "string" ? api.callee === callee.name : api.callee.test(callee.name);
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

/** What may sit between two tokens of one call: spaces and newlines, line continuations, comments. */
const GAP = String.raw`(?:\s|\\\r?\n|#[^\r\n]*)*`;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The text a call of `callee` needs: the name followed by the call's `(`, or by `as` where an
 * import renames it (the call then uses the alias, and the original name is only in the import).
 * Derived for plain names, `/^(a|b)$/` alternations and `/Suffix$/`; undefined for other patterns.
 */
export function calleeNeedle(callee: string | RegExp): string | undefined {
  let names: string[];
  let wholeWord = true;
  if (typeof callee === "string") {
    names = [callee];
  } else {
    if (callee.flags.replace(/[gsuyd]/g, "") !== "") return undefined;
    const alternation = /^\^\((?:\?:)?([A-Za-z0-9_|]+)\)\$$|^\^([A-Za-z0-9_]+)\$$/.exec(callee.source);
    const suffix = /^([A-Za-z0-9_]+)\$$/.exec(callee.source);
    if (alternation) names = (alternation[1] ?? alternation[2]!).split("|");
    else if (suffix) {
      names = [suffix[1]!];
      wholeWord = false;
    } else return undefined;
  }
  // `\b` is ASCII-only: a name starting with another letter would slip past it, so derive nothing.
  if (!names.every((name) => NAME.test(name))) return undefined;
  return `${wholeWord ? "\\b" : ""}(?:${names.join("|")})${GAP}(?:\\(|as\\b)`;
}

/**
 * The sound prefilter of a catalogue: some target text, the transform's own needles, and for some
 * API both its callee's call text and, when its host is only ever given by keyword, that keyword.
 * Cheapest and most selective tests first; a file no API can match is never parsed.
 */
function catalogueFilter(apis: readonly BindingApi[], needles: RegExp): (text: string) => boolean {
  const target = apis.some((api) => api.hostPort) ? new RegExp(`${TARGET_TEXT.source}|${EMPTY_HOST_TEXT.source}`) : TARGET_TEXT;
  const perApi: RegExp[][] = [];
  for (const api of apis) {
    const tests: RegExp[] = [];
    const callee = calleeNeedle(api.callee);
    if (callee) tests.push(new RegExp(callee));
    const keywords = keywordOnlyPositions(api);
    if (keywords) tests.push(new RegExp(`\\b(?:${keywords.join("|")})${GAP}=`));
    // An API with nothing derivable can match anywhere the transform's needles do.
    if (tests.length === 0) return (text) => needles.test(text) && target.test(text);
    perApi.push(tests);
  }
  const callees = apis.map((api) => calleeNeedle(api.callee)!);
  const anyCallee = new RegExp([...new Set(callees)].join("|"));
  return (text) =>
    needles.test(text) && anyCallee.test(text) && target.test(text) && perApi.some((tests) => tests.every((test) => test.test(text)));
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
function calleeNameTest(apis: readonly BindingApi[]): (name: string | undefined, analysis: Analysis) => boolean {
  const strings = new Set<string>();
  const patterns: RegExp[] = [];
  for (const api of apis) {
    if (typeof api.callee === "string") strings.add(api.callee);
    else patterns.push(api.callee);
  }
  return (name, analysis) =>
    name !== undefined && (strings.has(name) || patterns.some((pattern) => pattern.test(name)) || analysis.imports.qualified.has(name));
}

