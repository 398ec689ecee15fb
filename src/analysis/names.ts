// Where a name gets its value: Python scopes (module, class, function) and the bindings in each,
// so a host given as `HOST`, `self.HOST` or `cls.ADDRESS` can be traced back to its literal.
import type { SyntaxNode } from "../types.js";
import { appendAll } from "../append.js";
import { parentOf } from "./ancestry.js";

export type ScopeKind = "module" | "class" | "function";

export interface Binding {
  /** The bound value when the binding is a plain assignment or a parameter default. */
  value?: SyntaxNode;
  /** The node that binds (assignment, parameter, import...), for suppression lookups. */
  node: SyntaxNode;
}

export interface Scope {
  readonly kind: ScopeKind;
  readonly node: SyntaxNode;
  readonly parent?: Scope;
  readonly bindings: Map<string, Binding[]>;
  /** For a class: attributes assigned as `self.x = ...` / `cls.x = ...` in its methods. */
  readonly instanceBindings: Map<string, Binding[]>;
  /** Every assignment in this scope by its target's text (`s`, `self.sock`), for socket tracking. */
  readonly assignedExpressions: Map<string, SyntaxNode[]>;
  /** Calls in this scope that may be of `setsockopt` (their text names it), for socket option tracking. */
  readonly socketOptionCalls: SyntaxNode[];
}

/** What a scope's own visit records; read through `LazyScope`, which visits first. */
interface ScopeFacts {
  bindings: Map<string, Binding[]>;
  /** For a method: its `self.x = ...` assignments, which are its class's instance bindings. */
  attributeBindings: Map<string, Binding[]>;
  assignedExpressions: Map<string, SyntaxNode[]>;
  socketOptionCalls: SyntaxNode[];
}

/**
 * A scope whose body is visited on first use: most names are resolved in a few scopes of a file,
 * and walking a whole tree from JavaScript costs more than parsing it.
 */
class LazyScope implements Scope {
  readonly own: ScopeFacts = { bindings: new Map(), attributeBindings: new Map(), assignedExpressions: new Map(), socketOptionCalls: [] };
  /** Scopes registered by this scope's visit (its nested functions, classes and lambdas). */
  readonly children: LazyScope[] = [];
  visited = false;
  private instanceBindingsOfMethods?: Map<string, Binding[]>;

  constructor(
    readonly kind: ScopeKind,
    readonly node: SyntaxNode,
    readonly parent: LazyScope | undefined,
    /** What the scope's visit walks: the module's statements, a body; undefined when there is none. */
    readonly body: SyntaxNode | undefined,
    private readonly index: NameIndex,
  ) {}

  get bindings(): Map<string, Binding[]> {
    this.index.ensureVisited(this);
    return this.own.bindings;
  }

  /** Gathered from every method, in source order (methods may have been visited in any order). */
  get instanceBindings(): Map<string, Binding[]> {
    if (this.instanceBindingsOfMethods) return this.instanceBindingsOfMethods;
    this.index.ensureVisited(this);
    const gathered = new Map<string, Binding[]>();
    for (const method of this.children) {
      if (method.kind !== "function") continue;
      this.index.ensureVisited(method);
      for (const [name, bindings] of method.own.attributeBindings) for (const binding of bindings) addTo(gathered, name, binding);
    }
    return (this.instanceBindingsOfMethods = gathered);
  }

  get assignedExpressions(): Map<string, SyntaxNode[]> {
    this.index.ensureVisited(this);
    return this.own.assignedExpressions;
  }

  get socketOptionCalls(): SyntaxNode[] {
    this.index.ensureVisited(this);
    return this.own.socketOptionCalls;
  }
}

const SCOPE_TYPES: Record<string, ScopeKind> = {
  function_definition: "function",
  lambda: "function",
  class_definition: "class",
};

/** Comprehensions have their own scope in Python 3; their loop variables never leak. */
const COMPREHENSIONS = new Set(["list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"]);

/** Node types `visit` does more with than visiting their children; the walk stops only at these. */
const VISITED_TYPES = new Set([
  ...Object.keys(SCOPE_TYPES),
  ...COMPREHENSIONS,
  "assignment",
  "augmented_assignment",
  "named_expression",
  "for_statement",
  "as_pattern",
  "except_clause",
  "import_statement",
  "import_from_statement",
  "future_import_statement",
  "global_statement",
  "nonlocal_statement",
]);

const SOCKET_OPTION_CALL = "setsockopt";

export class NameIndex {
  readonly module: Scope;
  private readonly root: LazyScope;
  private readonly scopes = new Map<number, LazyScope>();

  /** Where the text names `setsockopt`: only calls around one of these are kept (most files have none). */
  private readonly socketOptionNames: number[] = [];

  constructor(root: SyntaxNode, text: string) {
    this.root = this.newScope("module", root, undefined, root);
    this.module = this.root;
    for (let at = text.indexOf(SOCKET_OPTION_CALL); at >= 0; at = text.indexOf(SOCKET_OPTION_CALL, at + 1)) this.socketOptionNames.push(at);
  }

  /** The innermost scope whose body contains the node. */
  scopeOf(node: SyntaxNode): Scope {
    const ancestors: SyntaxNode[] = [];
    for (let current = parentOf(node); current; current = parentOf(current)) ancestors.push(current);
    // Visit the scopes around the node, outermost first: a scope is registered by its parent's visit.
    this.ensureVisited(this.root);
    for (let i = ancestors.length - 1; i >= 0; i--) {
      if (!SCOPE_TYPES[ancestors[i]!.type]) continue;
      const scope = this.scopes.get(ancestors[i]!.id);
      if (!scope) break;
      this.ensureVisited(scope);
    }
    for (const current of ancestors) {
      if (!SCOPE_TYPES[current.type]) continue;
      const scope = this.scopes.get(current.id);
      // A function's default values and decorators are evaluated in the enclosing scope.
      if (scope && this.isInBody(node, current)) return scope;
    }
    return this.module;
  }

  /**
   * The bindings a name refers to at `use`, following Python's rules: local scope, then enclosing
   * functions, then the module; class bodies are only visible from the class body itself.
   * Undefined when the name is bound nowhere in this file (a builtin or an import from elsewhere).
   */
  resolve(name: string, use: SyntaxNode): Binding[] | undefined {
    const start = this.scopeOf(use);
    for (let scope: Scope | undefined = start; scope; scope = scope.parent) {
      if (scope.kind === "class" && scope !== start) continue;
      const bindings = scope.bindings.get(name);
      if (bindings) return bindings;
    }
    return undefined;
  }

  /** For `self.x` / `cls.x` inside a method: the class attribute and instance assignments of `x`. */
  resolveAttribute(receiver: string, attribute: string, use: SyntaxNode): Binding[] | undefined {
    const method = this.scopeOf(use);
    const owner = method.parent;
    if (method.kind !== "function" || owner?.kind !== "class") return undefined;
    if (firstParameterName(method.node) !== receiver) return undefined;
    const found = [...(owner.bindings.get(attribute) ?? []), ...(owner.instanceBindings.get(attribute) ?? [])];
    return found.length > 0 ? found : undefined;
  }

  /** Every scope of the file (this visits them all). */
  allScopes(): Scope[] {
    const pending: LazyScope[] = [this.root];
    while (pending.length > 0) {
      const scope = pending.pop()!;
      this.ensureVisited(scope);
      appendAll(pending, scope.children);
    }
    return [...this.scopes.values()];
  }

  /** The class scope a method belongs to, for tracking `self.sock` across methods. */
  classOf(scope: Scope): Scope | undefined {
    return scope.kind === "function" && scope.parent?.kind === "class" ? scope.parent : undefined;
  }

  /** Scopes nested directly in a class body (its methods). */
  methodsOf(classScope: Scope): Scope[] {
    const owner = this.scopes.get(classScope.node.id);
    if (!owner) return [];
    this.ensureVisited(owner);
    return owner.children.filter((scope) => scope.kind === "function");
  }

  /** Visits a scope's body, once. */
  ensureVisited(scope: LazyScope): void {
    if (scope.visited) return;
    scope.visited = true;
    if (!scope.body) return;
    if (scope.kind === "module") this.visitChildren(scope.body, scope);
    else this.visit(scope.body, scope);
  }

  private isInBody(node: SyntaxNode, scopeNode: SyntaxNode): boolean {
    const body = scopeNode.childForFieldName("body");
    if (scopeNode.type === "lambda") return !!body && body.startIndex <= node.startIndex;
    const parameters = scopeNode.childForFieldName("parameters");
    if (parameters && node.startIndex >= parameters.startIndex && node.endIndex <= parameters.endIndex) {
      // Parameter names belong to the function; their default values do not.
      return !isInsideDefaultValue(node, parameters);
    }
    return !!body && node.startIndex >= body.startIndex && node.endIndex <= body.endIndex;
  }

  private newScope(kind: ScopeKind, node: SyntaxNode, parent: LazyScope | undefined, body: SyntaxNode | undefined): LazyScope {
    const scope = new LazyScope(kind, node, parent, body, this);
    this.scopes.set(node.id, scope);
    parent?.children.push(scope);
    return scope;
  }

  /** True when the text between two offsets names `setsockopt`. */
  private namesSocketOption(start: number, end: number): boolean {
    return this.socketOptionNames.some((at) => at >= start && at < end);
  }

  /**
   * Visits the named nodes below `node` as `visit` would one by one, but walks with a cursor and
   * materialises only the nodes `visit` acts on: node objects cross from native code one by one.
   */
  private visitChildren(node: SyntaxNode, scope: LazyScope): void {
    const cursor = node.walk();
    if (!cursor.gotoFirstChild()) return;
    let depth = 1;
    const socketOptions = this.socketOptionNames.length > 0;
    for (;;) {
      let descend = false;
      if (cursor.nodeIsNamed) {
        const type = cursor.nodeType;
        if (VISITED_TYPES.has(type)) this.visit(cursor.currentNode, scope);
        else {
          if (socketOptions && type === "call" && this.namesSocketOption(cursor.startIndex, cursor.endIndex)) scope.own.socketOptionCalls.push(cursor.currentNode);
          descend = true;
        }
      }
      if (descend && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        cursor.gotoParent();
        if (--depth === 0) return;
      }
    }
  }

  private visit(node: SyntaxNode, scope: LazyScope): void {
    const kind = SCOPE_TYPES[node.type];
    if (kind) {
      const name = node.childForFieldName("name");
      if (name) bind(scope.own.bindings, name.text, { node });
      // The body waits for the scope's first use; parameters and bases belong to this visit.
      const inner = this.newScope(kind, node, scope, node.childForFieldName("body") ?? undefined);
      const parameters = node.childForFieldName("parameters");
      if (parameters) this.visitParameters(parameters, inner, scope);
      const superclasses = node.childForFieldName("superclasses");
      if (superclasses) this.visitChildren(superclasses, scope);
      return;
    }
    if (COMPREHENSIONS.has(node.type)) return;
    switch (node.type) {
      case "assignment":
        this.visitAssignment(node, scope);
        break;
      case "augmented_assignment": {
        const left = node.childForFieldName("left");
        if (left) this.bindTarget(left, undefined, node, scope);
        break;
      }
      case "named_expression": {
        const name = node.childForFieldName("name");
        if (name) bind(scope.own.bindings, name.text, { node, value: node.childForFieldName("value") ?? undefined });
        break;
      }
      case "for_statement": {
        const left = node.childForFieldName("left");
        if (left) this.bindTarget(left, undefined, node, scope);
        break;
      }
      case "as_pattern": {
        // `with socket.socket(...) as s:` — the alias is assigned the context manager's value.
        const alias = node.childForFieldName("alias");
        const value = node.namedChildren[0];
        const target = alias?.namedChildren[0];
        if (target && value) this.bindTarget(target, parentOf(node)?.type === "with_item" ? value : undefined, node, scope);
        break;
      }
      case "except_clause": {
        for (const child of node.namedChildren) if (child.type === "as_pattern") this.visit(child, scope);
        break;
      }
      case "import_statement":
      case "import_from_statement":
      case "future_import_statement":
        for (const name of importedNames(node)) bind(scope.own.bindings, name, { node });
        return;
      case "global_statement":
      case "nonlocal_statement":
        // The name lives elsewhere; its value at this point is not something we can know.
        for (const name of node.namedChildren) bind(scope.own.bindings, name.text, { node });
        return;
      case "call":
        if (this.namesSocketOption(node.startIndex, node.endIndex)) scope.own.socketOptionCalls.push(node);
        break;
    }
    this.visitChildren(node, scope);
  }

  private visitParameters(parameters: SyntaxNode, inner: LazyScope, outer: LazyScope): void {
    for (const parameter of parameters.namedChildren) {
      const name = parameterName(parameter);
      const value = parameter.childForFieldName("value");
      if (name) bind(inner.own.bindings, name, { node: parameter, value: value ?? undefined });
      if (value) this.visit(value, outer);
    }
  }

  private visitAssignment(node: SyntaxNode, scope: LazyScope): void {
    // `a = b = "x"` nests assignments on the right; every target gets the innermost value.
    const targets: SyntaxNode[] = [];
    let current: SyntaxNode | null = node;
    let value: SyntaxNode | null = null;
    while (current?.type === "assignment") {
      const left = current.childForFieldName("left");
      if (left) targets.push(left);
      value = current.childForFieldName("right");
      current = value;
    }
    for (const target of targets) this.bindTarget(target, value ?? undefined, node, scope);
  }

  private bindTarget(target: SyntaxNode, value: SyntaxNode | undefined, node: SyntaxNode, scope: LazyScope): void {
    const inner = value && unwrapParens(value);
    switch (target.type) {
      case "identifier":
        bind(scope.own.bindings, target.text, { node, value });
        if (value) addTo(scope.own.assignedExpressions, target.text, value);
        return;
      case "attribute": {
        if (value) addTo(scope.own.assignedExpressions, target.text, value);
        const object = target.childForFieldName("object");
        const attribute = target.childForFieldName("attribute");
        const owner = scope.parent;
        if (object?.type === "identifier" && attribute && scope.kind === "function" && owner?.kind === "class") {
          if (firstParameterName(scope.node) === object.text) bind(scope.own.attributeBindings, attribute.text, { node, value });
        }
        return;
      }
      case "pattern_list":
      case "tuple_pattern":
      case "list_pattern": {
        // `HOST, PORT = "0.0.0.0", 80` pairs element-wise; anything else is an unknown value.
        const elements = target.namedChildren;
        const values =
          inner && ["expression_list", "tuple", "list"].includes(inner.type) ? inner.namedChildren : undefined;
        const paired = values && values.length === elements.length && !values.some((v) => v.type === "list_splat");
        elements.forEach((element, i) => this.bindTarget(element, paired ? values[i] : undefined, node, scope));
        return;
      }
      case "list_splat_pattern":
      case "list_splat": {
        const inside = target.namedChildren[0];
        if (inside) this.bindTarget(inside, undefined, node, scope);
        return;
      }
      default:
        return;
    }
  }
}

function unwrapParens(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === "parenthesized_expression" && current.namedChildCount === 1) current = current.namedChildren[0]!;
  return current;
}

function bind(map: Map<string, Binding[]>, name: string, binding: Binding): void {
  addTo(map, name, binding);
}

function addTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function parameterName(parameter: SyntaxNode): string | undefined {
  switch (parameter.type) {
    case "identifier":
      return parameter.text;
    case "default_parameter":
    case "typed_default_parameter":
      return parameter.childForFieldName("name")?.text;
    case "typed_parameter":
    case "list_splat_pattern":
    case "dictionary_splat_pattern":
      return parameter.namedChildren.find((child) => child.type === "identifier")?.text;
    default:
      return undefined;
  }
}

function firstParameterName(functionNode: SyntaxNode): string | undefined {
  const first = functionNode.childForFieldName("parameters")?.namedChildren[0];
  return first ? parameterName(first) : undefined;
}

function isInsideDefaultValue(node: SyntaxNode, parameters: SyntaxNode): boolean {
  for (let current: SyntaxNode | null = node; current && current.id !== parameters.id; current = parentOf(current)) {
    const parent = parentOf(current);
    if (parent && parent.childForFieldName("value")?.id === current.id) return true;
  }
  return false;
}

/** The local names an import statement binds. */
export function importedNames(node: SyntaxNode): string[] {
  const names: string[] = [];
  if (node.type === "import_statement") {
    for (const child of node.childrenForFieldName("name")) {
      if (child.type === "aliased_import") names.push(child.childForFieldName("alias")!.text);
      else names.push(child.text.split(".")[0]!);
    }
  } else if (node.type === "import_from_statement") {
    for (const child of node.childrenForFieldName("name")) {
      if (child.type === "aliased_import") names.push(child.childForFieldName("alias")!.text);
      else names.push(child.text);
    }
  }
  return names;
}

/** Every binding of a name in any scope of the file. */
export function allBindings(index: NameIndex, name: string): Binding[] {
  return index.allScopes().flatMap((scope) => [...(scope.bindings.get(name) ?? [])]);
}
