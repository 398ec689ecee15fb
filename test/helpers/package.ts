// For the packaging tests: a copy of the working tree to pack or install from (so `prepare` builds
// there, never under the running tests' dist/), and whether the npm registry answers.
import { mkdtempSync, symlinkSync, cpSync } from "node:fs";
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "./paths.js";

const NOT_COPIED = new Set(["node_modules", "dist", ".git", "fixtures", ".bench-cache"]);

/**
 * The working tree (sources, manifests, configuration) in a temporary folder, sharing this
 * repository's node_modules through a symbolic link unless `linkNodeModules` is false.
 */
export function copyWorkingTree(linkNodeModules = true): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "bindfix-pack-"));
  cpSync(repoRoot, root, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(repoRoot, source);
      return !NOT_COPIED.has(relative.split(path.sep)[0]!) && !relative.endsWith(".tgz");
    },
  });
  if (linkNodeModules) symlinkSync(path.join(repoRoot, "node_modules"), path.join(root, "node_modules"), "dir");
  return root;
}

let reachable: boolean | undefined;

/** True when `npm ping` gets an answer from the configured registry within 30 seconds. */
export function registryReachable(): boolean {
  if (reachable === undefined) reachable = spawnSync("npm", ["ping"], { timeout: 30_000, stdio: "ignore", env: cleanEnv() }).status === 0;
  return reachable;
}

/**
 * The environment of a fresh shell: under `npm test` the variables npm sets for scripts
 * (npm_config_local_prefix, npm_package_json, ...) would point a nested npm at this repository.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return { ...env, NO_COLOR: "1", npm_config_fund: "false", npm_config_audit: "false", npm_config_update_notifier: "false", ...extra };
}

export function npm(args: string[], cwd: string, timeout = 300_000) {
  const result = spawnSync("npm", args, { cwd, timeout, env: cleanEnv() });
  return { status: result.status, stdout: result.stdout?.toString("utf8") ?? "", stderr: result.stderr?.toString("utf8") ?? "" };
}
