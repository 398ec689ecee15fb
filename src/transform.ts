// The transform contract (DESIGN: pure, parsed file in, findings out) and the generic matcher that
// turns a catalogue of binding APIs — "where the host sits" for each callee — into a transform.
import type { Finding, SyntaxNode } from "./types.js";
import type { Analysis } from "./analysis/index.js";
import type { Family } from "./analysis/families.js";
import type { HostSite } from "./analysis/hosts.js";
import { argumentAt, callArguments, dottedName, type CallArguments } from "./analysis/syntax.js";
import { buildFinding } from "./rewrite.js";
import { calleeText, catalogueFilter } from "./prefilter.js";
import type { WrittenArguments } from "./host-flow.js";

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
   * `when` as the prefilter can ask it, of the arguments as written: true whenever `when` may be
   * (it must never say no to a call `when` accepts). The prefilter skips the calls it rejects.
   */
  whenWritten?: (args: WrittenArguments) => boolean;
  /**
   * Text a file must contain for this API to match, where its callee is a pattern the prefilter
   * cannot read (`/./`). Without it such an API falls back to the transform's `needles`.
   */
  needle?: RegExp | ((text: string) => boolean);
  /**
   * For a `callee` test: it only ever accepts a class defined in this file (`class Proxy(...)`
   * called as `Proxy(...)`) that descends, through classes defined here, from a base whose name
   * ends so (`"Server"`), so the prefilter can find its calls by the names of the classes that may.
   */
  localSubclassOf?: string;
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

