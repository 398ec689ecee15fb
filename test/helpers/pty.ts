// `bindfix --interactive` driven through its prompts in a real pseudo-terminal (util-linux
// `script`), shared by the interactive flow tests and the interrupt tests.
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cliPath } from "./paths.js";
import { tempTree } from "./tree.js";

export const hasScript = spawnSync("script", ["--version"]).status === 0;

const PROMPT = "Apply this change? [y,n,f,a,q,?]";

export interface Session {
  status: number | null;
  screen: string;
}

/** The pid of the bindfix process running under `script` (found through /proc, so Linux only). */
export function bindfixPid(): number | undefined {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (argv[0] === process.execPath && argv[1] === cliPath && argv.includes("--interactive")) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

/** Keys typed once, `afterMs` after the last action, whether or not a prompt shows then. */
export interface LaterKeys {
  afterMs: number;
  keys: string;
}

/**
 * Runs `bindfix -i` in a pty; at prompt number n (1-based) does `actions[n - 1]`: types that key,
 * or sends bindfix SIGTERM. `env` adds to bindfix's environment.
 */
export function interactiveSession(cwd: string, actions: Array<string | "SIGTERM">, env: NodeJS.ProcessEnv = {}, later?: LaterKeys): Promise<Session> {
  return new Promise((resolve, reject) => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} --interactive --no-color .`;
    const child = spawn("script", ["-qefc", command, "/dev/null"], { cwd, env: { ...process.env, TERM: "xterm", ...env } });
    let screen = "";
    let done = 0;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`interactive session timed out:\n${screen}`));
    }, 30_000);
    child.stdout.on("data", (chunk: Buffer) => {
      screen += chunk.toString("utf8");
      const prompts = screen.split(PROMPT).length - 1;
      if (prompts > done && done < actions.length) {
        const action = actions[done++]!;
        if (action !== "SIGTERM") child.stdin.write(action);
        else {
          const pid = bindfixPid();
          if (pid === undefined) reject(new Error("bindfix process not found"));
          else process.kill(pid, "SIGTERM");
        }
        if (later && done === actions.length) setTimeout(() => child.stdin.write(later.keys), later.afterMs);
      }
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, screen });
    });
  });
}

/** `interactiveSession`'s environment for a slow scan: a pause before each file. */
export const SLOW_SCAN = { BINDFIX_TEST_PAUSE_MS: "100" };

/**
 * A tree whose review asks about a.py at once and about z.py only after the scan has passed
 * `clean` clean files between them: with `SLOW_SCAN`, a tenth of a second each, with no question
 * on the screen. Both files hold `source`.
 */
export function slowScanTree(source: string, clean: number): string {
  const files: Record<string, string> = { "a.py": source, "z.py": source };
  for (let i = 0; i < clean; i++) files[`m${String(i).padStart(2, "0")}.py`] = "x = 1\n";
  return tempTree(files);
}
