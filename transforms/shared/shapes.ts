// Shape tests and class facts the catalogue transforms share: is an argument a string, is a call
// made on a module, does a class defined in this file descend from a `*Server`, and its family.
import type { SyntaxNode } from "../../src/types.js";
import type { Analysis } from "../../src/analysis/index.js";
import type { Family } from "../../src/analysis/families.js";
import { dottedName, targetValue, unparenthesize } from "../../src/analysis/syntax.js";

const STRING_TYPES = new Set(["string", "concatenated_string"]);

/** True when the expression is a string, or a name whose assigned values include one. */
export function isStringLike(node: SyntaxNode, analysis: Analysis): boolean {
  const inner = unparenthesize(node);
  if (STRING_TYPES.has(inner.type)) return true;
  if (inner.type !== "identifier") return false;
  const bindings = analysis.names.resolve(inner.text, inner) ?? [];
  return bindings.some((binding) => binding.value && STRING_TYPES.has(unparenthesize(binding.value).type));
}

/** `f(...)` or `module.f(...)`: not a method of some object (`loop.create_server` is not `socket.create_server`). */
export function isFunctionCall(call: SyntaxNode, analysis: Analysis): boolean {
  const fn = call.childForFieldName("function");
  if (fn?.type === "identifier") return true;
  const path = fn?.type === "attribute" ? dottedName(fn.childForFieldName("object")!) : undefined;
  return !!path && analysis.imports.modules.has(path.split(".")[0]!);
}

/** The object a method is called on (`app` in `app.run()`), if the callee is an attribute. */
export function receiverOf(call: SyntaxNode): SyntaxNode | undefined {
  const fn = call.childForFieldName("function");
  return fn?.type === "attribute" ? (fn.childForFieldName("object") ?? undefined) : undefined;
}

const MAX_CLASS_DEPTH = 6;

/** The class a bare name refers to, when it is defined (only) by a `class` statement in this file. */
function localClass(name: SyntaxNode, analysis: Analysis): SyntaxNode | undefined {
  // Resolving every call's name is costly; most name no class defined here.
  if (name.type !== "identifier" || !analysis.classNames.has(name.text)) return undefined;
  const bindings = analysis.names.resolve(name.text, name);
  if (bindings?.length !== 1 || bindings[0]!.node.type !== "class_definition") return undefined;
  return bindings[0]!.node;
}

function baseClasses(classNode: SyntaxNode): SyntaxNode[] {
  const bases = classNode.childForFieldName("superclasses");
  return bases ? bases.namedChildren.filter((base) => base.type === "identifier" || base.type === "attribute") : [];
}

/** The last name of a base class as `isServerSubclass` reads it (`HTTPServer` for `HS` imported as it). */
function originalBaseName(base: SyntaxNode, analysis: Analysis): string {
  const last = base.type === "attribute" ? base.childForFieldName("attribute")!.text : base.text;
  return base.type === "identifier" ? (analysis.qualifiedName(base.text)?.split(".").pop() ?? last) : last;
}

const serverClassNamesCache = new WeakMap<Analysis, Set<string>>();

/**
 * Names of the classes defined here that may descend from a `*Server`, judged by name alone over
 * every definition (so a superset of what scoped resolution finds): a cheap gate before resolving.
 */
function serverClassNames(analysis: Analysis): Set<string> {
  let names = serverClassNamesCache.get(analysis);
  if (names) return names;
  const classes = analysis.classDefinitions.map((node) => ({
    name: node.childForFieldName("name")?.text,
    bases: baseClasses(node).map((base) => ({ original: originalBaseName(base, analysis), local: base.type === "identifier" ? base.text : undefined })),
  }));
  names = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const { name, bases } of classes) {
      if (name === undefined || names.has(name)) continue;
      if (bases.some((base) => base.original.endsWith("Server") || (base.local !== undefined && names.has(base.local)))) {
        names.add(name);
        grew = true;
      }
    }
  }
  serverClassNamesCache.set(analysis, names);
  return names;
}

/** A name that may be a class defined here with a `*Server` ancestor (`isServerSubclass` decides). */
export function mayNameServerClass(name: string, analysis: Analysis): boolean {
  return serverClassNames(analysis).has(name);
}

/** `class Proxy(socketserver.ThreadingTCPServer)`: a local class with a `*Server` ancestor. */
export function isServerSubclass(call: SyntaxNode, analysis: Analysis): boolean {
  const fn = call.childForFieldName("function");
  if (fn?.type !== "identifier" || !serverClassNames(analysis).has(fn.text)) return false;
  const visit = (classNode: SyntaxNode | undefined, depth: number): boolean => {
    if (!classNode || depth > MAX_CLASS_DEPTH) return false;
    return baseClasses(classNode).some(
      (base) => originalBaseName(base, analysis).endsWith("Server") || visit(localClass(base, analysis), depth + 1),
    );
  };
  return visit(localClass(fn, analysis), 0);
}

/**
 * The family a server class sets for its socket: `address_family = socket.AF_INET6` in the body
 * of a class defined here (or of a local base class), or `MyServer.address_family = ...` assigned
 * in the scope of the call or at module level. Undefined means the class default, AF_INET.
 */
export function serverClassFamily(call: SyntaxNode, analysis: Analysis): Family | undefined {
  const fn = call.childForFieldName("function");
  const path = fn && dottedName(fn);
  if (!fn || !path) return undefined;
  const scope = analysis.names.scopeOf(call);
  for (const where of new Set([scope, analysis.names.module])) {
    const assigned = where.assignedExpressions.get(`${path}.address_family`);
    if (assigned) return agree(assigned.map((value) => analysis.sockets.familyOf(value)), assigned[0]!.text);
  }
  const visit = (classNode: SyntaxNode | undefined, depth: number): Family | undefined => {
    if (!classNode || depth > MAX_CLASS_DEPTH) return undefined;
    const body = analysis.names.allScopes().find((candidate) => candidate.node.id === classNode.id);
    const values = (body?.bindings.get("address_family") ?? []).map((binding) => binding.value);
    if (values.length > 0) {
      const known = values.filter((value): value is SyntaxNode => value !== undefined);
      if (known.length < values.length) return { kind: "unresolved", expression: "address_family" };
      return agree(known.map((value) => analysis.sockets.familyOf(value)), known[0]!.text);
    }
    for (const base of baseClasses(classNode)) {
      const found = visit(localClass(base, analysis), depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return visit(localClass(fn, analysis), 0);
}

function agree(families: Family[], expression: string): Family {
  const first = families[0]!;
  return families.every((family) => family.kind === first.kind) ? first : { kind: "unresolved", expression };
}

/**
 * True for what reads as a port number: `8000`, `PORT`, `options.port`, `int(argv[1])`, `port + 1`.
 * Guards APIs whose method name alone is common (`run`, `listen`, `bind`).
 */
export function isPortLike(node: SyntaxNode | undefined): boolean {
  if (!node) return false;
  const inner = unparenthesize(node);
  switch (inner.type) {
    case "integer":
      return true;
    case "identifier":
      return /port/i.test(inner.text);
    case "attribute":
      return /port/i.test(inner.childForFieldName("attribute")?.text ?? "");
    case "call":
      return inner.childForFieldName("function")?.text === "int";
    case "binary_operator":
      return isPortLike(inner.childForFieldName("left") ?? undefined) || isPortLike(inner.childForFieldName("right") ?? undefined);
    default:
      return false;
  }
}

/** The longest argument text `mayBePortLike` and `mayBeHostLike` read; over it, the answer is yes. */
const WRITTEN_READ_UP_TO = 4096;

/**
 * `isPortLike` asked of an argument as written (string bodies blanked): true whenever it may be
 * (a digit of an integer, a name with `port` in it, `int(...)`).
 */
export function mayBePortLike(written: string | undefined): boolean {
  if (written === undefined) return false;
  // A longer argument is taken to be one: a call nested thousands deep would otherwise read the
  // rest of the text once per call, and saying yes only has the file parsed.
  return written.length > WRITTEN_READ_UP_TO || /\d|port|(?<![\w\u0080-\uffff])int(?![\w\u0080-\uffff])/i.test(written);
}

/** `isHostLike` asked of an argument as written: a host-like name may be in it, or a string literal (its quote). */
export function mayBeHostLike(written: string | undefined): boolean {
  if (written === undefined) return false;
  return written.length > WRITTEN_READ_UP_TO || /host|addr|bind|interface|listen|ip|["']/i.test(written);
}

/** True for what reads as a host: a non-empty all-interfaces literal (`"0.0.0.0"`), or `HOST`, `args.bind_addr`. */
export function isHostLike(node: SyntaxNode | undefined): boolean {
  if (!node) return false;
  const inner = unparenthesize(node);
  const name = inner.type === "attribute" ? inner.childForFieldName("attribute")?.text : inner.type === "identifier" ? inner.text : undefined;
  if (name !== undefined) return /host|addr|bind|interface|listen|^ip$|_ip$/i.test(name);
  const value = targetValue(inner);
  return value !== undefined && value !== "" && value !== "0";
}

/**
 * True for a server class defined here whose `server_bind` (its own or a local base's) binds
 * nothing: no `bind` or `server_bind` call in it, as in the stdlib's test `MockServer`. socketserver
 * binds only in `server_bind`, so such a class never opens a listening socket.
 */
export function isSocketlessServer(classExpression: SyntaxNode | undefined, analysis: Analysis): boolean {
  const visit = (classNode: SyntaxNode | undefined, depth: number): boolean | undefined => {
    if (!classNode || depth > MAX_CLASS_DEPTH) return undefined;
    const body = classNode.childForFieldName("body");
    const method = body?.namedChildren
      .map((statement) => (statement.type === "decorated_definition" ? statement.childForFieldName("definition") : statement))
      .find((statement) => statement?.type === "function_definition" && statement.childForFieldName("name")?.text === "server_bind");
    if (method) {
      const calls = method.descendantsOfType("call");
      return !calls.some((call) => /^(server_bind|bind)$/.test(call.childForFieldName("function")?.childForFieldName("attribute")?.text ?? ""));
    }
    for (const base of baseClasses(classNode)) {
      const found = visit(localClass(base, analysis), depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return !!classExpression && visit(localClass(unparenthesize(classExpression), analysis), 0) === true;
}
