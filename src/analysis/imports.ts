// The module's imports: which local names are modules (so `subprocess.run` is not `app.run`), under
// which name `os` is reachable, and where `import os` goes when it is not (SPEC §3).
import type { SyntaxNode } from "../types.js";
import type { LineEnding } from "../source.js";
import { allBindings, type NameIndex } from "./names.js";
import { wholeWordOffsets } from "../python-lexer.js";
import { descendantAt, parentOf } from "./ancestry.js";

export interface ModuleImports {
  /** Local name → what it refers to: `socket`, `http.server.HTTPServer`, `uvicorn`. */
  qualified: Map<string, string>;
  /** Local names bound by `import x` / `import x as y`: certainly modules, never objects. */
  modules: Set<string>;
  /** Modules imported with `from x import *`: any unknown bare name may come from them. */
  starModules: string[];
}

/** What the file's import statements (all of them, in source order) say about its names. */
export function moduleImports(root: SyntaxNode, statements: readonly SyntaxNode[] = importStatements(root)): ModuleImports {
  const qualified = new Map<string, string>();
  const modules = new Set<string>();
  const starModules: string[] = [];
  for (const statement of statements) {
    if (statement.type === "import_statement") {
      for (const name of statement.childrenForFieldName("name")) {
        if (name.type === "aliased_import") {
          const alias = name.childForFieldName("alias")!.text;
          qualified.set(alias, name.childForFieldName("name")!.text);
          modules.add(alias);
        } else {
          const top = name.text.split(".")[0]!;
          qualified.set(top, top);
          modules.add(top);
        }
      }
    } else {
      const module = statement.childForFieldName("module_name")?.text ?? "";
      if (statement.namedChildren.some((child) => child.type === "wildcard_import")) starModules.push(module);
      for (const name of statement.childrenForFieldName("name")) {
        if (name.type === "aliased_import") {
          qualified.set(name.childForFieldName("alias")!.text, `${module}.${name.childForFieldName("name")!.text}`);
        } else {
          qualified.set(name.text, `${module}.${name.text}`);
        }
      }
    }
  }
  return { qualified, modules, starModules };
}

/** Import statements anywhere in the file (conditional imports still tell us what a name is). */
function importStatements(root: SyntaxNode): SyntaxNode[] {
  return root.descendantsOfType(["import_statement", "import_from_statement"]);
}

export interface OsBinding {
  /** The name to write before `.environ.get`. */
  name: string;
  /** True when the file does not bind `os` yet, so a rewrite must add an import. */
  needsImport: boolean;
}

/** Under which name rewritten code reaches the `os` module (SPEC §3). */
export function osBinding(root: SyntaxNode, text: string, names: NameIndex): OsBinding {
  const existing = unconditionalOsImport(root);
  if (existing && !isRebound(root, names, text, existing)) return { name: existing, needsImport: false };
  const name = isRebound(root, names, text, "os") || existing ? unusedAlias(text) : "os";
  return { name, needsImport: true };
}

/**
 * Where and what to insert so that `name` is the `os` module. `firstEdit` is the earliest
 * rewritten offset: the import must come before it, or module-level code would use `os` too early.
 */
export function importInsertion(
  root: SyntaxNode,
  text: string,
  eol: LineEnding,
  name: string,
  firstEdit: number,
): { offset: number; text: string } {
  const line = name === "os" ? "import os" : `import os as ${name}`;
  const offset = insertionOffset(root, text, firstEdit);
  // At the end of a file without a final newline the import needs a line of its own.
  const atUnterminatedEnd = offset === text.length && offset > 0 && !/[\r\n]$/.test(text);
  return { offset, text: atUnterminatedEnd ? eol + line : line + eol };
}

/** The name under which a module-level, unconditional `import os` binds the module. */
function unconditionalOsImport(root: SyntaxNode): string | undefined {
  for (const statement of root.namedChildren) {
    if (statement.type !== "import_statement") continue;
    for (const name of statement.childrenForFieldName("name")) {
      if (name.type === "dotted_name" && (name.text === "os" || name.text.startsWith("os."))) return "os";
      if (name.type === "aliased_import" && name.childForFieldName("name")?.text === "os") {
        return name.childForFieldName("alias")!.text;
      }
    }
  }
  return undefined;
}

/** True when `name` is bound in this file to anything other than the `os` module. */
function isRebound(root: SyntaxNode, names: NameIndex, text: string, name: string): boolean {
  // Gathering every binding walks every scope of the file; the text mostly shows there is none.
  if (!mayBeBound(root, text, name)) return false;
  return allBindings(names, name).some((binding) => !importsOsAs(binding.node, name));
}

/**
 * False when no occurrence of `name` as a word can bind it: each is followed by `.` outside an
 * import (`os.environ`), is the module of a plain `import` line (`import os`, `import sys, os`) or
 * of a `from os import`, is no name in the tree (a comment, a string), or is a name the tree shows
 * used as a value (`hasattr(os, "x")`).
 * Every other binding (`os = ...`, `def f(os)`, `for os in`, `import x as os`, `from x import os`)
 * writes the name with something else after or before it.
 */
function mayBeBound(root: SyntaxNode, text: string, name: string): boolean {
  const lines = new ImportLines(text);
  // The word is searched for as a literal, the dot before it checked by hand (see `wholeWordOffsets`).
  for (const at of wholeWordOffsets(text, name)) {
    if (text[at - 1] === ".") continue;
    const after = /^[ \t]*(.?)/.exec(text.slice(at + name.length, at + name.length + 64))![1];
    const line = lines.holding(at);
    // `os.environ` uses the name; `import os.path` binds it (to `os`, but an alias may be rebound so).
    if (after === "." && !(line.firstImport >= 0 && line.firstImport < at)) continue;
    if (line.plainImportNames.has(at) && /^(?:[ \t]*(?:[,;#\r\n]|$))/.test(text.slice(at + name.length, at + name.length + 2))) continue;
    if (/^[ \t]*from[ \t]+$/.test(text.slice(line.start, at))) continue;
    if (!isBindable(descendantAt(root, at, at + name.length))) continue;
    return true;
  }
  return false;
}

/** What `mayBeBound` reads of a line: where it starts, its first word `import`, and where a plain import line's names start. */
interface ImportLine {
  start: number;
  end: number;
  /** The first whole word `import` on the line, or -1. */
  firstImport: number;
  /** Each offset a module name of a plain import line may start at: the line reads `import a, b.c, ` up to it (never `from x import`). */
  plainImportNames: Set<number>;
}

/** A plain import line's `import` keyword, then each `name, ` of its list, read one after another. */
const PLAIN_IMPORT_HEAD = /[ \t]*import[ \t]+/y;
const PLAIN_IMPORT_ITEM = /[\w.]+[ \t]*,[ \t]*/y;
const IMPORT_WORD = /\bimport\b/;

/**
 * The lines of a text read for ascending offsets, each once: a long line with many occurrences of
 * the name (`# os os os ...`) would otherwise be read from its start for each of them.
 */
class ImportLines {
  private line: ImportLine = { start: 0, end: -1, firstImport: -1, plainImportNames: new Set() };

  constructor(private readonly text: string) {}

  /** The line holding `at`, which is at or after the offset asked about before. */
  holding(at: number): ImportLine {
    if (at <= this.line.end) return this.line;
    const text = this.text;
    // Back to the line's start by hand, no further than the last line's end: `lastIndexOf("\r")`
    // would search a file without one whole.
    let start = at;
    while (start > this.line.end + 1 && text[start - 1] !== "\n" && text[start - 1] !== "\r") start--;
    let end = at;
    while (end < text.length && text[end] !== "\n" && text[end] !== "\r") end++;
    const content = text.slice(start, end);
    const importAt = content.search(IMPORT_WORD);
    const plainImportNames = new Set<number>();
    PLAIN_IMPORT_HEAD.lastIndex = 0;
    if (PLAIN_IMPORT_HEAD.test(content)) {
      plainImportNames.add(start + PLAIN_IMPORT_HEAD.lastIndex);
      PLAIN_IMPORT_ITEM.lastIndex = PLAIN_IMPORT_HEAD.lastIndex;
      while (PLAIN_IMPORT_ITEM.test(content)) plainImportNames.add(start + PLAIN_IMPORT_ITEM.lastIndex);
    }
    this.line = { start, end, firstImport: importAt < 0 ? -1 : start + importAt, plainImportNames };
    return this.line;
  }
}

/** Parents under which a name is only read, never bound (an assignment target is a pattern or the left of one). */
const READ_CONTEXTS = new Set([
  "argument_list", "comparison_operator", "binary_operator", "boolean_operator", "not_operator", "unary_operator",
  "subscript", "call", "list", "tuple", "set", "pair", "parenthesized_expression", "conditional_expression",
  "return_statement", "expression_statement", "assert_statement", "await", "interpolation",
]);

/** False for a node that is not a name (in a comment or string), or a name read where it stands. */
function isBindable(node: SyntaxNode): boolean {
  if (node.type !== "identifier") return false;
  const parent = parentOf(node);
  if (!parent) return true;
  if (parent.type === "keyword_argument") return parent.childForFieldName("value")?.id !== node.id;
  return !READ_CONTEXTS.has(parent.type);
}

function importsOsAs(node: SyntaxNode, local: string): boolean {
  if (node.type !== "import_statement") return false;
  return node.childrenForFieldName("name").some((name) =>
    name.type === "aliased_import"
      ? name.childForFieldName("name")?.text === "os" && name.childForFieldName("alias")?.text === local
      : local === "os" && (name.text === "os" || name.text.startsWith("os.")),
  );
}

function unusedAlias(text: string): string {
  // The names taken are read in one pass: a search per candidate would read the text once each.
  const taken = new Set(text.match(/\b_os\d*\b/g));
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? "_os" : `_os${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

const IMPORT_TYPES = new Set(["import_statement", "import_from_statement"]);

function insertionOffset(root: SyntaxNode, text: string, firstEdit: number): number {
  const statements = root.namedChildren.filter((node) => node.type !== "comment");
  let index = 0;
  // The module docstring and `from __future__` imports must stay first.
  if (isDocstring(statements[0])) index++;
  while (statements[index]?.type === "future_import_statement") index++;
  const header = statements.slice(0, index);
  const rest = statements.slice(index);
  // A statement may share the header's last line (`from __future__ import x; import y`): a line
  // start found from it would put the import before the header, so nothing goes above this.
  const last = header[header.length - 1];
  const headerEnd = last ? afterLine(root, text, last.endIndex) : 0;

  const block = firstImportBlock(rest);
  if (block.length > 0) {
    const offset = positionInBlock(root, block, text);
    if (offset <= firstEdit && offset >= headerEnd) return offset;
  }
  const first = rest[0];
  if (first) return Math.max(lineStart(root, text, first.startIndex), headerEnd);
  return headerEnd;
}

function isDocstring(node: SyntaxNode | undefined): boolean {
  return node?.type === "expression_statement" && node.namedChildCount === 1 && node.namedChildren[0]!.type === "string";
}

/** The first run of top-level import statements on consecutive lines (comments may sit between). */
function firstImportBlock(statements: SyntaxNode[]): SyntaxNode[] {
  const start = statements.findIndex((node) => IMPORT_TYPES.has(node.type));
  if (start < 0) return [];
  const block = [statements[start]!];
  for (let i = start + 1; i < statements.length; i++) {
    const node = statements[i]!;
    const previous = block[block.length - 1]!;
    if (!IMPORT_TYPES.has(node.type) || !adjacent(previous, node)) break;
    block.push(node);
  }
  return block;
}

/** No blank line between two statements (comment lines in between are allowed). */
function adjacent(previous: SyntaxNode, next: SyntaxNode): boolean {
  let row = previous.endPosition.row;
  for (let sibling = previous.nextSibling; sibling && sibling.id !== next.id; sibling = sibling.nextSibling) {
    if (sibling.type !== "comment" || sibling.startPosition.row !== row + 1) {
      if (sibling.type === "comment" && sibling.startPosition.row === row) continue;
      return false;
    }
    row = sibling.endPosition.row;
  }
  return next.startPosition.row === row + 1;
}

function moduleKey(statement: SyntaxNode): string {
  const name =
    statement.type === "import_statement"
      ? statement.childrenForFieldName("name")[0]
      : statement.childForFieldName("module_name");
  const module = name?.type === "aliased_import" ? name.childForFieldName("name") : name;
  return (module?.text ?? "").toLowerCase();
}

function isSorted(keys: string[]): boolean {
  return keys.every((key, i) => i === 0 || keys[i - 1]! <= key);
}

/** Alphabetical position when the block is sorted (plain, or isort's `import` before `from`), else its end. */
function positionInBlock(root: SyntaxNode, block: SyntaxNode[], text: string): number {
  const keys = block.map(moduleKey);
  const plainImport = (node: SyntaxNode): boolean => node.type === "import_statement";
  let candidates: SyntaxNode[] | undefined;
  if (isSorted(keys)) {
    candidates = block;
  } else {
    const imports = block.filter(plainImport);
    const froms = block.filter((node) => !plainImport(node));
    const isortStyle = block.every((node, i) => (i < imports.length ? plainImport(node) : !plainImport(node)));
    if (isortStyle && isSorted(imports.map(moduleKey)) && isSorted(froms.map(moduleKey))) {
      const before = imports.find((node) => moduleKey(node) > "os") ?? froms[0];
      if (before) return lineStart(root, text, before.startIndex);
    }
  }
  if (candidates) {
    const before = candidates.find((node) => moduleKey(node) > "os");
    if (before) return lineStart(root, text, before.startIndex);
  }
  return afterLine(root, text, block[block.length - 1]!.endIndex);
}

/**
 * The top-level node a line start at `at` would cut in two. A statement sharing a line with the one
 * we place the import by may run on over several lines (a string, brackets, a `\` continuation):
 * `import a; x = """...` — an import put at the next line start would land inside that string.
 */
function crossing(root: SyntaxNode, at: number): SyntaxNode | undefined {
  return root.children.find((node) => node.startIndex < at && node.endIndex > at);
}

/** The start of the logical line holding `offset`: its physical line, or an earlier one it continues. */
function lineStart(root: SyntaxNode, text: string, offset: number): number {
  let i = physicalLineStart(text, offset);
  for (let node = crossing(root, i); node; node = crossing(root, i)) i = physicalLineStart(text, node.startIndex);
  return i;
}

/** The offset just past the line terminator that ends the logical line holding `offset`. */
function afterLine(root: SyntaxNode, text: string, offset: number): number {
  let i = afterPhysicalLine(text, offset);
  for (let node = crossing(root, i); node; node = crossing(root, i)) i = afterPhysicalLine(text, node.endIndex);
  return i;
}

function physicalLineStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== "\n" && text[i - 1] !== "\r") i--;
  return i;
}

function afterPhysicalLine(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++;
  if (text[i] === "\r" && text[i + 1] === "\n") return i + 2;
  return i < text.length ? i + 1 : i;
}
