// Temporary file trees for end-to-end tests, and running the built CLI on them.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, cpSync } from "node:fs";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { cliPath } from "./paths.js";

export function tempTree(files: Record<string, string | Buffer> = {}): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "bindfix-test-"));
  for (const [name, contents] of Object.entries(files)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, contents);
  }
  return root;
}

export function copyTree(from: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "bindfix-test-"));
  cpSync(from, root, { recursive: true });
  return root;
}

export function removeTree(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
}

export function runCli(args: string[], cwd: string, options: { input?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const result: SpawnSyncReturns<Buffer> = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    input: options.input ?? "",
    env: { ...process.env, NO_COLOR: "1", CI: "1", ...options.env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout.toString("utf8"), stdoutBytes: result.stdout, stderr: result.stderr.toString("utf8") };
}

export function git(args: string[], cwd: string, input?: Buffer): SpawnSyncReturns<Buffer> {
  return spawnSync("git", args, { cwd, input, timeout: 60_000 });
}
