// Counting a run's results, and the one-line summary every run ends with (SPEC §4).
import type { FileError } from "../types.js";
import type { FileOutcome } from "../run.js";

export interface RunTotals {
  files: number;
  parsed: number;
  findings: number;
  fixable: number;
  fixed: number;
  suppressed: number;
  manual: number;
  errors: number;
  /** Files that have (or had) at least one fixable finding. */
  filesWithFixes: number;
  filesFixed: number;
}

export class Tally {
  readonly totals: RunTotals = { files: 0, parsed: 0, findings: 0, fixable: 0, fixed: 0, suppressed: 0, manual: 0, errors: 0, filesWithFixes: 0, filesFixed: 0 };
  readonly errors: FileError[] = [];

  addOutcome(outcome: FileOutcome): void {
    const t = this.totals;
    t.files++;
    if (outcome.parsed) t.parsed++;
    t.findings += outcome.findings.length;
    let fixable = 0;
    for (const finding of outcome.findings) {
      if (finding.status === "fixable") fixable++;
      if (finding.status === "suppressed") t.suppressed++;
      if (finding.status === "manual") t.manual++;
      if (finding.fixed) t.fixed++;
    }
    t.fixable += fixable;
    if (fixable > 0) t.filesWithFixes++;
    if (outcome.written) t.filesFixed++;
    for (const error of outcome.errors) this.addError(error);
  }

  addError(error: FileError): void {
    this.totals.errors++;
    this.errors.push(error);
  }

  /** Fixable findings that are still in the code after this run. */
  get remaining(): number {
    return this.totals.fixable - this.totals.fixed;
  }
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;

export function summaryLine(totals: RunTotals, mode: { write: boolean; interactive: boolean }, envVar: string): string[] {
  const extras: string[] = [];
  if (totals.suppressed) extras.push(`${totals.suppressed} suppressed`);
  if (totals.manual) extras.push(`${totals.manual} manual`);
  if (totals.errors) extras.push(plural(totals.errors, "error"));
  const tail = extras.length ? ` (${extras.join(", ")})` : "";
  const lines: string[] = [];
  if (mode.write || mode.interactive) {
    const left = totals.fixable - totals.fixed;
    const skipped = left > 0 ? `; ${left} left unfixed` : "";
    lines.push(`fixed ${plural(totals.fixed, "finding")} in ${plural(totals.filesFixed, "file")}${tail}${skipped}`);
    if (totals.fixed > 0) lines.push(`set ${envVar}=0.0.0.0 where all-interface binding is wanted (e.g. inside a container)`);
  } else if (totals.fixable > 0) {
    lines.push(`would fix ${plural(totals.fixable, "finding")} in ${plural(totals.filesWithFixes, "file")}${tail}; run with --write to apply`);
  } else {
    lines.push(`nothing to fix in ${plural(totals.files, "file")}${tail}`);
  }
  return lines;
}

export interface TableColors {
  bold: (text: string) => string;
  dim: (text: string) => string;
  yellow: (text: string) => string;
  red: (text: string) => string;
  green: (text: string) => string;
}

/**
 * The per-run table for a person at a terminal (stderr only when it is a TTY): files scanned,
 * findings by status, fixed, errors and time. The one-line summary above still follows it.
 */
export function summaryTable(totals: RunTotals, elapsedMs: number, colors: TableColors, configFile?: string): string[] {
  const rows: [string, string, (text: string) => string][] = [
    ["files scanned", String(totals.files), colors.bold],
    ["findings", String(totals.findings), colors.bold],
    ["  fixable", String(totals.fixable), totals.fixable > totals.fixed ? colors.yellow : colors.bold],
    ["  suppressed", String(totals.suppressed), colors.bold],
    ["  manual", String(totals.manual), colors.bold],
    ["fixed", String(totals.fixed), totals.fixed > 0 ? colors.green : colors.bold],
    ["errors", String(totals.errors), totals.errors > 0 ? colors.red : colors.bold],
    ["time", formatDuration(elapsedMs), colors.bold],
  ];
  if (configFile) rows.push(["config", configFile, (text) => text]);
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.filter(([label]) => label !== "config").map(([, value]) => value.length));
  // A blank line first sets the table apart from the patch or the prompts above it.
  return ["", ...rows.map(([label, value, paint]) => `  ${colors.dim(label.padEnd(labelWidth))}  ${paint(label === "config" ? value : value.padStart(valueWidth))}`)];
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
