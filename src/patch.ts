// Git-style unified patches (`diff --git a/P b/P`) that `git apply` takes: jsdiff's own header
// (`Index:` / `====`) is not what git expects, so the git form is requested explicitly.
import type * as Diff from "diff";
import type { StructuredPatchHunk } from "diff";
import type { Edit } from "./types.js";
import { lazyRequire } from "./lazy.js";
import { lastAtOrBefore } from "./sorted.js";
import { applyEdits } from "./parse-view.js";

/**
 * Loaded with the first patch: a run that fixes nothing never needs it. Only jsdiff's patch module
 * (`diff/lib/patch/create.js`, in its exports): the whole package takes two and a half times as
 * long to load, in each thread that makes a patch.
 */
const loadDiff = lazyRequire<Pick<typeof Diff, "formatPatch" | "structuredPatch">>("diff/lib/patch/create.js");

const BOM = "\uFEFF";
/** Unchanged lines shown around each change, as `git diff` shows them. */
const CONTEXT = 3;

/**
 * The patch turning `before` into `after` for `path` (relative, `/` separators). With `bom`, the
 * BOM is part of the first line on both sides, so the patch carries the file's real first bytes.
 *
 * Given `edits` (the changes of `before` that make `after`: sorted, not overlapping), only the
 * lines around them are compared, region by region. jsdiff compares whole texts in time that grows
 * with their length times the number of changed lines: 1,000 fixes spread over a 2.4 MB file took
 * 9 s. Edits on neighbouring lines form one region, compared whole unless its diff is forced
 * (`forcedHunks`), when its hunks are made directly.
 */
export function filePatch(path: string, before: string, after: string, bom = false, edits?: readonly Edit[]): string {
  const prefix = bom ? BOM : "";
  const { formatPatch, structuredPatch } = loadDiff();
  const compare = (old: string, changed: string) => structuredPatch(`a/${path}`, `b/${path}`, old, changed, undefined, undefined, { context: CONTEXT });
  if (!edits || edits.length === 0) return formatPatch({ ...compare(prefix + before, prefix + after), isGit: true });
  const hunks = [];
  for (const region of changedRegions(before, edits)) {
    const bomHere = region.fromLine === 0 ? prefix : "";
    const found = (bomHere ? undefined : forcedHunks(region.before, region.after, region.edits)) ?? compare(bomHere + region.before, bomHere + region.after).hunks;
    // A hunk at a region's cut (not the file's edge) may lack context the whole texts would give
    // it, or be aligned otherwise than they would align it: then the whole texts are compared.
    const first = found[0];
    const last = found[found.length - 1];
    const cutBefore = region.fromLine > 0 && first !== undefined && first.oldStart <= 1;
    const cutAfter = !region.atEnd && last !== undefined && last.oldStart + last.oldLines - 1 >= region.lines;
    if (cutBefore || cutAfter) return formatPatch({ ...compare(prefix + before, prefix + after), isGit: true });
    for (const hunk of found) hunks.push({ ...hunk, oldStart: hunk.oldStart + region.fromLine, newStart: hunk.newStart + region.newFromLine });
  }
  return formatPatch({ oldFileName: `a/${path}`, newFileName: `b/${path}`, oldHeader: undefined, newHeader: undefined, hunks, isGit: true });
}

/** A run of whole lines of the old text holding some edits, with the lines around them. */
interface Region {
  /** 0-based index of its first line in the old text, and in the new. */
  fromLine: number;
  newFromLine: number;
  /** Its count of old lines, and whether they reach the end of the text. */
  lines: number;
  atEnd: boolean;
  before: string;
  after: string;
  /** Its edits, at offsets in `before`. */
  edits: Edit[];
}

/**
 * Lines a region reaches past its edits: the context, and room for the diff to align a change a
 * few lines away from where it was made (an inserted blank line matched with a blank one nearby).
 */
const REACH = CONTEXT + 8;

/**
 * The edits grouped into regions of whole lines (ended by `\n`, as jsdiff splits them), each
 * reaching `REACH` lines past its edits; edits closer than two reaches share a region.
 */
function changedRegions(before: string, edits: readonly Edit[]): Region[] {
  const starts = lineStarts(before);
  const lineOfOffset = (offset: number): number => lastAtOrBefore(starts, offset);
  const lineBreaks = (text: string): number => text.split("\n").length - 1;
  const clusters: Array<{ first: number; last: number; edits: Edit[] }> = [];
  for (const edit of edits) {
    const first = lineOfOffset(edit.start);
    const last = lineOfOffset(edit.end);
    const current = clusters[clusters.length - 1];
    if (current && first <= current.last + 2 * REACH + 1) {
      current.last = Math.max(current.last, last);
      current.edits.push(edit);
    } else {
      clusters.push({ first, last, edits: [edit] });
    }
  }
  let lineShift = 0;
  return clusters.map(({ first, last, edits: inRegion }) => {
    const fromLine = Math.max(0, first - REACH);
    const toLine = Math.min(starts.length - 1, last + REACH);
    const from = starts[fromLine]!;
    const to = toLine + 1 < starts.length ? starts[toLine + 1]! : before.length;
    const newFromLine = fromLine + lineShift;
    for (const edit of inRegion) lineShift += lineBreaks(edit.text) - lineBreaks(before.slice(edit.start, edit.end));
    const after = applyEdits(before, inRegion, from, to);
    const shifted = inRegion.map((edit) => ({ ...edit, start: edit.start - from, end: edit.end - from }));
    return { fromLine, newFromLine, lines: toLine - fromLine + 1, atEnd: toLine === starts.length - 1, before: before.slice(from, to), after, edits: shifted };
  });
}

/** Where each line of a text starts, lines ended by `\n` as jsdiff splits them: none after a final `\n`. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf("\n"); at >= 0 && at + 1 < text.length; at = text.indexOf("\n", at + 1)) starts.push(at + 1);
  return starts;
}

/** A run of lines the diff keeps, or the lines it removes and then adds between two such runs. */
type Component = { kept: string[] } | { removed: string[]; added: string[] };

/**
 * The hunks of a region whose diff is forced, made without jsdiff's search, whose time grows with
 * the lines compared times the lines changed (3,000 fixes on every other line of a file took it
 * 6 s). The diff is forced when every edit changes text within one line (a host) or inserts whole
 * lines at a line's start (`import os`), and no line it removes or adds equals a line on the other
 * side: the lines it leaves alone are then the same on both sides, in the same order, and they
 * are the only lines the two sides can share, so every diff pairs exactly them. Undefined for any
 * other region, for two edits at one offset (their order decides which line the text goes to),
 * and for carriage returns and a last line without its line break, which jsdiff words its own
 * way: jsdiff compares those.
 */
function forcedHunks(old: string, changed: string, edits: readonly Edit[]): StructuredPatchHunk[] | undefined {
  if (old.includes("\r") || !old.endsWith("\n")) return undefined;
  if (edits.some((edit, i) => i > 0 && edit.start === edits[i - 1]!.start)) return undefined;
  const starts = lineStarts(old);
  const lineEnd = (line: number): number => (line + 1 < starts.length ? starts[line + 1]! : old.length);
  /** Per line: the edits within it; per line start (the text's end too): the lines inserted there. */
  const changes = new Map<number, Edit[]>();
  const inserted = new Map<number, string[]>();
  for (const edit of edits) {
    const line = lastAtOrBefore(starts, edit.start);
    const atLineStart = edit.start === edit.end && (edit.start === starts[line] || edit.start === old.length);
    if (atLineStart && edit.text.endsWith("\n") && !edit.text.includes("\r")) {
      const at = edit.start === old.length ? starts.length : line;
      inserted.set(at, [...(inserted.get(at) ?? []), ...edit.text.slice(0, -1).split("\n")]);
    } else if (edit.end < lineEnd(line) && !/[\r\n]/.test(edit.text) && !/[\r\n]/.test(old.slice(edit.start, edit.end))) {
      const within = changes.get(line) ?? [];
      within.push(edit);
      changes.set(line, within);
    } else {
      return undefined;
    }
  }
  const components: Component[] = [];
  const gap = (): { removed: string[]; added: string[] } => {
    const last = components[components.length - 1];
    if (last && "removed" in last) return last;
    const opened = { removed: [], added: [] };
    components.push(opened);
    return opened;
  };
  for (let line = 0; line <= starts.length; line++) {
    const lines = inserted.get(line);
    if (lines) for (const insertedLine of lines) gap().added.push(insertedLine);
    if (line === starts.length) break;
    const text = old.slice(starts[line], lineEnd(line) - 1);
    const within = changes.get(line);
    if (within) {
      const open = gap();
      open.removed.push(text);
      open.added.push(applyEdits(old, within, starts[line], lineEnd(line) - 1));
    } else {
      const last = components[components.length - 1];
      if (last && "kept" in last) last.kept.push(text);
      else components.push({ kept: [text] });
    }
  }
  const kept = new Set<string>();
  const removed = new Set<string>();
  const added = new Set<string>();
  for (const component of components) {
    if ("kept" in component) component.kept.forEach((line) => kept.add(line));
    else {
      component.removed.forEach((line) => removed.add(line));
      component.added.forEach((line) => added.add(line));
    }
  }
  for (const line of removed) if (kept.has(line) || added.has(line)) return undefined;
  for (const line of added) if (kept.has(line)) return undefined;
  // What the components add up to must be the new text itself: the patch shows what is written.
  const rebuilt = components.map((component) => ("kept" in component ? component.kept : component.added).map((line) => `${line}\n`).join("")).join("");
  return rebuilt === changed ? hunksOf(components) : undefined;
}

/**
 * Hunks as jsdiff's `structuredPatch` makes them from its diff (which it does not take from
 * outside): `CONTEXT` lines around each change, two changes at most twice that apart in one hunk.
 * Lines are pushed one by one: a spread of a run of thousands of lines would overflow the stack.
 */
function hunksOf(components: readonly Component[]): StructuredPatchHunk[] {
  const hunks: StructuredPatchHunk[] = [];
  let hunk: StructuredPatchHunk | undefined;
  let oldLine = 1;
  let newLine = 1;
  components.forEach((component, i) => {
    if ("kept" in component) {
      const lines = component.kept;
      if (hunk) {
        const joins = lines.length <= 2 * CONTEXT && i < components.length - 1;
        const shown = joins ? lines : lines.slice(0, CONTEXT);
        for (const line of shown) hunk.lines.push(` ${line}`);
        hunk.oldLines += shown.length;
        hunk.newLines += shown.length;
        if (!joins) hunk = undefined;
      }
      oldLine += lines.length;
      newLine += lines.length;
      return;
    }
    if (!hunk) {
      const before = components[i - 1];
      const leading = before && "kept" in before ? before.kept.slice(-CONTEXT) : [];
      hunk = { oldStart: oldLine - leading.length, oldLines: leading.length, newStart: newLine - leading.length, newLines: leading.length, lines: leading.map((line) => ` ${line}`) };
      hunks.push(hunk);
    }
    for (const line of component.removed) hunk.lines.push(`-${line}`);
    for (const line of component.added) hunk.lines.push(`+${line}`);
    hunk.oldLines += component.removed.length;
    hunk.newLines += component.added.length;
    oldLine += component.removed.length;
    newLine += component.added.length;
  });
  return hunks;
}

export interface PatchColors {
  added: (line: string) => string;
  removed: (line: string) => string;
  hunk: (line: string) => string;
  header: (line: string) => string;
}

/** Colours a patch line by line for a terminal; the patch text itself is unchanged. */
export function colorPatch(patch: string, colors: PatchColors): string {
  return patch
    .split("\n")
    .map((line) => {
      if (line.startsWith("+++") || line.startsWith("---") || line.startsWith("diff --git")) return colors.header(line);
      if (line.startsWith("+")) return colors.added(line);
      if (line.startsWith("-")) return colors.removed(line);
      if (line.startsWith("@@")) return colors.hunk(line);
      return line;
    })
    .join("\n");
}
