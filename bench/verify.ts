// The corpus self-check (`npm run verify -- <dir>`): runs the built CLI over a copy of a tree and
// checks what bindfix promises at scale — fixed files still compile (when they did), the dry-run patch
// applied with `git apply` equals `--write` byte for byte, a second run is clean — then prints a table.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { discover } from "../src/discover.js";

const cliPath = fileURLToPath(new URL("../src/cli.js", import.meta.url));
const USAGE = `usage: npm run verify -- <dir> [--keep] [--inject]
  --keep    leave the temporary copies in place and print where they are
  --inject  append a socket bound to "0.0.0.0" to every copied file, so that every file gets fixed
            (and, mostly, an \`import os\` inserted under its own header): stresses the rewrite on
            every real file rather than on the few that bind
`;

/** Appended by --inject, in the file's own line ending; ASCII, so valid in any codec bindfix accepts. */
const PROBE = ["import socket as _bindfix_probe", '_bindfix_probe.socket().bind(("0.0.0.0", 0))'];

interface JsonRun {
  findings: Array<{ path: string; status: string; fixed: boolean }>;
  errors: Array<{ path: string; message: string }>;
  summary: { files: number; findings: number; fixable: number; fixed: number; suppressed: number; manual: number; errors: number };
}

interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** One run of the built CLI; bindfix's own exit codes are 0, 1 and 2, anything else is a crash. */
function bindfix(cwd: string, args: string[]): CliRun {
  const result = spawnSync(process.execPath, [cliPath, "--no-color", ...args], { cwd, maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: "1" } });
  if (result.error) throw result.error;
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr.toString() };
}

function crashed(run: CliRun): boolean {
  return run.signal !== null || ![0, 1, 2].includes(run.status ?? -1);
}

function parseJson(run: CliRun, what: string): JsonRun {
  try {
    return JSON.parse(run.stdout.toString("utf8")) as JsonRun;
  } catch {
    throw new Error(`${what}: bindfix printed no JSON (exit ${run.status}): ${run.stderr.split("\n", 1)[0]}`);
  }
}

/** The files bindfix would read under `root`, relative with `/` separators, in walk order. */
async function corpusFiles(root: string): Promise<{ files: string[]; errors: string[] }> {
  const files: string[] = [];
  const errors: string[] = [];
  for await (const item of discover(["."], { cwd: root, exclude: [] })) {
    if ("file" in item) files.push(item.file.path);
    else errors.push(`${item.error.path}: ${item.error.message}`);
  }
  return { files, errors };
}

/** Copies just the files bindfix reads, keeping their relative paths and permission bits. */
function copyFiles(from: string, to: string, files: readonly string[], inject: boolean): void {
  for (const file of files) {
    const target = path.join(to, file);
    mkdirSync(path.dirname(target), { recursive: true });
    if (inject) writeFileSync(target, withProbe(readFileSync(path.join(from, file))));
    else copyFileSync(path.join(from, file), target);
    chmodSync(target, statSync(path.join(from, file)).mode & 0o7777);
  }
}

function withProbe(bytes: Buffer): Buffer {
  const text = bytes.toString("latin1");
  const eol = /\r\n|\r|\n/.exec(text)?.[0] ?? "\n";
  const lead = text.length === 0 || /[\r\n]$/.test(text) ? "" : eol;
  return Buffer.concat([bytes, Buffer.from(lead + PROBE.join(eol) + eol, "latin1")]);
}

/** Splits a multi-file git patch at its `diff --git` headers, keeping the bytes (any encoding). */
function splitPatch(patch: Buffer): Array<{ path: string; bytes: Buffer }> {
  const text = patch.toString("latin1");
  const starts = text.startsWith("diff --git ") ? [0] : [];
  for (const match of text.matchAll(/\ndiff --git /g)) starts.push(match.index + 1);
  return starts.map((start, i) => {
    const header = /^diff --git a\/(.*) b\//.exec(text.slice(start, text.indexOf("\n", start)));
    return { path: header?.[1] ?? "?", bytes: patch.subarray(start, starts[i + 1] ?? text.length) };
  });
}

/** Applies the dry-run patch in `dir`; returns the files whose part of the patch did not apply. */
function gitApply(dir: string, patch: Buffer): Map<string, string> {
  const failures = new Map<string, string>();
  if (patch.length === 0) return failures;
  const whole = spawnSync("git", ["apply", "--whitespace=nowarn", "-"], { cwd: dir, input: patch, maxBuffer: 1 << 30 });
  if (whole.status === 0) return failures;
  // git apply is all or nothing: file by file to name the ones that fail.
  for (const part of splitPatch(patch)) {
    const one = spawnSync("git", ["apply", "--whitespace=nowarn", "-"], { cwd: dir, input: part.bytes });
    if (one.status !== 0) failures.set(part.path, one.stderr.toString().split("\n", 1)[0] ?? "git apply failed");
  }
  return failures;
}

const COMPILE_PATHS = `
import json, sys
failures = {}
for name in json.load(sys.stdin):
    try:
        with open(name, "rb") as handle:
            compile(handle.read(), name, "exec", dont_inherit=True)
    except Exception as error:
        failures[name] = f"{type(error).__name__}: {error}"
print(json.dumps(failures))
`;

function hasPython(): boolean {
  return spawnSync("python3", ["--version"]).status === 0;
}

/** Compiles the files in one python3 process (an oracle for the check; bindfix never runs Python). */
function compileFailures(files: readonly string[]): Map<string, string> {
  if (files.length === 0) return new Map();
  const result = spawnSync("python3", ["-c", COMPILE_PATHS], { input: JSON.stringify(files), maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr.toString()}`);
  return new Map(Object.entries(JSON.parse(result.stdout.toString()) as Record<string, string>));
}

/** An error message with its particulars (line numbers, quoted names, paths) taken out. */
function errorKind(message: string): string {
  return message
    .replace(/\bline \d+(:\d+)?/g, "line N")
    .replace(/'[^']*'/g, "'…'")
    .replace(/symbolic link to \S+,/, "symbolic link to …,")
    .replace(/offset \d+/g, "offset N");
}

interface Report {
  rows: Array<[string, number | string]>;
  kinds: Map<string, number>;
  violations: string[];
}

async function verify(root: string, keep: boolean, inject: boolean): Promise<Report> {
  const violations: string[] = [];
  const work = mkdtempSync(path.join(os.tmpdir(), "bindfix-verify-"));
  const written = path.join(work, "write");
  const patched = path.join(work, "patch");
  try {
    const corpus = await corpusFiles(root);
    copyFiles(root, written, corpus.files, inject);
    mkdirSync(written, { recursive: true });
    cpSync(written, patched, { recursive: true });
    // The reference for "changed" and "compiled before": the copy as it was before bindfix ran.
    const pristine = path.join(work, "before");
    cpSync(written, pristine, { recursive: true });

    // 1. The dry run's patch, on an untouched copy.
    const dry = bindfix(patched, ["."]);
    if (crashed(dry)) violations.push(`dry run crashed (exit ${dry.status ?? dry.signal}): ${dry.stderr.trim().split("\n").pop()}`);
    // 2. --write on the other copy.
    const fixRun = bindfix(written, ["--write", "--json", "."]);
    if (crashed(fixRun)) violations.push(`--write crashed (exit ${fixRun.status ?? fixRun.signal}): ${fixRun.stderr.trim().split("\n").pop()}`);
    const fix = parseJson(fixRun, "--write --json");
    // 3. The patch applied with git must give the same bytes as --write, for every file.
    const applyFailures = gitApply(patched, dry.stdout);
    const mismatches = new Map<string, string>(applyFailures);
    const changed: string[] = [];
    for (const file of corpus.files) {
      const original = readFileSync(path.join(pristine, file));
      const afterWrite = readFileSync(path.join(written, file));
      const afterPatch = readFileSync(path.join(patched, file));
      if (!afterWrite.equals(original)) changed.push(file);
      if (!mismatches.has(file) && !afterWrite.equals(afterPatch)) mismatches.set(file, "patch result differs from --write");
    }
    // 4. A second run finds nothing fixable.
    const again = parseJson(bindfix(written, ["--json", "."]), "second run");
    const notIdempotent = [...new Set(again.findings.filter((f) => f.status === "fixable").map((f) => f.path))];
    // 5. Every changed file compiles if its original did.
    let compileRow: number | string = "skipped (no python3)";
    const compileBroken: string[] = [];
    if (hasPython()) {
      const before = compileFailures(changed.map((file) => path.join(pristine, file)));
      const after = compileFailures(changed.map((file) => path.join(written, file)));
      for (const file of changed) {
        const failure = after.get(path.join(written, file));
        if (failure && !before.has(path.join(pristine, file))) compileBroken.push(`${file}: ${failure}`);
      }
      compileRow = compileBroken.length;
    }

    const kinds = new Map<string, number>();
    for (const error of [...corpus.errors.map((line) => ({ message: line.slice(line.indexOf(": ") + 2) })), ...fix.errors]) {
      const kind = errorKind(error.message);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      if (/internal error/.test(error.message)) violations.push(`internal error: ${"path" in error ? error.path : "?"}: ${error.message}`);
    }
    for (const [file, why] of mismatches) violations.push(`patch mismatch: ${file}: ${why}`);
    for (const file of notIdempotent) violations.push(`not idempotent: ${file}: the second run still finds fixable findings`);
    for (const line of compileBroken) violations.push(`compile failure after fixing: ${line}`);
    if (fix.summary.fixed !== fix.summary.fixable) {
      violations.push(`--write fixed ${fix.summary.fixed} of ${fix.summary.fixable} fixable findings`);
    }

    const s = fix.summary;
    return {
      rows: [
        ["files", corpus.files.length],
        ["findings", s.findings],
        ["  fixable", s.fixable],
        ["  suppressed", s.suppressed],
        ["  manual", s.manual],
        ["files changed", changed.length],
        ["compile failures", compileRow],
        ["non-idempotent files", notIdempotent.length],
        ["patch mismatches", mismatches.size],
        ["errors", s.errors + corpus.errors.length],
      ],
      kinds,
      violations,
    };
  } finally {
    if (keep) process.stderr.write(`verify: copies kept in ${work} (before/ = input, write/ = --write, patch/ = git apply of the dry run)\n`);
    else rmSync(work, { recursive: true, force: true });
  }
}

function render(report: Report): string {
  const width = Math.max(...report.rows.map(([label]) => label.length), ...[...report.kinds.keys()].map((kind) => Math.min(kind.length, 70) + 4));
  const lines = report.rows.map(([label, value]) => `${label.padEnd(width)}  ${String(value).padStart(7)}`);
  const kinds = [...report.kinds].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [kind, count] of kinds) {
    const shown = kind.length > 70 ? kind.slice(0, 69) + "…" : kind;
    lines.push(`    ${shown.padEnd(width - 4)}  ${String(count).padStart(7)}`);
  }
  return lines.join("\n") + "\n";
}

async function main(argv: string[]): Promise<number> {
  const keep = argv.includes("--keep");
  const inject = argv.includes("--inject");
  const dirs = argv.filter((arg) => arg !== "--keep" && arg !== "--inject");
  if (dirs.length !== 1 || dirs[0]!.startsWith("-")) {
    process.stderr.write(USAGE);
    return 2;
  }
  const root = path.resolve(dirs[0]!);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    process.stderr.write(`verify: not a directory: ${dirs[0]}\n${USAGE}`);
    return 2;
  }
  const started = Date.now();
  const report = await verify(root, keep, inject);
  process.stdout.write(`bindfix verify${inject ? " --inject" : ""}: ${root}\n${render(report)}`);
  for (const violation of report.violations.slice(0, 50)) process.stdout.write(`VIOLATION ${violation}\n`);
  if (report.violations.length > 50) process.stdout.write(`... and ${report.violations.length - 50} more violations\n`);
  process.stderr.write(`verify: ${((Date.now() - started) / 1000).toFixed(1)} s, ${report.violations.length === 0 ? "no violations" : `${report.violations.length} violations`}\n`);
  return report.violations.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`verify: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
