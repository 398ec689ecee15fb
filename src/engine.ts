// One file, end to end and without I/O: prefilter, parse, run the transforms, merge findings that
// share a literal, and keep syntax errors away from rewrites. The CLI and the API both call this.
import type { Finding, RewriteOptions, SyntaxNode } from "./types.js";
import type { Transform } from "./transform.js";
import { Analysis } from "./analysis/index.js";
import { enclosingStatement, isIpv6Spelling, targetValue } from "./analysis/syntax.js";
import { errorRanges } from "./parse.js";
import { parseView } from "./parse-view.js";
import { applyFindings, type FixResult } from "./fix.js";
import type { LineEnding } from "./source.js";
import { firstAtOrAfter, lastAtOrBefore } from "./sorted.js";
import { descendantAt } from "./analysis/ancestry.js";

export interface ScanInput {
  path: string;
  text: string;
  eol: LineEnding;
}

export interface ScannedFile {
  input: ScanInput;
  /** Findings sorted by position; one per literal. */
  findings: Finding[];
  /** Problems that make part of the file unfixable (a syntax error around a finding). */
  errors: string[];
  /** False when the prefilter showed no transform could match, so nothing was parsed. */
  parsed: boolean;
  /** Applies the accepted findings (default: every fixable one) and returns the new text. */
  fix(accepted?: readonly Finding[]): FixResult;
}

export function scanText(input: ScanInput, transforms: readonly Transform[], options: RewriteOptions): ScannedFile {
  const candidates = transforms.filter((transform) => transform.mayMatch(input.text));
  if (candidates.length === 0) {
    return { input, findings: [], errors: [], parsed: false, fix: () => ({ text: input.text, edits: [] }) };
  }
  const parsed = parseView(input.text);
  const analysis = new Analysis({ path: input.path, text: input.text, tree: parsed.tree }, options);
  const merged = mergeByLiteral(candidates.flatMap((transform) => transform.find(analysis)));
  const errors: string[] = [];
  const findings = keepAwayFromSyntaxErrors(analysis.root, merged, input.text, errors);
  return {
    input,
    findings,
    errors,
    parsed: true,
    fix: (accepted = findings) => applyFindings(analysis, parsed, input.eol, accepted),
  };
}

const STATUS_RANK: Record<Finding["status"], number> = { suppressed: 2, manual: 1, fixable: 0 };

/**
 * One finding per literal. A constant reached from several binds is rewritten once; if any bind
 * suppresses it or must not move to loopback, that wins, and binds needing different rewrites
 * (an IPv4 and an IPv6 socket sharing one constant) leave the choice to a person.
 */
function mergeByLiteral(findings: Finding[]): Finding[] {
  const byRange = new Map<string, Finding>();
  for (const finding of findings) {
    const key = `${finding.start}:${finding.end}`;
    const seen = byRange.get(key);
    if (!seen) {
      byRange.set(key, finding);
    } else if (STATUS_RANK[finding.status] > STATUS_RANK[seen.status]) {
      byRange.set(key, { ...finding, rule: seen.rule });
    } else if (seen.status === "fixable" && finding.status === "fixable" && seen.edits[0]?.text !== finding.edits[0]?.text) {
      byRange.set(key, {
        ...seen,
        status: "manual",
        reason: "this literal reaches several binds that need different rewrites (IPv4 and IPv6)",
        edits: [],
        requires: [],
      });
    }
  }
  return [...byRange.values()].sort((a, b) => a.start - b.start);
}

/** SPEC §5: a finding whose statement overlaps an error node is reported as an error, not rewritten. */
function keepAwayFromSyntaxErrors(root: SyntaxNode, findings: Finding[], text: string, errors: string[]): Finding[] {
  const ranges = errorRanges(root);
  if (ranges.length === 0) return findings;
  // The ranges come in source order and do not overlap, so their ends ascend too: the only one that
  // may overlap a statement is the first that ends inside or after its start. (Testing every range
  // for every literal took seconds in a broken file of thousands of `x = "0.0.0.0" )` lines.)
  const ends = ranges.map(([, end]) => end);
  const broken = (node: SyntaxNode): boolean => {
    const statement = enclosingStatement(node);
    const first = ranges[firstAtOrAfter(ends, statement.startIndex + 1)];
    return first !== undefined && first[0] < statement.endIndex;
  };
  const kept = findings.filter((finding) => {
    const near = broken(descendantAt(root, finding.start, finding.end));
    if (near) errors.push(`line ${lineOf(text, finding.start)}: syntax error around this finding; not rewritten`);
    return !near;
  });
  // An error can hide a bind from every transform (`s.bind(("0.0.0.0", 80)` missing its parenthesis):
  // name an unmistakable all-interfaces address in a broken statement rather than pass over it in
  // silence. "" and "0" are too common in other roles to be reported on their own.
  const found = new Set(findings.map((finding) => finding.start));
  for (const literal of root.descendantsOfType("string")) {
    const value = targetValue(literal);
    if (value === undefined || !(value === "0.0.0.0" || isIpv6Spelling(value)) || found.has(literal.startIndex)) continue;
    if (broken(literal)) errors.push(`line ${lineOf(text, literal.startIndex)}: syntax error near "${value}"; not checked`);
  }
  return kept;
}

/** Where each line of the last text asked about starts: a file's findings are placed one after another. */
let lastLines: { text: string; starts: number[] } | undefined;

function lineStarts(text: string): number[] {
  if (lastLines?.text === text) return lastLines.starts;
  const starts = [0];
  const lineBreak = /\r\n|\r|\n/g;
  for (let match = lineBreak.exec(text); match; match = lineBreak.exec(text)) starts.push(match.index + match[0].length);
  lastLines = { text, starts };
  return starts;
}

/** The index in `lineStarts` of the line holding an offset, and whether the offset splits a `\r\n`. */
function lineAt(text: string, offset: number): { index: number; start: number } {
  const starts = lineStarts(text);
  const low = lastAtOrBefore(starts, offset);
  // An offset between the two characters of a `\r\n` has its `\r` behind it, as a line end of its own.
  if (text[offset - 1] === "\r" && text[offset] === "\n") return { index: low + 1, start: offset };
  return { index: low, start: starts[low]! };
}

/** 1-based line of an offset; `\r\n`, `\r` and `\n` each end a line, as in Python. */
export function lineOf(text: string, offset: number): number {
  return lineAt(text, offset).index + 1;
}

/** 1-based column of an offset, in UTF-16 code units from its line's start. */
export function columnOf(text: string, offset: number): number {
  return offset - lineAt(text, offset).start + 1;
}
