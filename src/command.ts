// The command line: argv to options, the engine's results to stdout (patch, JSON) and stderr
// (errors, summary), and the exit status of SPEC §4. All the work happens in the engine. Loaded
// by src/cli.ts, the executable, once it has done what must come before the rest loads.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseCommandLine, UsageError, type CliOptions } from "./options.js";
import { colorEnabled, palette } from "./color.js";
import { colorPatch } from "./patch.js";
import { type settleFile, type ReportedFinding } from "./run.js";
import { newProgress, settlePaths } from "./pool.js";
import { review, ReviewFeed, type Decide } from "./review.js";
import type { TerminalReview } from "./interactive.js";
import { Tally, summaryLine, summaryTable } from "./report/summary.js";
import { jsonReport } from "./report/json.js";
import { sarifLog, type SarifFile } from "./report/sarif.js";
import { loadConfig } from "./config.js";
import { transforms } from "../transforms/index.js";
import type { Transform } from "./transform.js";
import { appendAll } from "./append.js";

// 130 and 143 are 128 + the signal number, as a shell reports a process killed by SIGINT or SIGTERM.
export const EXIT = { clean: 0, fixable: 1, error: 2, interrupted: 130, brokenPipe: 141, terminated: 143 } as const;

const HELP = `bindfix — fix Python servers and sockets bound to all network interfaces

Usage: bindfix [options] [paths...]        (paths default to ".")

Without options bindfix prints a git-style patch of every fix on stdout and changes nothing.

Modes:
  -w, --write              apply every fixable finding
  -i, --interactive        review each change: y apply, n skip, f rest of file, a all, q quit, ? help
      --json               print findings as JSON (combines with --write)
      --sarif              print a SARIF 2.1.0 log

Rewrite:
      --env-var NAME       environment variable read at run time (default BIND_HOST)
      --default-host ADDR  fallback for IPv4 binds (default 127.0.0.1)
      --default-host6 ADDR fallback for IPv6 binds (default ::1)

Selection:
      --exclude GLOB       skip matching paths (repeatable); .gitignore is always honoured
      --rule ID            run only this transform (repeatable): ${transforms.map((t) => t.id).join(", ")}

Output:
      --no-color           no colours (also off when not a TTY or NO_COLOR is set;
                           FORCE_COLOR=1 turns them on in a pipe)
  -q, --quiet              no summary line
  -h, --help               this help
  -V, --version            the version

Examples:
  bindfix src/                          preview the fixes as a patch
  bindfix src/ > fix.patch && git apply fix.patch
  bindfix --write .                     fix the whole repository
  bindfix -i app/                       approve change by change
  bindfix --json --write . > report.json
  bindfix --sarif . > bindfix.sarif     for GitHub code scanning (upload-sarif)

Configuration: [tool.bindfix] in the nearest pyproject.toml (from here up to the repository
root) may set env-var, default-host, default-host6, exclude and rules; options given here win.

Exit status: 0 nothing fixable remains, 1 fixable findings remain, 2 usage error or a file
could not be read, decoded, parsed or written (the other files are still handled).
`;

function version(): string {
  const manifest = fileURLToPath(new URL("../../package.json", import.meta.url));
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

function selectTransforms(rules: string[]): readonly Transform[] {
  if (rules.length === 0) return transforms;
  const known = new Set(transforms.map((transform) => transform.id));
  const unknown = rules.filter((rule) => !known.has(rule));
  if (unknown.length > 0) {
    throw new UsageError(`unknown rule '${unknown[0]}' (known: ${[...known].join(", ")})`);
  }
  return transforms.filter((transform) => rules.includes(transform.id));
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions;
  let selected: readonly Transform[];
  try {
    options = parseCommandLine(argv, () => loadConfig(process.cwd(), transforms.map((transform) => transform.id)));
    selected = selectTransforms(options.rules);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bindfix: ${error.message}\nTry 'bindfix --help'.\n`);
    return EXIT.error;
  }
  if (options.help) {
    process.stdout.write(HELP);
    return EXIT.clean;
  }
  if (options.version) {
    process.stdout.write(`${version()}\n`);
    return EXIT.clean;
  }
  if (options.interactive && !process.stdin.isTTY) {
    process.stderr.write("bindfix: --interactive needs a terminal on standard input; use --write to apply every fix\n");
    return EXIT.error;
  }

  const stdoutColored = colorEnabled(process.stdout, options.noColor);
  const stdoutColors = palette(stdoutColored);
  const stderrColors = palette(colorEnabled(process.stderr, options.noColor));
  const startedAt = performance.now();
  const tally = new Tally();
  const findings: ReportedFinding[] = [];
  const sarifFiles: SarifFile[] = [];
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted ??= signal;
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const runOptions = { paths: options.paths, cwd: process.cwd(), rewrite: options.rewrite, transforms: selected, exclude: options.exclude };
  // A review starts asking while the scan goes on (see `ReviewFeed`), so it owns the counter, to
  // pause it, and the scan's error lines wait for the gap between two questions.
  const feed = options.interactive ? new ReviewFeed() : undefined;
  const progress = newProgress(options) ?? null;
  let holdLines = false;
  const heldLines: string[] = [];
  const notify = (line: string): void => {
    if (holdLines) heldLines.push(line);
    else process.stderr.write(line);
  };
  const flushHeld = (): void => {
    if (heldLines.length > 0) process.stderr.write(heldLines.splice(0).join(""));
  };
  const errorLine = (path: string, message: string): string => `${stderrColors.red("error")}: ${path}: ${message}\n`;
  const reportError = (path: string, message: string): void => {
    tally.addError({ path, message });
    notify(errorLine(path, message));
  };
  // Files with nothing to ask are settled (and with --write, written) as they come, in path order;
  // in a review, the others go to the feed.
  const settled = settlePaths({ ...runOptions, write: options.write, interactive: options.interactive, quiet: options.quiet, progress, stopped: () => !!interrupted });
  const scan = async (): Promise<void> => {
    for await (const result of settled) {
      if (interrupted || feed?.abandoned) break;
      if ("error" in result) reportError(result.error.path, result.error.message);
      else if ("review" in result) feed?.push(result.review);
      else {
        const { outcome } = result;
        countOutcome(outcome);
        if (!options.json && !options.sarif && !options.write && outcome.patch) {
          process.stdout.write(stdoutColored ? colorPatch(outcome.patch.text, stdoutColors) : outcome.patch.bytes);
        }
      }
      if (!feed) continue;
      feed.poll();
      // While a question waits, let the terminal's keys be read between two files; until the
      // prompt library has loaded, let its loader go on between two files.
      if (feed.asking || !promptLoaded) await new Promise((resolve) => setImmediate(resolve));
    }
    // Interrupted before the review began: nothing is asked.
    if (interrupted) feed?.takeQueued();
  };

  let stopped: "quit" | "interrupted" | undefined;
  /** False while the review's prompt library is loading (see below). */
  let promptLoaded = !feed;
  if (!feed) {
    await scan();
  } else {
    // Loaded only for a review: the prompt library is a fifth of the start-up of every other run.
    // Loaded while the scan goes on, not before it, so that its file reads overlap the scan; the
    // loader needs a turn of the event loop for each level of imports, so the scan gives it one
    // between two files until it is done (0.16 s; at the scan's turn every 50 ms it took 0.6 s).
    const loading = import("./interactive.js");
    loading.then(
      () => (promptLoaded = true),
      () => (promptLoaded = true), // A failure to load is thrown at the first question, if one comes.
    );
    const scanning = scan().then(
      () => feed.end(),
      (error: unknown) => feed.fail(error),
    );
    let terminal: TerminalReview | undefined;
    let asked = false;
    const decide: Decide = async (question) => {
      if (!asked) {
        asked = true;
        const { terminalDecide } = await loading;
        // The review holds the terminal in raw mode: a Ctrl-C between two questions comes as a key.
        terminal = terminalDecide({ input: process.stdin, output: process.stderr, colors: stderrColors, onInterrupt: () => onSignal("SIGINT") });
        holdLines = true;
        progress?.pause();
        // At a prompt, Ctrl-C reaches it as a key. SIGTERM cannot cancel a prompt that waits for a
        // key, but no write is under way while a handler runs (writes are synchronous): the file
        // under review is abandoned unwritten and the process ends at once.
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        process.once("SIGTERM", () => {
          process.stderr.write("\nbindfix: terminated; every file is either unchanged or completely written\n");
          process.exit(EXIT.terminated);
        });
      }
      flushHeld();
      return terminal!.decide(question);
    };
    let result;
    try {
      result = await review(feed, decide, true);
    } finally {
      terminal?.close();
    }
    await scanning;
    holdLines = false;
    flushHeld();
    result.outcomes.forEach(countOutcome);
    stopped = result.stopped;
  }

  function countOutcome(outcome: ReturnType<typeof settleFile>): void {
    const before = tally.errors.length;
    tally.addOutcome(outcome);
    appendAll(findings, outcome.findings);
    if (options.sarif) sarifFiles.push({ findings: outcome.findings, importInsertion: outcome.importInsertion });
    for (const error of tally.errors.slice(before)) notify(errorLine(error.path, error.message));
  }

  if (options.json) process.stdout.write(JSON.stringify(jsonReport(findings, tally.errors, tally.totals), null, 2) + "\n");
  if (options.sarif) {
    const log = sarifLog({ files: sarifFiles, errors: tally.errors, transforms: selected, version: version(), cwd: process.cwd(), rewrite: options.rewrite });
    process.stdout.write(JSON.stringify(log, null, 2) + "\n");
  }
  if (!options.quiet && process.stderr.isTTY) {
    const config = options.configFile && path.relative(process.cwd(), options.configFile);
    for (const line of summaryTable(tally.totals, performance.now() - startedAt, stderrColors, config)) process.stderr.write(line + "\n");
  }
  if (!options.quiet) {
    for (const line of summaryLine(tally.totals, options, options.rewrite.envVar)) process.stderr.write(line + "\n");
  }
  if (interrupted || stopped === "interrupted") {
    process.stderr.write("bindfix: interrupted; every file is either unchanged or completely written\n");
    return interrupted === "SIGTERM" ? EXIT.terminated : EXIT.interrupted;
  }
  if (tally.totals.errors > 0) return EXIT.error;
  return tally.remaining > 0 ? EXIT.fixable : EXIT.clean;
}

// A reader that stops early (`bindfix . | head`) closes the pipe: end at once and quietly, as
// `git log | head` does, with the status a shell reports for SIGPIPE. Writes are synchronous, so
// every file is either untouched or completely written.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(EXIT.brokenPipe);
  process.stderr.write(`bindfix: cannot write to standard output: ${error.message}\n`);
  process.exit(EXIT.error);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bindfix: internal error: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = EXIT.error;
  },
);
