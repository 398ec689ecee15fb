// Shared by the safety tests: byte snapshots of temporary trees, an async run of the built CLI
// that can be signalled mid-run (always with a deadline, so no test can hang), polling, and a
// file read and scanned in-process as the CLI would.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { cliPath } from "./paths.js";
import { readSource, scanSource, type ScannedSource } from "../../src/run.js";
import { transforms } from "../../transforms/index.js";
import { DEFAULT_REWRITE } from "../../src/types.js";

/** `root/name` read and scanned with every transform, ready for `settleFile`. */
export function scanned(root: string, name: string): ScannedSource {
  const read = readSource({ absPath: path.join(root, name), path: name });
  if (!("source" in read)) throw new Error(read.error.message);
  return scanSource(read.source, { transforms, rewrite: DEFAULT_REWRITE });
}

export const BIND = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 8000))\n';
export const FIXED = 'import os\nimport socket\ns = socket.socket()\ns.bind((os.environ.get("BIND_HOST", "127.0.0.1"), 8000))\n';
/** What bindfix does to a file it fixes with no `import os`: the literal and one inserted line. */
export const REPLACEMENT = 'os.environ.get("BIND_HOST", "127.0.0.1")';

/** Every regular file under root with its bytes (symlinks, FIFOs and directories are not files). */
export function snapshot(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.set(path.relative(root, full).split(path.sep).join("/"), readFileSync(full));
    }
  };
  walk(root);
  return files;
}

/** Temporary files a write may leave behind (`.<name>.bindfix-<pid>-<hex>.tmp`). */
export function leftoverTemporaries(root: string): string[] {
  return [...snapshot(root).keys()].filter((name) => /\.bindfix-[^/]*\.tmp$/.test(name));
}

export interface RunningCli {
  pid: number;
  /** Resolves with the exit; the process is killed with SIGKILL if it outlives the deadline. */
  exited: Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean }>;
  kill(signal: NodeJS.Signals): void;
}

export function startCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, deadlineMs = 60_000): RunningCli {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd, env: { ...process.env, NO_COLOR: "1", CI: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, deadlineMs);
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean }>((resolve) => {
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, timedOut });
    });
  });
  return { pid: child.pid!, exited, kill: (signal) => child.kill(signal) };
}

/** Polls until `condition` holds; fails after `deadlineMs` rather than waiting forever. */
export async function waitFor(condition: () => boolean, what: string, deadlineMs = 30_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
