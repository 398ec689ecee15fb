// Git-style unified patches (`diff --git a/P b/P`) that `git apply` takes: jsdiff's own header
// (`Index:` / `====`) is not what git expects, so the git form is requested explicitly.
import type * as Diff from "diff";
import { lazyRequire } from "./lazy.js";

/** Loaded with the first patch: a run that fixes nothing never needs it. */
const loadDiff = lazyRequire<typeof Diff>("diff");

const BOM = "\uFEFF";

/**
 * The patch turning `before` into `after` for `path` (relative, `/` separators). With `bom`, the
 * BOM is part of the first line on both sides, so the patch carries the file's real first bytes.
 */
export function filePatch(path: string, before: string, after: string, bom = false): string {
  const prefix = bom ? BOM : "";
  const { formatPatch, structuredPatch } = loadDiff();
  const patch = structuredPatch(`a/${path}`, `b/${path}`, prefix + before, prefix + after, undefined, undefined, { context: 3 });
  return formatPatch({ ...patch, isGit: true });
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
