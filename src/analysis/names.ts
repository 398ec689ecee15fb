// Where a name gets its value: Python scopes (module, class, function) and the bindings in each,
// so a host given as `HOST`, `self.HOST` or `cls.ADDRESS` can be traced back to its literal.
import type { SyntaxNode } from "../types.js";

export type ScopeKind = "module" | "class" | "function";

export interface Binding {
  /** The bound value when the binding is a plain assignment or a parameter default. */
  value?: SyntaxNode;
  /** The node that binds (assignment, parameter, import...), for suppression lookups. */
  node: SyntaxNode;
}

export interface Scope {
  kind: ScopeKind;
  node: SyntaxNode;
  parent?: Scope;
  bindings: Map<string, Binding[]>;
  /** For a class: attributes assigned as `self.x = ...` / `cls.x = ...` in its methods. */
  instanceBindings: Map<string, Binding[]>;
  /** Every assignment in this scope by its target's text (`s`, `self.sock`), for socket tracking. */
  assignedExpressions: Map<string, SyntaxNode[]>;
  /** Calls in this scope, by callee name, for socket option tracking. */
  methodCalls: SyntaxNode[];
}

const SCOPE_TYPES: Record<string, ScopeKind> = {
  function_definition: "function",
  lambda: "function",
  class_definition: "class",
};

/** Comprehensions have their own scope in Python 3; their loop variables never leak. */
const COMPREHENSIONS = new Set(["list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"]);

export class NameIndex {
  readonly module: Scope;
  private readonly scopes = new Map<number, Scope>();

  constructor(root: SyntaxNode) {
    this.module = this.newScope("module", root, undefined);
    this.visitChildren(root, this.module);
  }

  /** The innermost scope whose body contains the node. */
  scopeOf(node: SyntaxNode): Scope {
    for (let current = node.parent; current; current = current.parent) {
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

  allScopes(): Scope[] {
    return [...this.scopes.values()];
  }

  /** The class scope a method belongs to, for tracking `self.sock` across methods. */
  classOf(scope: Scope): Scope | undefined {
    return scope.kind === "function" && scope.parent?.kind === "class" ? scope.parent : undefined;
  }

  /** Scopes nested directly in a class body (its methods). */
  methodsOf(classScope: Scope): Scope[] {
    return [...this.scopes.values()].filter((scope) => scope.parent === classScope && scope.kind === "function");
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

  private newScope(kind: ScopeKind, node: SyntaxNode, parent: Scope | undefined): Scope {
    const scope: Scope = {
      kind,
      node,
      parent,
      bindings: new Map(),
      instanceBindings: new Map(),
      assignedExpressions: new Map(),
      methodCalls: [],
    };
    this.scopes.set(node.id, scope);
    return scope;
  }

  private visitChildren(node: SyntaxNode, scope: Scope): void {
    for (const child of node.namedChildren) this.visit(child, scope);
  }

  private visit(node: SyntaxNode, scope: Scope): void {
    const kind = SCOPE_TYPES[node.type];
    if (kind) {
      const name = node.childForFieldName("name");
      if (name) bind(scope.bindings, name.text, { node });
      const inner = this.newScope(kind, node, scope);
      const parameters = node.childForFieldName("parameters");
      if (parameters) this.visitParameters(parameters, inner, scope);
      const superclasses = node.childForFieldName("superclasses");
      if (superclasses) this.visitChildren(superclasses, scope);
      const body = node.childForFieldName("body");
      if (body) this.visit(body, inner);
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
        if (name) bind(scope.bindings, name.text, { node, value: node.childForFieldName("value") ?? undefined });
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
        if (target && value) this.bindTarget(target, node.parent?.type === "with_item" ? value : undefined, node, scope);
        break;
      }
      case "except_clause": {
        for (const child of node.namedChildren) if (child.type === "as_pattern") this.visit(child, scope);
        break;
      }
      case "import_statement":
      case "import_from_statement":
      case "future_import_statement":
        for (const name of importedNames(node)) bind(scope.bindings, name, { node });
        return;
      case "global_statement":
      case "nonlocal_statement":
        // The name lives elsewhere; its value at this point is not something we can know.
        for (const name of node.namedChildren) bind(scope.bindings, name.text, { node });
        return;
      case "call":
        scope.methodCalls.push(node);
        break;
    }
    this.visitChildren(node, scope);
  }

  private visitParameters(parameters: SyntaxNode, inner: Scope, outer: Scope): void {
    for (const parameter of parameters.namedChildren) {
      const name = parameterName(parameter);
      const value = parameter.childForFieldName("value");
      if (name) bind(inner.bindings, name, { node: parameter, value: value ?? undefined });
      if (value) this.visit(value, outer);
    }
  }

  private visitAssignment(node: SyntaxNode, scope: Scope): void {
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

  private bindTarget(target: SyntaxNode, value: SyntaxNode | undefined, node: SyntaxNode, scope: Scope): void {
    const inner = value && unwrapParens(value);
    switch (target.type) {
      case "identifier":
        bind(scope.bindings, target.text, { node, value });
        if (value) addTo(scope.assignedExpressions, target.text, value);
        return;
      case "attribute": {
        if (value) addTo(scope.assignedExpressions, target.text, value);
        const object = target.childForFieldName("object");
        const attribute = target.childForFieldName("attribute");
        const owner = scope.parent;
        if (object?.type === "identifier" && attribute && scope.kind === "function" && owner?.kind === "class") {
          if (firstParameterName(scope.node) === object.text) bind(owner.instanceBindings, attribute.text, { node, value });
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
  for (let current: SyntaxNode | null = node; current && current.id !== parameters.id; current = current.parent) {
    const parent = current.parent;
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
