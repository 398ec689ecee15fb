// Git-style unified patches (`diff --git a/P b/P`) that `git apply` takes: jsdiff's own header
// (`Index:` / `====`) is not what git expects, so the git form is requested explicitly.
import type * as Diff from "diff";
import type { Edit } from "./types.js";
import { lazyRequire } from "./lazy.js";
import { lastAtOrBefore } from "./sorted.js";
import { applyEdits } from "./parse-view.js";

/** Loaded with the first patch: a run that fixes nothing never needs it. */
const loadDiff = lazyRequire<typeof Diff>("diff");

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
 * 9 s. Edits on neighbouring lines still form one region, compared whole.
 */
export function filePatch(path: string, before: string, after: string, bom = false, edits?: readonly Edit[]): string {
  const prefix = bom ? BOM : "";
  const { formatPatch, structuredPatch } = loadDiff();
  const compare = (old: string, changed: string) => structuredPatch(`a/${path}`, `b/${path}`, old, changed, undefined, undefined, { context: CONTEXT });
  if (!edits || edits.length === 0) return formatPatch({ ...compare(prefix + before, prefix + after), isGit: true });
  const hunks = [];
  for (const region of changedRegions(before, edits)) {
    const bomHere = region.fromLine === 0 ? prefix : "";
    const found = compare(bomHere + region.before, bomHere + region.after).hunks;
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
  const starts = [0];
  for (let at = before.indexOf("\n"); at >= 0; at = before.indexOf("\n", at + 1)) starts.push(at + 1);
  if (starts[starts.length - 1] === before.length && starts.length > 1) starts.pop();
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
    return { fromLine, newFromLine, lines: toLine - fromLine + 1, atEnd: toLine === starts.length - 1, before: before.slice(from, to), after };
  });
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
