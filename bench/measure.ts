// Running one tool once and measuring it: wall time here, CPU time and peak RSS from /usr/bin/time
// (or, for Node scripts on machines without it, from a wrapper in the child), stdout discarded.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface Command {
  /** The executable and its arguments. */
  argv: string[];
  env?: NodeJS.ProcessEnv;
  /** A Node script (argv[1]): measurable through the rusage wrapper when /usr/bin/time is missing. */
  node?: boolean;
}

export interface Measurement {
  wall: number;
  /** User + system CPU seconds, when known. */
  cpu?: number;
  maxRssKiB?: number;
  status: number | null;
  stderr: string;
}

const TIME = "/usr/bin/time";
export const hasTime = existsSync(TIME) && spawnSync(TIME, ["-f", "%M", "true"]).status === 0;

export function run(command: Command, rusageScript: string): Measurement {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "bindfix-bench-"));
  const timeFile = path.join(scratch, "time");
  const devNull = openSync("/dev/null", "w");
  try {
    let argv = command.argv;
    let stdio: Array<"ignore" | "pipe" | number> = ["ignore", devNull, "pipe"];
    if (hasTime) argv = [TIME, "-f", "%U %S %M", "-o", timeFile, ...argv];
    else if (command.node) {
      argv = [argv[0]!, rusageScript, ...argv.slice(1)];
      stdio = ["ignore", devNull, "pipe", "pipe"];
    }
    const started = performance.now();
    const result = spawnSync(argv[0]!, argv.slice(1), { env: { ...process.env, ...command.env }, stdio, maxBuffer: 256 * 1024 * 1024 });
    const wall = (performance.now() - started) / 1000;
    const measurement: Measurement = { wall, status: result.status, stderr: result.stderr?.toString("utf8") ?? "" };
    if (hasTime && existsSync(timeFile)) {
      // /usr/bin/time may prefix a line ("Command exited with non-zero status 1").
      const [user, system, rss] = readFileSync(timeFile, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
      measurement.cpu = user! + system!;
      measurement.maxRssKiB = rss;
    } else if (command.node && result.output[3]) {
      const usage = JSON.parse(result.output[3].toString("utf8")) as { user: number; system: number; maxRssKiB: number };
      measurement.cpu = usage.user + usage.system;
      measurement.maxRssKiB = usage.maxRssKiB;
    }
    return measurement;
  } finally {
    closeSync(devNull);
    rmSync(scratch, { recursive: true, force: true });
  }
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * Seconds from start until `prompt` appears on the terminal of `command` (run in a pseudo-terminal
 * through util-linux `script`), or undefined when it never does; the command is then stopped.
 */
export function timeToPrompt(command: Command, prompt: string, timeoutMs: number): Promise<number | undefined> {
  const line = command.argv.map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(" ");
  return new Promise((resolve) => {
    const started = performance.now();
    // A process group of its own, so that stopping it stops `script` and bindfix together.
    const child = spawn("script", ["-qefc", line, "/dev/null"], {
      env: { ...process.env, TERM: "xterm", ...command.env },
      stdio: ["pipe", "pipe", "ignore"],
      detached: true,
    });
    let seen = "";
    let done = false;
    const finish = (value: number | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // Already gone.
      }
      resolve(value);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    child.stdout!.on("data", (chunk: Buffer) => {
      seen = (seen + chunk.toString("utf8")).replace(ANSI, "").slice(-4096);
      if (seen.includes(prompt)) finish((performance.now() - started) / 1000);
    });
    child.on("exit", () => finish(undefined));
  });
}

export const hasScript = spawnSync("script", ["--version"]).status === 0;

/** The first line of a command's version output, or undefined when it does not run. */
export function versionOf(argv: string[]): string | undefined {
  const result = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
  if (result.status !== 0 && !result.stdout) return undefined;
  return (result.stdout || result.stderr).trim().split("\n")[0];
}
