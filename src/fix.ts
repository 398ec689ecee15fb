// The only code that changes text: accepted findings become magic-string edits plus, at most once,
// the `import os` line; the result is re-parsed and refused if it gained a syntax error.
import MagicString from "magic-string";
import type { Edit, Finding } from "./types.js";
import type { Analysis } from "./analysis/index.js";
import { importInsertion } from "./analysis/imports.js";
import { errorRanges } from "./parse.js";
import { reparseEdited, type ParsedView } from "./parse-view.js";
import type { LineEnding } from "./source.js";

/**
 * The new text, the edits of the old text that make it (sorted, for the patch), and, when the fix
 * adds one, the `import os` insertion among them (in positions of the old text).
 */
export type FixResult = { text: string; edits: Edit[]; importEdit?: Edit } | { error: string };

/** Applies `accepted` to the text `parsed` was made from; the check re-parses only what changed. */
export function applyFindings(analysis: Analysis, parsed: ParsedView, eol: LineEnding, accepted: readonly Finding[]): FixResult {
  const text = analysis.file.text;
  const fixable = accepted.filter((finding) => finding.status === "fixable");
  if (fixable.length === 0) return { text, edits: [] };

  const edits = uniqueEdits(fixable.flatMap((finding) => finding.edits));
  for (let i = 1; i < edits.length; i++) {
    if (edits[i]!.start < edits[i - 1]!.end) {
      return { error: `internal error: overlapping edits at offset ${edits[i]!.start}; file not changed` };
    }
  }
  const output = new MagicString(text);
  for (const edit of edits) output.overwrite(edit.start, edit.end, edit.text);
  const insertion = importEdit(analysis, eol, fixable);
  if (insertion) output.appendLeft(insertion.start, insertion.text);
  const result = output.toString();

  // As Ruff does: a fix that makes the file less parseable than it was is not a fix.
  const before = errorRanges(analysis.root).length;
  const applied = insertion ? [insertion, ...edits].sort(byPosition) : edits;
  const check = reparseEdited(parsed, result, applied);
  const after = errorRanges(check.tree.rootNode).length;
  if (after > before) return { error: "internal error: the fix would introduce a syntax error; file not changed" };
  return insertion ? { text: result, edits: applied, importEdit: insertion } : { text: result, edits: applied };
}

/**
 * The `import os` line that applying `accepted` adds, as an empty-range edit of the original text;
 * undefined when no accepted fix needs it or the file already has it. Reports (SARIF) show it too.
 */
function importEdit(analysis: Analysis, eol: LineEnding, accepted: readonly Finding[]): Edit | undefined {
  const fixable = accepted.filter((finding) => finding.status === "fixable");
  if (!analysis.os.needsImport || !fixable.some((finding) => finding.requires.includes("os"))) return undefined;
  // A loop, not `Math.min(...)`: a generated file's thousands of edits would overflow the stack as arguments.
  let firstEdit = Infinity;
  for (const finding of fixable) for (const edit of finding.edits) firstEdit = Math.min(firstEdit, edit.start);
  const insertion = importInsertion(analysis.root, analysis.file.text, eol, analysis.os.name, firstEdit);
  return { start: insertion.offset, end: insertion.offset, text: insertion.text };
}

/** magic-string puts text appended left of an offset before an overwrite starting there. */
function byPosition(a: Edit, b: Edit): number {
  return a.start - b.start || a.end - b.end;
}

/** Sorted edits with exact duplicates (a constant reached from two binds) dropped. */
function uniqueEdits(edits: Edit[]): Edit[] {
  const sorted = [...edits].sort(byPosition);
  return sorted.filter(
    (edit, i) => i === 0 || !(edit.start === sorted[i - 1]!.start && edit.end === sorted[i - 1]!.end && edit.text === sorted[i - 1]!.text),
  );
}
