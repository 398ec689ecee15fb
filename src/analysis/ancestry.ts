// Parents and descendants in a broken tree, found without tree-sitter's walks from the root.
//
// tree-sitter keeps no parent pointers: `node.parent` walks down from the root, reading every
// child before the one that holds the node at each level, and `descendantForIndex` does the same.
// In a broken file the root or an ERROR node may hold tens of thousands of children, and asking for
// the parents of thousands of literals there read them once per literal and level: 108 KB of
// `s.bind(("0.0.0.0", 80))) $` lines took 10 s. Here a wide node's children are indexed by start
// once and found by a binary search, narrower levels are stepped through one call each, and every
// parent passed on the way down is remembered. Trees without errors keep tree-sitter's walks.
import type Parser from "tree-sitter";
import type { SyntaxNode } from "../types.js";

/** Nodes with more children than this have them indexed; fewer are read by tree-sitter itself. */
const WIDE = 64;
/** From a node with at most this many descendants, tree-sitter's own search for a range is cheap. */
const FEW_DESCENDANTS = 2048;

/** A wide node's visible children, in order, with where each starts and ends. */
interface IndexedChildren {
  children: SyntaxNode[];
  starts: number[];
  ends: number[];
}

class Ancestry {
  /** Node id → its parent (null for the root), for every node a descent passed through. */
  private readonly parents = new Map<number, SyntaxNode | null>();
  /** Node id → its indexed children, or null when it is not wide. */
  private readonly indexed = new Map<number, IndexedChildren | null>();

  constructor(private readonly root: SyntaxNode) {
    this.parents.set(root.id, null);
  }

  /** `node.parent`: the parents passed on the way down are remembered too. */
  parentOf(node: SyntaxNode): SyntaxNode | null {
    const id = node.id;
    const known = this.parents.get(id);
    if (known !== undefined) return known;
    const start = node.startIndex;
    const end = node.endIndex;
    // An empty node may sit between two children, or in either: tree-sitter's own walk settles it.
    if (start === end) return node.parent;
    let current = this.root;
    for (;;) {
      const child = this.childHolding(current, start, end);
      if (!child) return node.parent;
      const childId = child.id;
      this.parents.set(childId, current);
      if (childId === id) return current;
      current = child;
    }
  }

  /** `root.descendantForIndex(start, end)`: the smallest node spanning the range. */
  descendantFor(start: number, end: number): SyntaxNode {
    let current = this.root;
    // tree-sitter's search, at every level, enters the one child that spans a non-empty range; from
    // a node of few descendants it costs little, so only the levels above one are taken here.
    if (start < end) {
      while (current.descendantCount > FEW_DESCENDANTS) {
        const child = this.childHolding(current, start, end);
        if (!child) break;
        this.parents.set(child.id, current);
        current = child;
      }
    }
    return current.descendantForIndex(start, end);
  }

  /** The visible child of `node` that spans the non-empty range, if one does. */
  private childHolding(node: SyntaxNode, start: number, end: number): SyntaxNode | undefined {
    // The first child ending past `start` is the one holding the range: those before it end at or
    // before its start. (Not `childWithDescendant`: node-tree-sitter 0.25 passes its second node
    // through a buffer sized for one until some call has returned two, and then reads past it.)
    const child = this.wideChildHolding(node, start, end) ?? node.firstChildForIndex(start);
    return child && child.startIndex <= start && child.endIndex >= end ? child : undefined;
  }

  /**
   * The visible child of a wide node that spans the non-empty range, or undefined when the node is
   * narrow or no child spans it. Non-empty children do not overlap, so the last one starting at or
   * before `start` is the only candidate; an empty child there cannot span a non-empty range.
   */
  private wideChildHolding(node: SyntaxNode, start: number, end: number): SyntaxNode | undefined {
    const index = this.childrenOf(node);
    if (!index) return undefined;
    let low = 0;
    let high = index.starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (index.starts[middle]! <= start) low = middle + 1;
      else high = middle;
    }
    const at = low - 1;
    return at >= 0 && index.ends[at]! >= end && index.starts[at]! < index.ends[at]! ? index.children[at] : undefined;
  }

  private childrenOf(node: SyntaxNode): IndexedChildren | null {
    const id = node.id;
    let index = this.indexed.get(id);
    if (index === undefined) {
      index = null;
      if (node.childCount > WIDE) {
        const children = node.children;
        index = { children, starts: children.map((child) => child.startIndex), ends: children.map((child) => child.endIndex) };
        for (const child of children) this.parents.set(child.id, node);
      }
      this.indexed.set(id, index);
    }
    return index;
  }
}

/** Per tree: its ancestry when it holds a syntax error, else null (tree-sitter's own walks serve). */
const ancestries = new WeakMap<Parser.Tree, Ancestry | null>();

function ancestryOf(tree: Parser.Tree): Ancestry | null {
  let ancestry = ancestries.get(tree);
  if (ancestry === undefined) {
    // Only error recovery makes the walks slow enough to matter: a file of 16,000 top-level binds
    // that parses took 4.2 s with tree-sitter's walks and 5.2 s with these, which call into it
    // several times a level; 4,000 broken ones took 3.2 s and now take 0.75 s.
    const root = tree.rootNode;
    ancestry = root.hasError ? new Ancestry(root) : null;
    ancestries.set(tree, ancestry);
  }
  return ancestry;
}

/** `node.parent`; in a broken tree, without reading a wide node's children again per call. */
export function parentOf(node: SyntaxNode): SyntaxNode | null {
  const ancestry = ancestryOf(node.tree);
  return ancestry ? ancestry.parentOf(node) : node.parent;
}

/** `root.descendantForIndex(start, end)` for a tree's root, without reading its wide nodes' children one by one. */
export function descendantAt(root: SyntaxNode, start: number, end: number): SyntaxNode {
  const ancestry = ancestryOf(root.tree);
  if (!ancestry || root.id !== root.tree.rootNode.id) return root.descendantForIndex(start, end);
  return ancestry.descendantFor(start, end);
}
