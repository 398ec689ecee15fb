// `npm run bench [-- --quick]`: times a bindfix dry run against ast-grep with an equivalent rule,
// Bandit -t B104 (when installed), the Node read floor and the read + parse floor (the read floor,
// then tree-sitter over the files with findings), alternating, several runs each, over the
// installed Python's standard library and over all of it with site-packages; prints the table.
// Then the same dry run over 1, 2, 4 and 8 copies of the standard library, for the check that time
// grows linearly with the number of files while memory stays flat.
// Options: --quick (2 runs), --runs N, --corpus stdlib,python,scaling (any of them), --generated,
// --bandit-all, --no-bandit, --node PATH (repeatable: the dry run again under that Node binary, one
// more row in the same alternation; the targets are judged on the Node that runs the bench).
import { spawnSync } from "node:child_process";
import { availableParallelism, cpus, loadavg, platform, release } from "node:os";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { corpora, replicatedCorpus, type Corpus } from "./corpus.js";
import { hasScript, hasTime, run, timeToPrompt, versionOf, type Command, type Measurement } from "./measure.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dist = path.join(repo, "dist");
const cli = path.join(dist, "src/cli.js");
const node = process.execPath;

interface Options {
  runs: number;
  which: Set<string>;
  generated: boolean;
  banditAll: boolean;
  bandit: boolean;
  /** Other Node binaries to time the dry run under, beside the one running the bench. */
  nodes: string[];
}

function parseOptions(argv: string[]): Options {
  const options: Options = { runs: 5, which: new Set(["stdlib", "python", "scaling"]), generated: false, banditAll: false, bandit: true, nodes: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--quick") options.runs = 2;
    else if (arg === "--runs") options.runs = Math.max(1, Number(argv[++i]) || 1);
    else if (arg === "--corpus") options.which = new Set(argv[++i]!.split(","));
    else if (arg === "--generated") options.generated = true;
    else if (arg === "--bandit-all") options.banditAll = true;
    else if (arg === "--no-bandit") options.bandit = false;
    else if (arg === "--node") options.nodes.push(path.resolve(argv[++i] ?? ""));
    else throw new Error(`unknown option ${arg} (see the header of bench/bench.ts)`);
  }
  return options;
}

interface Tool {
  name: string;
  command: (corpus: Corpus) => Command;
  /** Runs per corpus: Bandit takes minutes, so it runs once. */
  runs?: number;
  /** Files it parsed, read from its stderr. */
  parsed: (stderr: string, corpus: Corpus) => string;
  skip?: (corpus: Corpus) => boolean;
}

const all = (_stderr: string, corpus: Corpus): string => `${corpus.files.toLocaleString("en-US")} (all)`;

function bindfixStats(stderr: string): { files: number; parsed: number; workers: number } | undefined {
  const line = stderr.split("\n").find((text) => text.startsWith("bindfix-stats "));
  return line ? (JSON.parse(line.slice("bindfix-stats ".length)) as { files: number; parsed: number; workers: number }) : undefined;
}

/**
 * A bindfix dry run row, with extra environment (`BINDFIX_WORKERS`) or under another Node binary;
 * its files parsed from its stats line.
 */
function bindfixRow(name: string, env: NodeJS.ProcessEnv = {}, nodeBinary = node): Tool {
  return {
    name,
    command: (corpus) => ({ argv: [nodeBinary, cli, corpus.dir], env: { BINDFIX_STATS: "1", ...env }, node: true }),
    parsed: (stderr) => {
      const stats = bindfixStats(stderr);
      return stats ? `${stats.parsed.toLocaleString("en-US")} / ${stats.files.toLocaleString("en-US")}` : "?";
    },
  };
}

function tools(options: Options): Tool[] {
  const list: Tool[] = [
    bindfixRow("bindfix dry run"),
    // On two cores the default is one thread, or from 1,024 files this thread and one worker sharing
    // the files: this row is one thread at any size. The next is two workers beside a thread that
    // only walks, as with three cores.
    bindfixRow("bindfix dry run, one thread", { BINDFIX_WORKERS: "0" }),
    bindfixRow("bindfix dry run, 2 worker threads", { BINDFIX_WORKERS: "2" }),
    {
      ...bindfixRow(PERFECT_PREFILTER),
      command: (corpus) => ({
        argv: [node, cli, corpus.dir],
        env: {
          BINDFIX_STATS: "1",
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${pathToFileURL(path.join(dist, "bench/perfect-prefilter.js")).href}`,
          BINDFIX_BENCH_ORACLE: findingsListPath(corpus),
          BINDFIX_BENCH_ORACLE_ROOT: corpus.dir,
        },
        node: true,
      }),
    },
    ...options.nodes.map((binary) => {
      const version = versionOf([binary, "--version"]);
      if (!version) throw new Error(`--node ${binary}: not a Node binary that runs`);
      return bindfixRow(`bindfix dry run on Node ${version}`, {}, binary);
    }),
    {
      name: "Node read floor (read + 1 regex)",
      command: (corpus) => ({ argv: [node, path.join(dist, "bench/floor.js"), corpus.dir], node: true }),
      parsed: () => "none",
    },
    {
      name: READ_PARSE_FLOOR,
      command: (corpus) => ({ argv: [node, path.join(dist, "bench/floor.js"), corpus.dir, "--parse", findingsListPath(corpus)], node: true }),
      parsed: (stderr, corpus) => {
        const line = stderr.split("\n").find((text) => text.startsWith("floor "));
        const parsed = line ? (JSON.parse(line.slice("floor ".length)) as { parsed: number }).parsed : undefined;
        return parsed === undefined ? "?" : `${parsed.toLocaleString("en-US")} / ${corpus.files.toLocaleString("en-US")}`;
      },
    },
  ];
  const astGrep = path.join(repo, "node_modules/.bin/ast-grep");
  const astGrepVersion = existsSync(astGrep) ? versionOf([astGrep, "--version"]) : undefined;
  if (astGrepVersion) {
    list.push({
      name: `${astGrepVersion} (bench/bind-all-interfaces.yml)`,
      command: (corpus) => ({ argv: [astGrep, "scan", "--inspect", "summary", "--rule", path.join(repo, "bench/bind-all-interfaces.yml"), corpus.dir] }),
      parsed: (stderr) => {
        const count = /scannedFileCount=(\d+)/.exec(stderr)?.[1];
        return count ? `${Number(count).toLocaleString("en-US")} (all)` : "?";
      },
    });
  } else {
    process.stderr.write("bench: ast-grep not found (npm install): its row is skipped\n");
  }
  const banditVersion = options.bandit ? versionOf(["bandit", "--version"]) : undefined;
  if (banditVersion) {
    list.push({
      name: `${banditVersion.replace(/^bandit/, "Bandit")} -t B104 (1 run)`,
      command: (corpus) => ({ argv: ["bandit", "-q", "-r", "-t", "B104", corpus.dir] }),
      runs: 1,
      parsed: all,
      skip: (corpus) => corpus.name !== "stdlib" && !options.banditAll,
    });
  } else if (options.bandit) {
    process.stderr.write("bench: bandit not on PATH (Debian: apt-get install bandit): its row is skipped\n");
  }
  return list;
}

const READ_PARSE_FLOOR = "Node read + parse floor (the above, then parse the files with findings)";
const PERFECT_PREFILTER = "bindfix dry run, perfect prefilter (bench/perfect-prefilter.ts)";

/** Where the corpus's files with findings are listed for the read + parse floor. */
function findingsListPath(corpus: Corpus): string {
  return path.join(repo, `.bench-cache/${corpus.name}-findings.txt`);
}

/**
 * Lists the files of the corpus in which a bindfix dry run finds something (each relative to the
 * corpus), for the read + parse floor: files any tree-sitter tool must parse to report them.
 */
function listFilesWithFindings(corpus: Corpus): void {
  const result = spawnSync(node, [cli, "--json", "."], { cwd: corpus.dir, maxBuffer: 256 * 1024 * 1024 });
  const report = JSON.parse(result.stdout.toString("utf8")) as { findings: Array<{ path: string }> };
  const paths = [...new Set(report.findings.map((finding) => finding.path))];
  writeFileSync(findingsListPath(corpus), paths.map((file) => `${file}\n`).join(""));
  process.stderr.write(`bench: ${corpus.name}: ${paths.length} files with findings\n`);
}

interface Row {
  tool: Tool;
  runs: Measurement[];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Every tool once per round, in an order that rotates each round, so load drifts hit them alike. */
function measureCorpus(corpus: Corpus, list: Tool[], runs: number): Row[] {
  const rows = list.filter((tool) => !tool.skip?.(corpus)).map((tool) => ({ tool, runs: [] as Measurement[] }));
  const rusage = path.join(dist, "bench/rusage.js");
  process.stderr.write(`bench: ${corpus.name}: warming the page cache, and listing the files with findings\n`);
  run({ argv: [node, path.join(dist, "bench/floor.js"), corpus.dir] }, rusage);
  listFilesWithFindings(corpus);
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < rows.length; k++) {
      const row = rows[(k + round) % rows.length]!;
      if (row.runs.length >= (row.tool.runs ?? runs)) continue;
      process.stderr.write(`bench: ${corpus.name}: round ${round + 1}/${runs}: ${row.tool.name}\n`);
      const measured = run(row.tool.command(corpus), rusage);
      if (measured.status !== null && measured.status > 2 && !row.tool.name.startsWith("Bandit")) {
        process.stderr.write(`bench: ${row.tool.name} exited with ${measured.status}:\n${measured.stderr.slice(-2000)}\n`);
      }
      row.runs.push(measured);
    }
  }
  return rows;
}

const seconds = (value: number): string => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} s`;
const megabytes = (kib: number | undefined): string => (kib === undefined ? "n/a" : `${Math.round(kib / 1024)} MB`);

function table(corpus: Corpus, rows: Row[]): { lines: string[]; bindfix: number; astGrep?: number; floor?: number; parseFloor?: number; perfect?: number; rss?: number } {
  const bindfix = median(rows[0]!.runs.map((m) => m.wall));
  const lines = [
    `${corpus.label}: ${corpus.files.toLocaleString("en-US")} files, ${corpus.lines.toLocaleString("en-US")} lines, ${(corpus.bytes / 1e6).toFixed(1)} MB`,
    "",
    "| what | median wall | ratio to bindfix | CPU (user+sys) | peak RSS | files parsed | runs |",
    "|---|---|---|---|---|---|---|",
  ];
  let astGrep: number | undefined;
  let floor: number | undefined;
  let parseFloor: number | undefined;
  let perfect: number | undefined;
  for (const { tool, runs } of rows) {
    const wall = median(runs.map((m) => m.wall));
    const cpus = runs.map((m) => m.cpu).filter((cpu): cpu is number => cpu !== undefined);
    const rss = runs.map((m) => m.maxRssKiB).filter((kib): kib is number => kib !== undefined);
    if (tool.name.startsWith("ast-grep")) astGrep = wall;
    if (tool.name.startsWith("Node read floor")) floor = wall;
    if (tool.name === READ_PARSE_FLOOR) parseFloor = wall;
    if (tool.name === PERFECT_PREFILTER) perfect = wall;
    lines.push(
      `| ${tool.name} | ${seconds(wall)} | ${(wall / bindfix).toFixed(2)} | ${cpus.length ? seconds(median(cpus)) : "n/a"} | ${rss.length ? megabytes(Math.max(...rss)) : "n/a"} | ${tool.parsed(runs[runs.length - 1]!.stderr, corpus)} | ${runs.length} |`,
    );
  }
  const bindfixRss = rows[0]!.runs.map((m) => m.maxRssKiB).filter((kib): kib is number => kib !== undefined);
  return { lines, bindfix, astGrep, floor, parseFloor, perfect, rss: bindfixRss.length ? Math.max(...bindfixRss) : undefined };
}

function machine(): string[] {
  const model = existsSync("/proc/cpuinfo") ? /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] : cpus()[0]?.model;
  return [
    `Machine: ${availableParallelism()} × ${model ?? "unknown CPU"} (nproc ${availableParallelism()}), Node ${process.version}, ${platform()} ${release()}`,
    `Measured with ${hasTime ? "/usr/bin/time (CPU, peak RSS)" : "an in-process wrapper for Node tools (CPU, peak RSS)"}; wall time is the median over alternating runs.`,
  ];
}

const check = (ok: boolean): string => (ok ? "met" : "NOT met");

/**
 * What one run costs before any real work: bindfix on one clean file (a pre-commit hook on a small
 * commit) against Node starting and exiting, alternating.
 */
function startup(runs: number): string[] {
  const dir = path.join(repo, ".bench-cache/startup");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "clean.py");
  writeFileSync(file, "import socket\n\n\ndef connect(host: str) -> socket.socket:\n    return socket.create_connection((host, 80))\n");
  const rusage = path.join(dist, "bench/rusage.js");
  const commands = { bindfix: { argv: [node, cli, file], node: true }, node: { argv: [node, "-e", "0"], node: true } };
  const walls = { bindfix: [] as number[], node: [] as number[] };
  for (let i = 0; i < runs; i++) {
    for (const name of ["bindfix", "node"] as const) walls[name].push(run(commands[name], rusage).wall);
  }
  const bindfix = median(walls.bindfix);
  const bare = median(walls.node);
  return [
    `Start-up, median of ${runs} alternating runs: bindfix on one clean file ${Math.round(bindfix * 1000)} ms; Node alone (\`node -e 0\`) ${Math.round(bare * 1000)} ms.`,
  ];
}

/** The scaling check: copies of the standard library, from one to about the whole Python's file count. */
const SCALING_COPIES = [1, 2, 4, 8];
/** Above this, the cost of each added copy is taken to grow with the tree: beyond these machines' noise. */
const LINEAR_TOLERANCE = 1.25;

/**
 * The bindfix dry run over `copies` copies of `base`, alternating the sizes round by round. The
 * target is judged on what each added copy costs: from ×4 to ×8 against from ×1 to ×4 (spans of
 * several seconds each, so the noise of one run weighs little; ×1 alone also holds start-up).
 */
async function scaling(cache: string, base: Corpus, runs: number): Promise<{ lines: string[]; target: string }> {
  const sized = await Promise.all(SCALING_COPIES.map((copies) => replicatedCorpus(cache, base, copies)));
  const rusage = path.join(dist, "bench/rusage.js");
  const measured = sized.map(() => [] as Measurement[]);
  for (const corpus of sized) run({ argv: [node, path.join(dist, "bench/floor.js"), corpus.dir] }, rusage);
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < sized.length; k++) {
      const i = (k + round) % sized.length;
      process.stderr.write(`bench: scaling: round ${round + 1}/${runs}: ${sized[i]!.files} files\n`);
      // One thread at every size: the default would switch to two threads between ×2 and ×4.
      measured[i]!.push(run({ argv: [node, cli, sized[i]!.dir], env: { BINDFIX_WORKERS: "0" }, node: true }, rusage));
    }
  }
  const walls = measured.map((runsOf) => median(runsOf.map((m) => m.wall)));
  const rss = measured.map((runsOf) => Math.max(...runsOf.map((m) => m.maxRssKiB ?? 0)));
  const lines = [
    `Scaling: the bindfix dry run in one thread (BINDFIX_WORKERS=0) over copies of the ${base.label.replace(/^Python [^ ]+ /, "")} (${base.files.toLocaleString("en-US")} files each), alternating`,
    "",
    "| copies | files | median wall | ms per 1,000 files | wall to ×1 | peak RSS | runs |",
    "|---|---|---|---|---|---|---|",
    ...sized.map((corpus, i) => {
      const perThousand = (walls[i]! * 1e6) / corpus.files;
      return `| ${SCALING_COPIES[i]} | ${corpus.files.toLocaleString("en-US")} | ${seconds(walls[i]!)} | ${Math.round(perThousand)} | ${(walls[i]! / walls[0]!).toFixed(2)} | ${rss[i] ? megabytes(rss[i]) : "n/a"} | ${measured[i]!.length} |`;
    }),
  ];
  const at = (copies: number): number => walls[SCALING_COPIES.indexOf(copies)]!;
  const first = (at(4) - at(1)) / 3;
  const last = (at(8) - at(4)) / 4;
  const growth = last / first;
  const target = `scaling: each copy added from ×4 to ×8 costs ${seconds(last)}, from ×1 to ×4 ${seconds(first)}: ${growth.toFixed(2)} (time linear in the number of files, target <= ${LINEAR_TOLERANCE}: ${check(growth <= LINEAR_TOLERANCE)}); peak RSS ${megabytes(rss[0])} at ×1, ${megabytes(rss[rss.length - 1])} at ×8`;
  return { lines, target };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const cache = path.join(repo, ".bench-cache/corpus");
  const load = loadavg()[0]!;
  const list = tools(options);
  // The scaling check copies the standard library, so it needs that corpus even when not measured alone.
  const which = options.which.has("scaling") ? new Set([...options.which, "stdlib"]) : options.which;
  const found = await corpora(cache, { generated: options.generated, which });
  const output: string[] = [...machine(), ""];
  const targets: string[] = [];
  for (const corpus of found) {
    if (!options.which.has(corpus.name)) continue;
    const rows = measureCorpus(corpus, list, options.runs);
    const result = table(corpus, rows);
    output.push(...result.lines, "");
    if (result.astGrep) targets.push(`${corpus.name}: bindfix / ast-grep = ${(result.bindfix / result.astGrep).toFixed(2)} (target <= 0.2: ${check(result.bindfix / result.astGrep <= 0.2)})`);
    if (corpus.name === "stdlib" && result.floor) {
      targets.push(`${corpus.name}: bindfix / read floor = ${(result.bindfix / result.floor).toFixed(2)} (target <= 2: ${check(result.bindfix / result.floor <= 2)})`);
    }
    // Not targets: what the machine leaves of those two once the files are read and the files with
    // findings parsed, and what bindfix would take with a prefilter that cost nothing.
    if (corpus.name === "stdlib" && result.floor && result.astGrep) {
      const { floor, astGrep } = result;
      const against = (wall: number): string => `${(wall / astGrep).toFixed(2)} of ast-grep and ${(wall / floor).toFixed(2)} × the read floor`;
      if (result.parseFloor) targets.push(`${corpus.name}, for comparison: the read + parse floor alone = ${against(result.parseFloor)}`);
      if (result.perfect) targets.push(`${corpus.name}, for comparison: bindfix with a perfect prefilter = ${against(result.perfect)}`);
    }
    if (corpus.name === "python" && result.rss !== undefined) {
      targets.push(`${corpus.name}: bindfix peak RSS = ${megabytes(result.rss)} (target <= 200 MB: ${check(result.rss / 1024 <= 200)})`);
    }
    if (corpus.name === "stdlib" && hasScript) {
      const times: number[] = [];
      for (let i = 0; i < options.runs; i++) {
        process.stderr.write(`bench: ${corpus.name}: --interactive, run ${i + 1}/${options.runs}\n`);
        const time = await timeToPrompt({ argv: [node, cli, "-i", corpus.dir] }, "Apply this change?", 30_000);
        if (time !== undefined) times.push(time);
      }
      if (times.length > 0) {
        const first = median(times);
        targets.push(`${corpus.name}: bindfix --interactive first prompt after ${seconds(first)} (median of ${times.length}; target <= 1 s: ${check(first <= 1)})`);
      } else {
        targets.push(`${corpus.name}: bindfix --interactive showed no prompt (nothing fixable?)`);
      }
    }
  }
  const stdlib = found.find((corpus) => corpus.name === "stdlib");
  if (options.which.has("scaling") && stdlib) {
    const scaled = await scaling(cache, stdlib, options.runs);
    output.push(...scaled.lines, "");
    targets.push(scaled.target);
  }
  output.push(...startup(options.runs * 2), "");
  output.push("Targets:", ...targets.map((line) => `- ${line}`), "", `Load average (1 min): ${load.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end.`);
  process.stdout.write(output.join("\n") + "\n");
  writeFileSync(path.join(repo, ".bench-cache/last-run.md"), output.join("\n") + "\n");
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
