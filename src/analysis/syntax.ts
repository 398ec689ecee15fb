// Small helpers over tree-sitter-python nodes, shared by the analysis and the transforms.
import type { SyntaxNode } from "../types.js";
import { parentOf } from "./ancestry.js";

/** All-interfaces spellings (SPEC §1): matching is exact on the whole value. */
const IPV4_ANY = new Set(["0.0.0.0", "", "0"]);
const IPV6_ANY = new Set(["::", "::0", "0:0:0:0:0:0:0:0"]);

export function isTargetValue(value: string): boolean {
  return IPV4_ANY.has(value) || IPV6_ANY.has(value);
}

export function isIpv6Spelling(value: string): boolean {
  return IPV6_ANY.has(value);
}

export interface StringParts {
  /** Prefix letters such as r, u, f (lower-cased). */
  prefix: string;
  /** The quote as written: ', ", ''' or """. */
  quote: string;
  value: string;
}

/**
 * The parts of a plain string literal, or undefined for anything whose value is not simply its
 * text: bytes, f-strings with replacement fields, escape sequences, implicit concatenation.
 */
export function stringParts(node: SyntaxNode): StringParts | undefined {
  if (node.type !== "string") return undefined;
  const children = node.namedChildren;
  const start = children[0];
  const end = children[children.length - 1];
  if (!start || start.type !== "string_start" || !end || end.type !== "string_end") return undefined;
  const opening = start.text;
  const prefix = /^[a-zA-Z]*/.exec(opening)![0].toLowerCase();
  if (prefix.includes("b")) return undefined;
  let value = "";
  for (const child of children.slice(1, -1)) {
    if (child.type !== "string_content" || child.namedChildCount > 0) return undefined;
    value += child.text;
  }
  if (value.includes("\\")) return undefined;
  return { prefix, quote: opening.slice(prefix.length), value };
}

/** The value of a target literal (SPEC §1), or undefined when the node is not one. */
export function targetValue(node: SyntaxNode): string | undefined {
  const parts = stringParts(node);
  return parts && isTargetValue(parts.value) ? parts.value : undefined;
}

export interface HostPort {
  host: string;
  /**
   * The text after the host's colon, as written: digits (`"8000"`), `""` for a trailing colon, or a
   * placeholder (`"%d"`, `"{port}"`) that the caller checks against the literal's context.
   * Absent when there is no colon.
   */
  port?: string;
  /** `[::]`: an IPv6 host in brackets. */
  bracketed: boolean;
}

/**
 * A gunicorn/gRPC-style address (`"0.0.0.0:8000"`, `":8000"`, `"[::]:50051"`, `"0.0.0.0"`) whose
 * host is all interfaces; undefined for anything else (`"localhost:8000"`, `"unix:/tmp/g.sock"`).
 */
export function parseHostPort(value: string): HostPort | undefined {
  const bracketed = /^\[([^\]]*)\](?::([^:][^]*|))?$/.exec(value);
  if (bracketed) return isIpv6Spelling(bracketed[1]!) ? { host: bracketed[1]!, port: bracketed[2], bracketed: true } : undefined;
  if (isTargetValue(value)) return { host: value, bracketed: false };
  const match = /^([^:]*):([^:][^]*|)$/.exec(value);
  return match && IPV4_ANY.has(match[1]!) ? { host: match[1]!, port: match[2]!, bracketed: false } : undefined;
}

export interface RawString {
  /** Prefix letters as written (`f`, `rf`, `u`). */
  prefix: string;
  /** The quote as written: ', ", ''' or """. */
  quote: string;
  /** The source text between the quotes, replacement fields included. */
  content: string;
  /** True for an f-string with replacement fields. */
  interpolated: boolean;
}

/** A string literal's source pieces, f-strings included; undefined for bytes and concatenations. */
export function rawString(node: SyntaxNode): RawString | undefined {
  if (node.type !== "string") return undefined;
  const children = node.children;
  const start = children[0];
  const end = children[children.length - 1];
  if (start?.type !== "string_start" || end?.type !== "string_end") return undefined;
  const prefix = /^[a-zA-Z]*/.exec(start.text)![0];
  if (/b/i.test(prefix)) return undefined;
  return {
    prefix,
    quote: start.text.slice(prefix.length),
    content: node.text.slice(start.text.length, node.text.length - end.text.length),
    interpolated: node.namedChildren.some((child) => child.type === "interpolation"),
  };
}

/** Strips redundant parentheses: `("0.0.0.0")` is the same expression as `"0.0.0.0"`. */
export function unparenthesize(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === "parenthesized_expression" && current.namedChildCount === 1) {
    current = current.namedChildren[0]!;
  }
  return current;
}

/** The name a call is made through: `f` for `f(...)`, `m` for `a.b.m(...)`. */
export function calleeName(call: SyntaxNode): string | undefined {
  const fn = call.childForFieldName("function");
  if (!fn) return undefined;
  if (fn.type === "identifier") return fn.text;
  if (fn.type === "attribute") return fn.childForFieldName("attribute")?.text;
  return undefined;
}

/** The dotted text of a callee made only of names (`http.server.HTTPServer`), else undefined. */
export function dottedName(node: SyntaxNode): string | undefined {
  if (node.type === "identifier") return node.text;
  if (node.type === "attribute") {
    const object = node.childForFieldName("object");
    const attribute = node.childForFieldName("attribute");
    const base = object && dottedName(object);
    return base && attribute ? `${base}.${attribute.text}` : undefined;
  }
  return undefined;
}

export interface CallArguments {
  /** Positional arguments up to the first `*args` (later positions are unknown). */
  positional: SyntaxNode[];
  keywords: Map<string, SyntaxNode>;
}

export function callArguments(call: SyntaxNode): CallArguments {
  const positional: SyntaxNode[] = [];
  const keywords = new Map<string, SyntaxNode>();
  let splatSeen = false;
  const args = call.childForFieldName("arguments");
  if (args?.type === "argument_list") {
    for (const arg of args.namedChildren) {
      if (arg.type === "keyword_argument") {
        const name = arg.childForFieldName("name")?.text;
        const value = arg.childForFieldName("value");
        if (name && value) keywords.set(name, value);
      } else if (arg.type === "list_splat" || arg.type === "dictionary_splat") {
        if (arg.type === "list_splat") splatSeen = true;
      } else if (arg.type !== "comment" && !splatSeen) {
        positional.push(arg);
      }
    }
  }
  return { positional, keywords };
}

/** An argument given by keyword, else by position (SPEC: "`host` arg or `host=`"). */
export function argumentAt(args: CallArguments, index: number | undefined, keyword: string | undefined): SyntaxNode | undefined {
  if (keyword !== undefined && args.keywords.has(keyword)) return args.keywords.get(keyword);
  if (index !== undefined) return args.positional[index];
  return undefined;
}

/** The statement that contains a node: its line is where suppression comments may also sit. */
export function enclosingStatement(node: SyntaxNode): SyntaxNode {
  let current: SyntaxNode = node;
  for (let parent = parentOf(current); parent && !isStatementContainer(parent); parent = parentOf(current)) current = parent;
  return current;
}

function isStatementContainer(node: SyntaxNode): boolean {
  return node.type === "module" || node.type === "block";
}
