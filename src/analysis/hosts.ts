// From an expression in a host position to the literals that put an all-interfaces address there:
// directly, through names (module, class, function, `self.x`), environment defaults, `x or "..."`.
import type { SyntaxNode } from "../types.js";
import type { NameIndex, Binding } from "./names.js";
import type { OptionDefaults } from "./cli-args.js";
import { callArguments, argumentAt, dottedName, parseHostPort, rawString, targetValue, unparenthesize } from "./syntax.js";
import { parentOf } from "./ancestry.js";

export type HostForm =
  /** The literal becomes `os.environ.get(VAR, default)`. */
  | "plain"
  /** The literal is the default of the user's own environment lookup: only its value changes. */
  | "env-default";

export interface HostSite {
  /** The string literal that is rewritten. */
  literal: SyntaxNode;
  value: string;
  form: HostForm;
  /** Nodes whose lines may carry a suppression comment: the literal, its assignment, the use. */
  anchors: SyntaxNode[];
  /** Set when the bind is real but a rewrite could break it (SPEC §2 `manual`). */
  manual?: string;
  /** For a `"host:port"` string (gunicorn `bind`): the port kept after the rewritten host. */
  port?: string;
  /** `"[::]:8000"`: the host is written in brackets, and is IPv6. */
  bracketed?: boolean;
}

interface TracedValue {
  node: SyntaxNode;
  via: SyntaxNode[];
}

interface Traced {
  values: TracedValue[];
  /** False when some binding's value cannot be known (a parameter, a loop, `+=`...). */
  complete: boolean;
  /** The name that was followed, for messages. */
  name?: string;
}

const MAX_DEPTH = 8;

/**
 * Where a literal sits: alone, as the leftmost operand of `+` (`"0.0.0.0:" + port`), or as a
 * template filled by `%` or `.format()` (`"0.0.0.0:%d" % port`).
 */
type LiteralContext = "alone" | "concatenated" | "template";

/** What a string literal in a host position holds, when it names all interfaces. */
type LiteralReader = (literal: SyntaxNode, context: LiteralContext) => Pick<HostSite, "value" | "port" | "bracketed"> | undefined;

const plainHost: LiteralReader = (literal, context) => {
  const value = context === "alone" ? targetValue(literal) : undefined;
  return value === undefined ? undefined : { value };
};

/**
 * `"0.0.0.0:8000"`, `":8000"`, `"[::]:50051"`, `f"0.0.0.0:{port}"`, `"0.0.0.0:" + port`,
 * `"0.0.0.0:%d" % port`: the host part of a gunicorn/gRPC-style address. The rewrite puts the host
 * in front of the rest of the literal with `+`, which binds looser than `%` and `.format()`, so
 * the rest is still filled in as before.
 */
const hostPortHost: LiteralReader = (literal, context) => {
  const raw = rawString(literal);
  if (!raw || raw.content.includes("\\")) return undefined;
  const parsed = parseHostPort(raw.content);
  if (!parsed) return undefined;
  const port = parsed.port;
  let valid: boolean;
  if (port === undefined) valid = context === "alone" && !raw.interpolated;
  else if (context === "concatenated") valid = port === "" && !raw.interpolated;
  else if (context === "template") valid = port !== "" && !raw.interpolated;
  else valid = raw.interpolated ? port !== "" : /^\d+$/.test(port);
  if (!valid) return undefined;
  return { value: raw.content, port, bracketed: parsed.bracketed || undefined };
};

function literalSite(literal: SyntaxNode, context: LiteralContext, read: LiteralReader): HostSite[] {
  const host = read(literal, context);
  if (!host) return [];
  const site: HostSite = { literal, value: host.value, form: "plain", anchors: [literal] };
  if (host.port !== undefined) site.port = host.port;
  if (host.bracketed) site.bracketed = true;
  return [site];
}

/** The literal of `"0.0.0.0:{}".format(port)`, unless the result is used further (`.encode()`), where `+` would bind wrongly. */
function formatTemplate(call: SyntaxNode): SyntaxNode | undefined {
  const fn = call.childForFieldName("function");
  const object = fn?.type === "attribute" && fn.childForFieldName("attribute")?.text === "format" ? fn.childForFieldName("object") : null;
  if (object?.type !== "string") return undefined;
  const parent = parentOf(call)?.type;
  return parent === "attribute" || parent === "subscript" ? undefined : object;
}

export class HostResolver {
  constructor(
    private readonly names: NameIndex,
    private readonly options: OptionDefaults,
  ) {}

  /** Sites for an expression used directly as a host. */
  host(expression: SyntaxNode, depth = 0): HostSite[] {
    return this.sites(expression, depth, plainHost);
  }

  /** Sites for an expression used as a `"host:port"` string: the host part, the port kept. */
  hostPort(expression: SyntaxNode, depth = 0): HostSite[] {
    return this.sites(expression, depth, hostPortHost);
  }

  private sites(expression: SyntaxNode, depth: number, read: LiteralReader): HostSite[] {
    return this.collect(expression, depth, (value, d) => this.hostSitesOfValue(value, d, read));
  }

  /**
   * Sites for an expression used as an address tuple `(host, port)`: its first element. A tuple
   * may be written without parentheses where a statement gives a value (`ADDR = "0.0.0.0", 80`).
   */
  address(expression: SyntaxNode, depth = 0): HostSite[] {
    return this.collect(expression, depth, (value, d) => {
      if (value.type !== "tuple" && value.type !== "list" && value.type !== "expression_list") return [];
      const first = value.namedChildren.find((child) => child.type !== "comment");
      if (!first || first.type === "list_splat") return [];
      return this.host(first, d + 1);
    });
  }

  /** True for `os.getenv(...)`, `os.environ.get(...)` and their `from os import` forms. */
  isEnvironmentLookup(node: SyntaxNode): boolean {
    if (node.type !== "call") return false;
    const fn = node.childForFieldName("function");
    const name = fn && dottedName(fn);
    return !!name && (name === "getenv" || name.endsWith(".getenv") || name === "environ.get" || name.endsWith(".environ.get"));
  }

  private collect(expression: SyntaxNode, depth: number, sitesOf: (value: SyntaxNode, depth: number) => HostSite[]): HostSite[] {
    if (depth > MAX_DEPTH) return [];
    const traced = this.trace(expression, depth);
    const perValue = traced.values.map((value) =>
      sitesOf(value.node, depth + 1).map((site) => ({ ...site, anchors: [...site.anchors, ...value.via, expression] })),
    );
    const sites = perValue.flat();
    const ambiguous = !traced.complete || perValue.some((list) => list.length === 0);
    if (sites.length > 0 && ambiguous && traced.name) {
      const reason = `\`${traced.name}\` is assigned more than once in its scope, not always an all-interfaces address, so its value at the bind is not known`;
      return sites.map((site) => ({ ...site, manual: site.manual ?? reason }));
    }
    return sites;
  }

  /** The values an expression may have, following names assigned in this file. */
  private trace(expression: SyntaxNode, depth: number): Traced {
    const node = unparenthesize(expression);
    let bindings: Binding[] | undefined;
    if (node.type === "identifier") {
      bindings = this.names.resolve(node.text, node);
    } else if (node.type === "attribute") {
      const object = node.childForFieldName("object");
      const attribute = node.childForFieldName("attribute");
      if (object?.type === "identifier" && attribute) {
        bindings = this.names.resolveAttribute(object.text, attribute.text, node) ?? this.options.argparseDest(object, attribute.text);
      }
      if (!bindings) return { values: [{ node, via: [] }], complete: true };
    } else {
      return { values: [{ node, via: [] }], complete: true };
    }
    if (!bindings) return { values: [], complete: false };
    const values: TracedValue[] = [];
    let complete = true;
    for (const original of bindings) {
      // A parameter without a default may still get one from a click option decorator.
      const binding = original.value ? original : (this.options.clickParameter(original.node, node.text) ?? original);
      if (!binding.value) {
        complete = false;
        continue;
      }
      if (depth >= MAX_DEPTH) continue;
      const inner = this.trace(binding.value, depth + 1);
      // A name bound to another name: its values are the other name's, known or not.
      if (!inner.complete) complete = false;
      for (const value of inner.values) values.push({ node: value.node, via: [...value.via, binding.node] });
    }
    return { values, complete, name: node.text };
  }

  private hostSitesOfValue(value: SyntaxNode, depth: number, read: LiteralReader): HostSite[] {
    switch (value.type) {
      case "string":
        return literalSite(value, "alone", read);
      case "binary_operator": {
        // `"0.0.0.0:" + str(port)` (leftmost of a `+` chain) or `"0.0.0.0:%d" % port`.
        const operator = value.childForFieldName("operator")?.text;
        let left = value.childForFieldName("left");
        while (operator === "+" && left?.type === "binary_operator" && left.childForFieldName("operator")?.text === "+") {
          left = left.childForFieldName("left");
        }
        if (left?.type !== "string") return [];
        if (operator === "+") return literalSite(left, "concatenated", read);
        return operator === "%" ? literalSite(left, "template", read) : [];
      }
      case "call": {
        const optionDefault = typerDefault(value);
        if (optionDefault) return this.host(optionDefault, depth + 1);
        const template = formatTemplate(value);
        if (template) return literalSite(template, "template", read);
        if (!this.isEnvironmentLookup(value)) return [];
        const fallback = argumentAt(callArguments(value), 1, "default");
        if (!fallback) return [];
        return this.sites(fallback, depth + 1, read).map((site) => ({ ...site, form: "env-default" }));
      }
      case "boolean_operator": {
        // `args.host or "0.0.0.0"`: the right operand is the value used when the left is empty.
        const operator = value.childForFieldName("operator")?.text;
        const right = value.childForFieldName("right");
        return operator === "or" && right ? this.sites(right, depth + 1, read) : [];
      }
      case "conditional_expression": {
        const branches = value.namedChildren.filter((_, i) => i !== 1);
        return branches
          .flatMap((branch) => this.sites(branch, depth + 1, read))
          .map((site) => ({
            ...site,
            manual: "one branch of a conditional expression: the choice between addresses looks deliberate",
          }));
      }
      default:
        return [];
    }
  }
}

/** `typer.Option("0.0.0.0", ...)` / `typer.Argument(...)` as a parameter default: its default value. */
function typerDefault(call: SyntaxNode): SyntaxNode | undefined {
  const fn = call.childForFieldName("function");
  const name = fn && dottedName(fn);
  if (name !== "typer.Option" && name !== "typer.Argument") return undefined;
  return argumentAt(callArguments(call), 0, "default");
}
