// The worker thread a run over folders starts first thing, before the rest of bindfix loads, so
// that it boots beside this thread instead of after this thread has walked enough of the tree to
// know that it is large (a worker takes about as long to start as this whole thread's start-up).
// The pool adopts it when the tree is large enough to share, and sends it the run's setup; else it
// is stopped. Only the command line starts one: the library API decides when it has the tree.
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { parseCommandLine } from "./options.js";
import { restoreYoungGenerationFlag } from "./young-generation.js";

/** The `workerData` of a worker started before the run's setup is known: it waits for the setup as its first message. */
export const PRESTARTED = "bindfix-prestarted";

/** Worker threads for a run over a large tree: one fewer than the cores, or `BINDFIX_WORKERS` (for tests and the benchmark). */
export function workerCount(): number {
  // A test that pauses between files needs them all in this thread.
  if (process.env.BINDFIX_TEST_PAUSE_MS) return 0;
  const forced = process.env.BINDFIX_WORKERS;
  if (forced) return Math.max(0, Math.floor(Number(forced)) || 0);
  return Math.max(0, availableParallelism() - 1);
}

/**
 * The young generation of a worker's heap, in MB. Kept small, as workers' heaps add up: over the
 * whole installed Python (13,353 files, this thread and one worker) 4 MB peaked at 176–189 MB
 * against 185–197 MB for 8 MB, in the same time (8 runs each); 2 MB was 3% slower.
 */
const WORKER_YOUNG_GENERATION_MB = 4;

/** Starts a worker on src/worker.ts. */
export function startWorker(workerData: unknown): Worker {
  const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
  // Configuring the worker's heap has reset the command line's young-generation flag.
  worker.once("online", () => restoreYoungGenerationFlag());
  return worker;
}

let prestarted: { worker: Worker; exited: boolean } | undefined;

/**
 * Starts a worker now when the command line walks a folder and the run may use one. It does not
 * keep the process alive: a run that never adopts it does not wait for it.
 */
export function prestartWorker(argv: readonly string[]): void {
  if (workerCount() === 0 || !walksFolders(argv)) return;
  let worker: Worker;
  try {
    worker = startWorker(PRESTARTED);
  } catch {
    // No thread to be had now (a limit on threads or processes): the pool tries again, and reports.
    return;
  }
  const entry = { worker, exited: false };
  // Until it is adopted a failure only means the pool starts a worker of its own, which reports;
  // one that failed is not adopted, even before its exit is heard.
  worker.on("error", () => (entry.exited = true));
  worker.once("exit", () => (entry.exited = true));
  worker.unref();
  prestarted = entry;
}

/** The worker started first thing, for the pool to send its setup; undefined if there is none (or it failed). */
export function adoptPrestartedWorker(): Worker | undefined {
  const entry = prestarted;
  prestarted = undefined;
  if (!entry || entry.exited) return undefined;
  entry.worker.ref();
  return entry.worker;
}

/** Stops the worker started first thing, when the run does not use it. It has parsed nothing, so ending it is safe. */
export function dropPrestartedWorker(): void {
  const entry = prestarted;
  prestarted = undefined;
  if (entry && !entry.exited) void entry.worker.terminate();
}

/** True when the command line names a folder to walk (no paths means "."); false for --help, --version and usage errors. */
export function walksFolders(argv: readonly string[]): boolean {
  try {
    const options = parseCommandLine(argv);
    if (options.help || options.version) return false;
    return options.paths.some((given) => statSync(given, { throwIfNoEntry: false })?.isDirectory() ?? false);
  } catch {
    return false;
  }
}
