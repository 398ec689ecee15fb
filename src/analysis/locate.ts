// Nodes found from the text instead of by walking the tree: a regular expression proposes offsets
// (a name before `(`, the `import` or `class` keyword) and the tree confirms each one. Every node
// object crosses from native code one by one, so walking a large tree costs more than parsing it,
// while a file holds few nodes of interest.
import type { SyntaxNode } from "../types.js";

/** A name written before a `(`: where a call of that name may be. */
export interface NameSite {
  name: string;
  index: number;
}

/** Identifier characters: ASCII ones, and any non-ASCII character (over-approximated; the tree confirms). */
const NAME_CHAR = String.raw`[\w\u0080-\uffff]`;
/** What may sit between a callee and its `(`: spaces and newlines, line continuations, comments. */
const GAP = String.raw`(?:\s|\\\r?\n|#[^\r\n]*(?![^\r\n]))*`;
const NAME_BEFORE_PAREN = new RegExp(String.raw`(?<!${NAME_CHAR})[A-Za-z_\u0080-\uffff]${NAME_CHAR}*(?=${GAP}\()`, "g");

/** Every name followed by `(` in the text, comments and strings included: a superset of callee names. */
export function nameSites(text: string): NameSite[] {
  const sites: NameSite[] = [];
  NAME_BEFORE_PAREN.lastIndex = 0;
  for (let match = NAME_BEFORE_PAREN.exec(text); match; match = NAME_BEFORE_PAREN.exec(text)) {
    sites.push({ name: match[0], index: match.index });
  }
  return sites;
}

/** The call whose callee is written with the name at `site` (`f(...)`, `a.b.f(...)`), if it is one. */
export function callAt(root: SyntaxNode, site: NameSite): SyntaxNode | undefined {
  const end = site.index + site.name.length;
  const name = root.descendantForIndex(site.index, end);
  if (name.type !== "identifier" || name.startIndex !== site.index || name.endIndex !== end) return undefined;
  const parent = name.parent;
  if (parent?.type === "call") return isField(parent, "function", name) ? parent : undefined;
  if (parent?.type !== "attribute" || !isField(parent, "attribute", name)) return undefined;
  const call = parent.parent;
  return call?.type === "call" && isField(call, "function", parent) ? call : undefined;
}

function isField(node: SyntaxNode, field: string, child: SyntaxNode): boolean {
  const found = node.childForFieldName(field);
  return !!found && found.startIndex === child.startIndex && found.endIndex === child.endIndex;
}

/** Nodes sorted as a pre-order walk visits them: by start, an enclosing node before the nodes it holds. */
export function inTreeOrder(nodes: SyntaxNode[]): SyntaxNode[] {
  const keyed = nodes.map((node) => ({ node, start: node.startIndex, end: node.endIndex }));
  keyed.sort((a, b) => a.start - b.start || b.end - a.end);
  return keyed.map((entry) => entry.node);
}

/**
 * The nodes of the given types that contain an occurrence of `keyword` (`import`, `class`) as
 * their own token, in source order: each statement of those types holds its keyword once.
 */
export function statementsWithKeyword(root: SyntaxNode, text: string, keyword: string, types: ReadonlySet<string>): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const pattern = new RegExp(`(?<!${NAME_CHAR})${keyword}(?!${NAME_CHAR})`, "g");
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const token = root.descendantForIndex(match.index, match.index + keyword.length);
    const statement = token.parent;
    if (token.type === keyword && statement && types.has(statement.type)) found.push(statement);
  }
  return found;
}
