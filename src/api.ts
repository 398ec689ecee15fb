// The programmatic API behind `import { scan, fix } from "bindfix"`: the engine the CLI runs, on a
// string of Python source or on paths, with the CLI's option names. Nothing is written unless asked.
import type { FileError, RewriteOptions } from "./types.js";
import type { Transform } from "./transform.js";
import { scanText } from "./engine.js";
import { detectLineEnding } from "./source.js";
import { reportFinding, scanPaths, settleFile, type ReportedFinding } from "./run.js";
import { loadConfig } from "./config.js";
import { ADDRESS, ENV_VAR } from "./options.js";
import { transforms as allTransforms } from "../transforms/index.js";
import { appendAll } from "./append.js";

export type { ReportedFinding } from "./run.js";

/** The command line's options, by their camel-case names. */
export interface ScanOptions {
  /** Environment variable the rewrite reads (default "BIND_HOST"). */
  envVar?: string;
  /** Fallback for IPv4 binds (default "127.0.0.1"). */
  defaultHost?: string;
  /** Fallback for IPv6 binds (default "::1"). */
  defaultHost6?: string;
  /** Globs of paths to skip, as `--exclude` (paths input only). */
  exclude?: string[];
  /** Transform ids to run (default: all), as `--rule`. */
  rules?: string[];
  /** Directory that relative paths are resolved from and reported against (default `process.cwd()`). */
  cwd?: string;
  /**
   * Also apply `[tool.bindfix]` from the nearest pyproject.toml above `cwd`, as the CLI does;
   * options given here win. Off by default, so a library call depends only on its arguments.
   */
  config?: boolean;
  /** The path findings of a string input report (default "<string>"). */
  path?: string;
}

export interface FixOptions extends ScanOptions {
  /** Paths input only: write the fixed files (atomically, only if unchanged since read). Default false. */
  write?: boolean;
}

/** Python source text, or files and directories to walk as the CLI does. */
export type Input = string | { paths: readonly string[] };

export interface ScanReport {
  /** Sorted by path, line, column; the `--json` shape. */
  findings: ReportedFinding[];
  /** Files that could not be read, decoded or parsed around a finding; the run goes on past them. */
  errors: FileError[];
}

export interface TextFix extends ScanReport {
  /** The source with every fixable finding rewritten (`import os` added where needed). */
  text: string;
  changed: boolean;
}

export interface FileFix {
  path: string;
  findings: ReportedFinding[];
  errors: FileError[];
  /** The git-style patch of this file's fixes; absent when nothing changes. */
  patch?: string;
  /** True when `write: true` rewrote the file on disk. */
  written: boolean;
}

export interface PathsFix extends ScanReport {
  /** Every file read, in path order. */
  files: FileFix[];
}

/**
 * Finds binds to all interfaces. A string is scanned as one Python file; `{ paths }` are walked
 * like the CLI's arguments (.gitignore, --exclude, virtual environments skipped).
 */
export async function scan(input: Input, options: ScanOptions = {}): Promise<ScanReport> {
  const settings = resolve(options);
  if (typeof input === "string") {
    const { scanned, text } = scanString(input, settings);
    const findings = scanned.findings.map((finding) => reportFinding({ path: settings.path, text }, finding, false));
    return { findings, errors: scanned.errors.map((message) => ({ path: settings.path, message })) };
  }
  const report: ScanReport = { findings: [], errors: [] };
  for await (const result of scanPaths(runOptions(input.paths, settings))) {
    if ("error" in result) {
      report.errors.push(result.error);
      continue;
    }
    const { source, scan: scanned } = result;
    appendAll(report.findings, scanned.findings.map((finding) => reportFinding(source, finding, false)));
    appendAll(report.errors, scanned.errors.map((message) => ({ path: source.path, message })));
  }
  report.findings.sort(byPosition);
  return report;
}

/**
 * Applies every fixable finding. For a string, returns the fixed text (`fixed` marks the findings
 * applied to it); for `{ paths }`, returns each file's findings and patch, and writes the files
 * only with `write: true`.
 */
export async function fix(input: string, options?: FixOptions): Promise<TextFix>;
export async function fix(input: { paths: readonly string[] }, options?: FixOptions): Promise<PathsFix>;
export async function fix(input: Input, options: FixOptions = {}): Promise<TextFix | PathsFix> {
  const settings = resolve(options);
  if (typeof input === "string") {
    const { scanned, text, bom } = scanString(input, settings);
    const errors: FileError[] = scanned.errors.map((message) => ({ path: settings.path, message }));
    const fixable = scanned.findings.filter((finding) => finding.status === "fixable");
    const result = fixable.length > 0 ? scanned.fix(fixable) : { text };
    const applied = "text" in result;
    if (!applied) errors.push({ path: settings.path, message: result.error });
    const findings = scanned.findings.map((finding) => reportFinding({ path: settings.path, text }, finding, applied && fixable.includes(finding)));
    const fixedText = applied ? result.text : text;
    return { text: (bom ? "\uFEFF" : "") + fixedText, changed: fixedText !== text, findings, errors };
  }
  const report: PathsFix = { findings: [], errors: [], files: [] };
  for await (const result of scanPaths(runOptions(input.paths, settings))) {
    if ("error" in result) {
      report.errors.push(result.error);
      continue;
    }
    const fixable = result.scan.findings.filter((finding) => finding.status === "fixable");
    const outcome = settleFile(result, fixable, options.write === true);
    const file: FileFix = { path: outcome.path, findings: outcome.findings, errors: outcome.errors, written: outcome.written };
    if (outcome.patch) file.patch = outcome.patch.text;
    report.files.push(file);
    appendAll(report.findings, outcome.findings);
    appendAll(report.errors, outcome.errors);
  }
  report.findings.sort(byPosition);
  return report;
}

interface Settings {
  rewrite: RewriteOptions;
  transforms: readonly Transform[];
  exclude: readonly string[];
  cwd: string;
  path: string;
}

/** Options checked as strictly as the CLI checks them; a bad option is a TypeError, not a finding. */
function resolve(options: ScanOptions): Settings {
  const cwd = options.cwd ?? process.cwd();
  const ids = allTransforms.map((transform) => transform.id);
  const config = options.config ? loadConfig(cwd, ids) : {};
  const rewrite: RewriteOptions = {
    envVar: options.envVar ?? config.envVar ?? "BIND_HOST",
    defaultHost: options.defaultHost ?? config.defaultHost ?? "127.0.0.1",
    defaultHost6: options.defaultHost6 ?? config.defaultHost6 ?? "::1",
  };
  if (!ENV_VAR.test(rewrite.envVar)) throw new TypeError(`bindfix: envVar must be a variable name, got '${rewrite.envVar}'`);
  for (const key of ["defaultHost", "defaultHost6"] as const) {
    if (!ADDRESS.test(rewrite[key])) throw new TypeError(`bindfix: ${key} must be an address such as 127.0.0.1 or ::1, got '${rewrite[key]}'`);
  }
  const rules = options.rules ?? config.rules ?? [];
  const unknown = rules.find((rule) => !ids.includes(rule));
  if (unknown !== undefined) throw new TypeError(`bindfix: unknown rule '${unknown}' (known: ${ids.join(", ")})`);
  return {
    rewrite,
    transforms: rules.length > 0 ? allTransforms.filter((transform) => rules.includes(transform.id)) : allTransforms,
    exclude: options.exclude ?? config.exclude ?? [],
    cwd,
    path: options.path ?? "<string>",
  };
}

function scanString(source: string, settings: Settings) {
  // A BOM is not Python text: scan without it, and give it back on the fixed text.
  const bom = source.startsWith("\uFEFF");
  const text = bom ? source.slice(1) : source;
  const scanned = scanText({ path: settings.path, text, eol: detectLineEnding(text) }, settings.transforms, settings.rewrite);
  return { scanned, text, bom };
}

function runOptions(paths: readonly string[], settings: Settings) {
  return { paths, cwd: settings.cwd, rewrite: settings.rewrite, transforms: settings.transforms, exclude: settings.exclude };
}

function byPosition(a: ReportedFinding, b: ReportedFinding): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column;
}
