// Runs the engine over paths, one file at a time end to end: discover, read and decode, scan,
// apply the accepted findings, and (when asked) write. Results are values; a bad file is one error.
import type { Edit, FileError, Finding, RewriteOptions } from "./types.js";
import type { Transform } from "./transform.js";
import { discover, describeFsError, readRegularFile, type DiscoveredFile, type Discovery } from "./discover.js";
import { decodeSource, encodeSource, type Source } from "./source.js";
import { columnOf, lineOf, scanText, type ScannedFile } from "./engine.js";
import { filePatch } from "./patch.js";
import { writeIfUnchanged, type WriteResult } from "./write.js";

export interface ReportedFinding {
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  host: string;
  status: Finding["status"];
  fixed: boolean;
  message: string;
  reason?: string;
  replacement?: string;
}

export interface RunOptions {
  paths: readonly string[];
  cwd: string;
  rewrite: RewriteOptions;
  transforms: readonly Transform[];
  exclude: readonly string[];
}

/** A file read and scanned, ready for a decision on which findings to apply. */
export interface ScannedSource {
  source: Source;
  scan: ScannedFile;
}

export type ScanResult = { error: FileError } | ScannedSource;

export function readSource(file: DiscoveredFile): { source: Source } | { error: FileError } {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file.absPath);
  } catch (error) {
    return { error: { path: file.path, message: describeFsError(error) } };
  }
  const decoded = decodeSource(bytes);
  if ("error" in decoded) return { error: { path: file.path, message: decoded.error } };
  return { source: { ...decoded, path: file.path, absPath: file.absPath, bytes } };
}

// Test-only: a pause before each file, so that test/safety/interrupt.test.ts can deliver a signal
// between files of a --write run deterministically. Unset (always, outside tests) it costs nothing.
const TEST_PAUSE_MS = Number(process.env.BINDFIX_TEST_PAUSE_MS ?? 0);

/** Every discovered file (or those of `discovered`, a walk made or begun), read and scanned, in path order. */
export async function* scanPaths(options: RunOptions, discovered?: Iterable<Discovery> | AsyncIterable<Discovery>): AsyncGenerator<ScanResult> {
  for await (const item of discovered ?? discover(options.paths, { cwd: options.cwd, exclude: options.exclude })) {
    if (TEST_PAUSE_MS > 0) await new Promise((resolve) => setTimeout(resolve, TEST_PAUSE_MS));
    if ("error" in item) {
      yield item;
      continue;
    }
    const read = readSource(item.file);
    if ("error" in read) {
      yield read;
      continue;
    }
    let scanned: ScanResult;
    try {
      scanned = scanSource(read.source, options);
    } catch (error) {
      scanned = { error: internalError(item.file.path, error) };
    }
    yield scanned;
  }
}

/** A failure of bindfix itself on one file: that file's error, so that the rest of the run goes on. */
export function internalError(path: string, error: unknown): FileError {
  return { path, message: `internal error: ${(error as Error)?.message ?? String(error)}` };
}

export function scanSource(source: Source, options: Pick<RunOptions, "transforms" | "rewrite">): ScannedSource {
  const scan = scanText({ path: source.path, text: source.text, eol: source.eol }, options.transforms, options.rewrite);
  return { source, scan };
}

export interface FileOutcome {
  path: string;
  findings: ReportedFinding[];
  errors: FileError[];
  /** The git-style patch of the accepted changes, as text and as bytes in the file's encoding. */
  patch?: { text: string; bytes: Buffer };
  /** True when the file was rewritten on disk. */
  written: boolean;
  parsed: boolean;
  /**
   * The `import os` line the accepted fixes add (a point in the text as read, 1-based) and which of
   * `findings` need it; absent when none does. SARIF shows it as part of each such finding's fix.
   */
  importInsertion?: { line: number; column: number; text: string; neededBy: ReportedFinding[] };
}

/**
 * Applies `accepted` to one scanned file: builds its patch and, with `write`, writes it.
 * The dry run, `--write` and the interactive mode all come through here.
 */
/** Puts new bytes on disk if the old ones are still there; `writeIfUnchanged` unless a caller defers the write. */
export type Writer = (absPath: string, expected: Buffer, contents: Buffer) => WriteResult;

export function settleFile(scanned: ScannedSource, accepted: readonly Finding[], write: boolean | Writer): FileOutcome {
  const { source, scan } = scanned;
  const errors: FileError[] = scan.errors.map((message) => ({ path: source.path, message }));
  const toApply = accepted.filter((finding) => finding.status === "fixable");
  const outcome = (written: boolean, patch?: FileOutcome["patch"], importEdit?: Edit): FileOutcome => {
    const findings = scan.findings.map((finding) => reportFinding(source, finding, written && accepted.includes(finding)));
    const settled: FileOutcome = { path: source.path, findings, errors, patch, written, parsed: scan.parsed };
    if (importEdit) {
      const neededBy = findings.filter((_, i) => toApply.includes(scan.findings[i]!) && scan.findings[i]!.requires.includes("os"));
      settled.importInsertion = { line: lineOf(source.text, importEdit.start), column: columnOf(source.text, importEdit.start), text: importEdit.text, neededBy };
    }
    return settled;
  };
  if (toApply.length === 0) return outcome(false);
  const fixed = scan.fix(toApply);
  if ("error" in fixed) {
    errors.push({ path: source.path, message: fixed.error });
    return outcome(false);
  }
  const text = filePatch(source.path, source.text, fixed.text, source.bom, fixed.edits);
  const patch = { text, bytes: encodeSource(text, { encoding: source.encoding, bom: false }) };
  if (!write) return outcome(false, patch, fixed.importEdit);
  const writer = write === true ? writeIfUnchanged : write;
  const result = writer(source.absPath, source.bytes, encodeSource(fixed.text, source));
  if (!result.ok) {
    errors.push({ path: source.path, message: result.message });
    return outcome(false, patch, fixed.importEdit);
  }
  return outcome(true, patch, fixed.importEdit);
}

export function reportFinding(source: Pick<Source, "path" | "text">, finding: Finding, fixed: boolean): ReportedFinding {
  const reported: ReportedFinding = {
    path: source.path,
    line: lineOf(source.text, finding.start),
    column: columnOf(source.text, finding.start),
    endLine: lineOf(source.text, finding.end),
    endColumn: columnOf(source.text, finding.end),
    rule: finding.rule,
    host: finding.host,
    status: finding.status,
    fixed,
    message: finding.message,
  };
  if (finding.reason) reported.reason = finding.reason;
  if (finding.status === "fixable" && finding.edits[0]) reported.replacement = finding.edits[0].text;
  return reported;
}
