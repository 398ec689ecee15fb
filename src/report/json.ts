// The `--json` document of SPEC §4.
import type { FileError } from "../types.js";
import type { ReportedFinding } from "../run.js";
import type { RunTotals } from "./summary.js";

export interface JsonReport {
  version: 1;
  findings: ReportedFinding[];
  errors: FileError[];
  summary: { files: number; findings: number; fixable: number; fixed: number; suppressed: number; manual: number; errors: number };
}

export function jsonReport(findings: ReportedFinding[], errors: FileError[], totals: RunTotals): JsonReport {
  const sorted = [...findings].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column));
  return {
    version: 1,
    findings: sorted,
    errors,
    summary: {
      files: totals.files,
      findings: totals.findings,
      fixable: totals.fixable,
      fixed: totals.fixed,
      suppressed: totals.suppressed,
      manual: totals.manual,
      errors: totals.errors,
    },
  };
}
