// Runs the per-file pipeline over paths and yields each file's settled result in path order: in this
// thread for small trees; for large ones on a pool of worker threads while this thread walks, or,
// with two cores, on one worker and this thread sharing the batches. A bounded window of batches
// is in flight, so memory does not grow with the repository. Writes stay in this thread.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { FileError } from "./types.js";
import { discover, type DiscoveredFile, type Discovery } from "./discover.js";
import { internalError, readSource, scanPaths, scanSource, type FileOutcome, type RunOptions, type ScannedSource } from "./run.js";
import { writeIfUnchanged } from "./write.js";
import { CONTROL, STOP, settleDiscovered, settleScanned, type FileResult, type SettleMode, type WorkerReply, type WorkerRequest, type WorkerSetup } from "./worker.js";
import { Progress, progressWanted } from "./progress.js";
import { releaseTrees, treesAwaitRelease } from "./parse.js";
import { transformById } from "../transforms/index.js";

export type SettledItem = { error: FileError } | { outcome: FileOutcome } | { review: ScannedSource };

export interface SettleOptions extends RunOptions, SettleMode {
  /** No progress counter (`--quiet`). */
  quiet?: boolean;
  /** Checked before each write: once true (a signal arrived), nothing more is written. */
  stopped?: () => boolean;
  /** The counter to draw, made by a caller that must pause it (a review); null for none. */
  progress?: Progress | null;
}

/** Below this many files the pool's start-up (each worker loads the parser) costs more than it saves. */
const POOL_MIN_FILES = 256;
/**
 * With one worker (two cores) this thread scans too. The pair pays for its second isolate only from
 * about a thousand files: since V8 tiers up later (src/tiering.ts) and leaves the second vCPU more
 * free, the standard library (1,790 files) takes 0.86 of one thread's time and 1,400 of its files
 * 0.88, while 1,024 and 512 of them take 0.98–0.99 for 30% more CPU (medians of 9–15 alternating
 * runs, docs/performance.md); the whole installed Python (13,353) about 0.8.
 */
const SHARED_MIN_FILES = 1024;
/** With one worker, this thread takes a batch itself once the worker has this many still to finish. */
const SHARED_BACKLOG = 2;
/** Settled batches held behind one still being scanned before this thread waits for it. */
const MAX_HELD_BATCHES = 64;
/**
 * How long this thread scans and writes before it lets the event loop run. Scanning yields only
 * promises that are already settled, and a signal's handler (Ctrl-C) runs only in a turn of the
 * loop: without these turns a run in one thread would finish the whole tree before it heard one.
 */
const TURN_EVERY_MS = 50;
/** How long a worker asked to stop may take to finish its file before it is terminated. */
const STOP_GRACE_MS = 5000;
/** Files per message: large enough to amortise a round trip, small enough to balance the workers. */
const BATCH_SIZE = 16;
/** Batches in flight per worker: keeps every worker busy while bounding what waits to be printed. */
const WINDOW_PER_WORKER = 4;

/**
 * Every discovered file, settled as the CLI settles it (see `settleScanned`), in path order.
 * Results that will print something clear the progress counter first.
 */
export async function* settlePaths(options: SettleOptions): AsyncGenerator<SettledItem> {
  const started = performance.now();
  const stats: RunStats = { files: 0, parsed: 0, workers: 0, batchesHere: 0, found: 0, discovering: true };
  const progress = options.progress !== undefined ? (options.progress ?? undefined) : newProgress(options);
  const discovery = discover(options.paths, { cwd: options.cwd, exclude: options.exclude });
  const head: Discovery[] = [];
  let exhausted = false;
  const workers = poolSize(options);
  // BINDFIX_WORKERS (for tests and the benchmark) sets the pool size, and uses it whatever the tree's size.
  if (workers > 0 && !process.env.BINDFIX_WORKERS) {
    const minFiles = workers === 1 ? SHARED_MIN_FILES : POOL_MIN_FILES;
    while (head.length < minFiles) {
      const next = await discovery.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      head.push(next.value);
    }
  }
  try {
    const usePool = workers > 0 && !exhausted;
    stats.workers = usePool ? workers : 0;
    let results: AsyncGenerator<FileResult>;
    // With a counter on a terminal, one thread walks the whole tree first, so that it shows a total:
    // the walk reads folders synchronously and holds only paths (13,000 files: 0.45 s). Not before a
    // review, whose first question should come as early as it can.
    const walkFirst = !usePool && progress !== undefined && !options.interactive;
    if (usePool) {
      results = pooled(options, workers, head, discovery, stats);
    } else if (walkFirst) {
      const all = [...head];
      if (!exhausted) for await (const item of discovery) all.push(item);
      stats.found = all.length;
      stats.discovering = false;
      results = inThread(options, all);
    } else {
      // The files already taken from the walk to size the tree, then the rest: the tree is walked once.
      results = inThread(options, headThenRest(head, discovery));
    }
    const turn = eventLoopTurns();
    for await (const result of results) {
      // Once a signal has stopped the writes, the files left are not scanned either.
      if (options.stopped?.()) break;
      const item = settle(result, options);
      await turn();
      if (!item) continue;
      stats.files++;
      if ("review" in item || ("outcome" in item && item.outcome.parsed)) stats.parsed++;
      // Cleared before anything that prints, and redrawn only after it has printed.
      if (progress && (!("outcome" in item) || item.outcome.patch || item.outcome.errors.length > 0)) progress.clear();
      yield item;
      progress?.update(stats.files, usePool || walkFirst ? stats.found : undefined, stats.discovering);
    }
  } finally {
    progress?.clear();
    await discovery.return(undefined);
    if (process.env.BINDFIX_STATS === "1") {
      const { files, parsed, workers: threads, batchesHere } = stats;
      const line = { files, parsed, workers: threads, batchesHere, ms: Math.round(performance.now() - started), maxRssKiB: process.resourceUsage().maxRSS };
      process.stderr.write(`bindfix-stats ${JSON.stringify(line)}\n`);
    }
  }
}

/** The files-done counter a run shows on a terminal, unless `--quiet`. */
export function newProgress(options: { quiet?: boolean }): Progress | undefined {
  return !options.quiet && progressWanted() ? new Progress(process.stderr) : undefined;
}

/** Counts for the progress counter and the `BINDFIX_STATS=1` line (read by `npm run bench`). */
interface RunStats {
  files: number;
  parsed: number;
  workers: number;
  /** Batches the pooled runner scanned in this thread (with one worker, this thread shares the work). */
  batchesHere: number;
  /** Files (and discovery errors) found so far by the pooled runner. */
  found: number;
  discovering: boolean;
}

/**
 * Workers for this run: none (run in this thread) on one core, when a test pauses between files, or
 * when a transform is not a registered one (workers can only load those by id).
 */
function poolSize(options: SettleOptions): number {
  if (process.env.BINDFIX_TEST_PAUSE_MS) return 0;
  if (!options.transforms.every((transform) => transformById(transform.id) === transform)) return 0;
  const forced = process.env.BINDFIX_WORKERS;
  if (forced) return Math.max(0, Math.floor(Number(forced)) || 0);
  // With three cores or more, this thread walks the tree and prints while the workers scan: it
  // keeps a core of its own. With two, it scans beside one worker (see `pooled`).
  return Math.max(0, availableParallelism() - 1);
}

/** The discoveries already taken from a walk, then the rest of it. */
async function* headThenRest(head: readonly Discovery[], rest: AsyncGenerator<Discovery>): AsyncGenerator<Discovery> {
  yield* head;
  yield* rest;
}

async function* inThread(options: SettleOptions, discovered?: Iterable<Discovery> | AsyncIterable<Discovery>): AsyncGenerator<FileResult> {
  for await (const result of scanPaths(options, discovered)) {
    yield "error" in result ? { kind: "error", error: result.error } : settleContained(result, options);
    if (treesAwaitRelease()) await releaseTrees();
  }
}

/** `settleScanned`, with a failure of bindfix itself the file's error (as `settleDiscovered` has it on workers). */
function settleContained(scanned: ScannedSource, mode: SettleMode): FileResult {
  try {
    return settleScanned(scanned, mode);
  } catch (error) {
    return { kind: "error", error: internalError(scanned.source.path, error) };
  }
}

/** A function that lets the event loop run once `TURN_EVERY_MS` have passed since it last did. */
function eventLoopTurns(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < TURN_EVERY_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    last = performance.now();
  };
}

/** Turns a file's result into what the caller sees: the deferred write made, a review's file scanned here. */
function settle(result: FileResult, options: SettleOptions): SettledItem | undefined {
  switch (result.kind) {
    case "error":
      return { error: result.error };
    case "review": {
      if (result.scanned) return { review: result.scanned };
      // A tree cannot cross threads: files that will be reviewed are read and scanned again here.
      const read = readSource(result.file);
      return "error" in read ? { error: read.error } : { review: scanSource(read.source, options) };
    }
    case "outcome": {
      const { outcome, pendingWrite } = result;
      if (outcome.patch) outcome.patch.bytes = asBuffer(outcome.patch.bytes);
      if (!pendingWrite) return { outcome };
      if (options.stopped?.()) return undefined;
      const written = writeIfUnchanged(pendingWrite.absPath, asBuffer(pendingWrite.expected), asBuffer(pendingWrite.contents));
      if (!written.ok) {
        // As `settleFile` reports a failed write: nothing marked fixed, one error for the file.
        outcome.written = false;
        for (const finding of outcome.findings) finding.fixed = false;
        outcome.errors.push({ path: outcome.path, message: written.message });
      }
      return { outcome };
    }
  }
}

/** Structured cloning turns a Buffer into a plain Uint8Array; view it as a Buffer again, without copying. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

interface Slot {
  done: boolean;
  results: Promise<FileResult[]>;
}

async function* pooled(
  options: SettleOptions,
  size: number,
  head: Discovery[],
  rest: AsyncGenerator<Discovery>,
  stats: RunStats,
): AsyncGenerator<FileResult> {
  const mode = { write: options.write, interactive: options.interactive };
  const pool = new WorkerPool(size, { kind: "bindfix-pool", transformIds: options.transforms.map((transform) => transform.id), rewrite: options.rewrite, mode });
  const slots: Slot[] = [];
  let batch: DiscoveredFile[] = [];
  let found = 0;
  let pending = 0;
  const push = (results: Promise<FileResult[]>): void => {
    const slot: Slot = { done: false, results };
    pending++;
    results.then(
      () => ((slot.done = true), pending--),
      () => ((slot.done = true), pending--),
    );
    slots.push(slot);
  };
  // With a single worker this thread has a core's worth of time left over from walking, so it scans
  // a batch itself whenever the worker is behind: the two split the tree by how fast each goes.
  const shared = size === 1;
  const turn = eventLoopTurns();
  const job = { transforms: options.transforms, rewrite: options.rewrite, mode };
  const flush = async (): Promise<void> => {
    const files = batch;
    batch = [];
    if (files.length === 0) return;
    if (!shared || pool.backlog() < SHARED_BACKLOG) {
      push(pool.run(files));
      return;
    }
    stats.batchesHere++;
    const results: FileResult[] = [];
    for (const file of files) {
      results.push(settleDiscovered(file, job));
      // A batch scanned here yields nothing until its end: the loop gets its turns meanwhile too.
      if (treesAwaitRelease()) await releaseTrees();
      else await turn();
    }
    push(Promise.resolve(results));
  };
  try {
    for await (const item of headThenRest(head, rest)) {
      stats.found = ++found;
      if ("error" in item) {
        // A discovery error keeps its place among the files.
        await flush();
        push(Promise.resolve([{ kind: "error", error: item.error }]));
      } else {
        batch.push(item.file);
        if (batch.length >= BATCH_SIZE) await flush();
      }
      // Waits for the first batch only when enough are in flight, or settled ones pile up behind it.
      while (slots.length > 0 && (slots[0]!.done || pending >= size * WINDOW_PER_WORKER || slots.length >= MAX_HELD_BATCHES)) {
        yield* await slots.shift()!.results;
      }
    }
    await flush();
    stats.discovering = false;
    while (slots.length > 0) yield* await slots.shift()!.results;
  } finally {
    await pool.close();
  }
}

/** Asks a worker to stop and waits for it to exit; terminates it if it has not within `STOP_GRACE_MS`. */
function stopWorker(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => void worker.terminate().then(() => resolve()), STOP_GRACE_MS);
    worker.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    worker.postMessage(STOP);
  });
}

/**
 * A fixed set of worker threads, each settling one batch of files at a time. Several workers get
 * their next batch as each replies, which balances them. A single one gets every batch at once
 * and queues them itself: its replies wait while this thread scans, and it must not wait on them.
 */
class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: WorkerRequest[] = [];
  private readonly waiting = new Map<number, { resolve: (results: FileResult[]) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;
  /** Workers that have already exited: `close` has none of them to stop. */
  private readonly exited = new Set<Worker>();
  /** Shared with the workers (`CONTROL`): the batches they have finished, read without waiting for their replies, and the request to stop. */
  private readonly control = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  /** One worker, handed its batches at once rather than as it replies. */
  private readonly single: boolean;

  constructor(size: number, setup: WorkerSetup) {
    this.single = size === 1;
    for (let i = 0; i < size; i++) {
      const workerData: WorkerSetup = { ...setup, control: this.control };
      const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      worker.on("message", (reply: WorkerReply) => {
        this.waiting.get(reply.id)?.resolve(reply.results);
        this.waiting.delete(reply.id);
        if (!this.single) this.dispatch(worker);
      });
      worker.on("error", (error) => this.fail(error));
      worker.on("exit", (code) => {
        this.exited.add(worker);
        if (code !== 0) this.fail(new Error(`a worker thread stopped (exit code ${code})`));
      });
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  /** Batches handed to the workers that they have not finished yet. */
  backlog(): number {
    return this.nextId - Atomics.load(this.control, CONTROL.FINISHED);
  }

  run(files: DiscoveredFile[]): Promise<FileResult[]> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const id = this.nextId++;
      this.waiting.set(id, { resolve, reject });
      if (this.single) {
        this.all[0]!.postMessage({ id, files } satisfies WorkerRequest);
        return;
      }
      this.queue.push({ id, files });
      const worker = this.idle.pop();
      if (worker) this.dispatch(worker);
    });
  }

  /**
   * Stops the workers: each is asked to, and exits by itself once between two files (a worker
   * terminated inside the parser's native code aborts the process: exit 134 for a Ctrl-C). One
   * that has not exited within `STOP_GRACE_MS` is terminated.
   */
  async close(): Promise<void> {
    this.failure ??= new Error("the worker pool is closed");
    Atomics.store(this.control, CONTROL.STOPPING, 1);
    const running = this.all.filter((worker) => !this.exited.has(worker));
    await Promise.all(running.map((worker) => stopWorker(worker)));
  }

  private dispatch(worker: Worker): void {
    const request = this.queue.shift();
    if (request) worker.postMessage(request);
    else this.idle.push(worker);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const { reject } of this.waiting.values()) reject(error);
    this.waiting.clear();
  }
}
