// Runs the per-file pipeline over paths and yields each file's settled result in path order: in this
// thread for small trees; for large ones on a pool of worker threads while this thread walks, or,
// with two cores, on one worker and this thread sharing the batches. A bounded window of batches
// is in flight, so memory does not grow with the repository. Writes stay in this thread.
import type { Worker } from "node:worker_threads";
import type { FileError } from "./types.js";
import { discover, type DiscoveredFile, type Discovery } from "./discover.js";
import { internalError, readSource, scanPaths, scanSource, type FileOutcome, type RunOptions, type ScannedSource } from "./run.js";
import { writeIfUnchanged } from "./write.js";
import { CONTROL, STOP, settleDiscovered, settleScanned, type AllSent, type FileResult, type SettleJob, type SettleMode, type WorkerReply, type WorkerRequest, type WorkerSetup } from "./worker.js";
import { Progress, progressWanted } from "./progress.js";
import { releaseTrees, treesAwaitRelease } from "./parse.js";
import { transformById } from "../transforms/index.js";
import { adoptPrestartedWorker, dropPrestartedWorker, startWorker, workerCount } from "./prestart.js";

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
/** With one worker, batches this thread walks ahead of the claims, so that the worker rarely waits for one. */
const SHARED_LOOKAHEAD = 64;
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
    if (!usePool) dropPrestartedWorker();
    stats.workers = usePool ? workers : 0;
    let results: AsyncGenerator<FileResult>;
    // With a counter on a terminal, one thread walks the whole tree first, so that it shows a total:
    // the walk reads folders synchronously and holds only paths (13,000 files: 0.45 s). Not before a
    // review, whose first question should come as early as it can.
    const walkFirst = !usePool && progress !== undefined && !options.interactive;
    if (usePool) {
      results = workers === 1 ? sharedPair(options, head, discovery, stats) : pooled(options, workers, head, discovery, stats);
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
  if (!options.transforms.every((transform) => transformById(transform.id) === transform)) return 0;
  // With three cores or more, this thread walks the tree and prints while the workers scan: it
  // keeps a core of its own. With two, it scans beside one worker (see `sharedPair`).
  return workerCount();
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

/** A slot for results that are already known. */
const settledSlot = (results: FileResult[]): Slot => ({ done: true, results: Promise.resolve(results) });

/** A slot that is done once `results` settle. */
function pendingSlot(results: Promise<FileResult[]>): Slot {
  const slot: Slot = { done: false, results };
  const done = (): void => void (slot.done = true);
  results.then(done, done);
  return slot;
}

function workerSetup(options: SettleOptions, claims: boolean): WorkerSetup {
  const { transforms, rewrite, mode } = settleJob(options);
  return { kind: "bindfix-pool", transformIds: transforms.map((transform) => transform.id), rewrite, mode, claims };
}

/** What this thread settles a batch with, as a worker does from its setup. */
function settleJob(options: SettleOptions): SettleJob {
  return { transforms: options.transforms, rewrite: options.rewrite, mode: { write: options.write, interactive: options.interactive } };
}

/**
 * Settles a batch in this thread, letting the event loop turn between files (a batch yields nothing
 * until its end). Once `stopped`, the files left are not settled: nobody waits for them.
 */
async function settleHere(files: readonly DiscoveredFile[], job: SettleJob, turn: () => Promise<void>, stopped = (): boolean => false): Promise<FileResult[]> {
  const results: FileResult[] = [];
  for (const file of files) {
    if (stopped()) break;
    results.push(settleDiscovered(file, job));
    if (treesAwaitRelease()) await releaseTrees();
    else await turn();
  }
  return results;
}

/** Three cores or more: this thread walks and hands batches to the workers, which scan them all. */
async function* pooled(
  options: SettleOptions,
  size: number,
  head: Discovery[],
  rest: AsyncGenerator<Discovery>,
  stats: RunStats,
): AsyncGenerator<FileResult> {
  const job = settleJob(options);
  const turn = eventLoopTurns();
  const pool = new WorkerPool(size, workerSetup(options, false), (files, stopped) => settleHere(files, job, turn, stopped));
  const slots: Slot[] = [];
  let batch: DiscoveredFile[] = [];
  let pending = 0;
  const flush = (): void => {
    if (batch.length === 0) return;
    const results = pool.run(batch);
    batch = [];
    pending++;
    const settled = (): void => void pending--;
    results.then(settled, settled);
    slots.push(pendingSlot(results));
  };
  try {
    for await (const item of headThenRest(head, rest)) {
      stats.found++;
      if ("error" in item) {
        // A discovery error keeps its place among the files.
        flush();
        slots.push(settledSlot([{ kind: "error", error: item.error }]));
      } else {
        batch.push(item.file);
        if (batch.length >= BATCH_SIZE) flush();
      }
      // Waits for the first batch only when enough are in flight, or settled ones pile up behind it.
      while (slots.length > 0 && (slots[0]!.done || pending >= size * WINDOW_PER_WORKER || slots.length >= MAX_HELD_BATCHES)) {
        yield* await slots.shift()!.results;
      }
    }
    flush();
    stats.discovering = false;
    while (slots.length > 0) yield* await slots.shift()!.results;
  } finally {
    await pool.close();
  }
}

/**
 * Two cores: this thread walks, and it and one worker share the batches. Every batch is sent to
 * the worker as it is made; whichever of the two is free claims the next one from a shared
 * counter, so neither waits on the other (handing batches over by the worker's backlog left the
 * worker idle while this thread scanned, and one of them idle at the end while the other finished
 * its queue). This thread walks up to `SHARED_LOOKAHEAD` batches ahead of the claims, so that the
 * worker rarely waits for one while this thread scans a large file.
 */
async function* sharedPair(options: SettleOptions, head: Discovery[], rest: AsyncGenerator<Discovery>, stats: RunStats): AsyncGenerator<FileResult> {
  const job = settleJob(options);
  const turn = eventLoopTurns();
  const pool = new WorkerPool(1, workerSetup(options, true), (files, stopped) => settleHere(files, job, turn, stopped));
  const walk = headThenRest(head, rest);
  /** Results in path order: batches and discovery errors. */
  const slots: Slot[] = [];
  /** The batches sent that nobody may have claimed yet, by number (those below the last claim here are dropped). */
  const unclaimed = new Map<number, { files: DiscoveredFile[]; slot: Slot }>();
  let sent = 0;
  let batch: DiscoveredFile[] = [];
  let walked = false;
  const send = (): void => {
    if (batch.length === 0) return;
    const offer = pool.offer(batch);
    const slot = pendingSlot(offer.results);
    unclaimed.set(offer.id, { files: batch, slot });
    sent++;
    slots.push(slot);
    batch = [];
  };
  /** Walks on until `count` batches have been sent, or the walk ends. */
  const walkTo = async (count: number): Promise<void> => {
    while (sent < count && !walked) {
      const next = await walk.next();
      if (next.done) {
        walked = true;
        send();
        pool.allOffered();
        stats.discovering = false;
        break;
      }
      stats.found++;
      if ("error" in next.value) {
        // A discovery error keeps its place among the files.
        send();
        slots.push(settledSlot([{ kind: "error", error: next.value.error }]));
      } else {
        batch.push(next.value.file);
        if (batch.length >= BATCH_SIZE) send();
      }
    }
  };
  try {
    for (;;) {
      await walkTo(pool.claimed() + SHARED_LOOKAHEAD);
      // Settled batches pile up behind one the worker is still on: wait for it before taking more.
      if (slots.length >= SHARED_LOOKAHEAD + MAX_HELD_BATCHES) yield* await slots.shift()!.results;
      const id = pool.claim();
      await walkTo(id + 1);
      const claimed = unclaimed.get(id);
      // Every batch below this claim has been claimed by one of the two: this thread needs none of them.
      for (const number of unclaimed.keys()) {
        if (number > id) break;
        unclaimed.delete(number);
      }
      if (!claimed) break;
      pool.withdraw(id);
      stats.batchesHere++;
      const results = await settleHere(claimed.files, job, turn);
      claimed.slot.results = Promise.resolve(results);
      claimed.slot.done = true;
      while (slots.length > 0 && slots[0]!.done) yield* await slots.shift()!.results;
    }
    while (slots.length > 0) yield* await slots.shift()!.results;
  } finally {
    await walk.return(undefined);
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
 * A fixed set of worker threads, each settling one batch of files at a time. Workers of a pool get
 * their next batch as each replies (`run`), which balances them. A worker that shares the tree with
 * this thread is sent every batch at once (`offer`) and settles those it claims.
 */
class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: WorkerRequest[] = [];
  /** The batches sent or queued and not yet answered, with their files and, once sent, their worker (not with claims). */
  private readonly waiting = new Map<number, { files: DiscoveredFile[]; worker?: Worker; resolve: (results: FileResult[]) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private closed: Error | undefined;
  /** Workers that have already exited: `close` has none of them to stop. */
  private readonly exited = new Set<Worker>();
  /** Workers that stopped before their work was done (a crash, a memory limit): none is sent more. */
  private readonly lost = new Set<Worker>();
  /** Why each worker that reported an error stopped: it is lost once it has exited. */
  private readonly errors = new Map<Worker, string>();
  /** With claims, once the worker is lost: the batches below this number it may have claimed, and why it stopped. */
  private lostClaims: { below: number; reason: string } | undefined;
  /** Batches settled in this thread once every worker is lost, one after another. */
  private settledHere: Promise<unknown> = Promise.resolve();
  /** With claims, the batches this thread has claimed and not yet withdrawn from the worker. */
  private readonly claimedHere = new Set<number>();
  /** Shared with the workers (`CONTROL`): the request to stop, and the next batch to claim. */
  private readonly control = new Int32Array(new SharedArrayBuffer(Object.keys(CONTROL).length * Int32Array.BYTES_PER_ELEMENT));
  /** The worker claims its batches rather than being handed the next as it replies. */
  private readonly claims: boolean;

  /**
   * `settleHere` settles a batch in this thread, until `stopped`: the batches still queued once
   * every worker is lost. (With claims, this thread claims the lost worker's share itself.)
   */
  constructor(
    size: number,
    setup: WorkerSetup,
    private readonly settleHere: (files: DiscoveredFile[], stopped: () => boolean) => Promise<FileResult[]>,
  ) {
    this.claims = !!setup.claims;
    try {
      this.start(size, setup);
    } catch (error) {
      // No thread could be started (a limit on threads): those that were must not keep the process alive.
      for (const worker of this.all) void worker.terminate();
      throw error;
    }
  }

  private start(size: number, setup: WorkerSetup): void {
    for (let i = 0; i < size; i++) {
      const workerData: WorkerSetup = { ...setup, control: this.control };
      // The worker the command line started first thing gets the setup as its first message.
      const prestarted = i === 0 ? adoptPrestartedWorker() : undefined;
      prestarted?.postMessage(workerData);
      const worker = prestarted ?? startWorker(workerData);
      worker.on("message", (reply: WorkerReply) => {
        this.waiting.get(reply.id)?.resolve(reply.results);
        this.waiting.delete(reply.id);
        if (!this.claims) this.dispatch(worker);
      });
      // A worker is lost once it has exited, not at its error: the replies it posted before an
      // uncaught exception may still be on their way then, and are delivered before its exit.
      worker.on("error", (error) => this.errors.set(worker, error.message));
      worker.on("exit", (code) => {
        this.exited.add(worker);
        const error = this.errors.get(worker);
        if (code !== 0 || error !== undefined) this.lose(worker, error ?? `exit code ${code}`);
      });
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  /** Settles a batch on the next free worker, or in this thread once every worker is lost. */
  run(files: DiscoveredFile[]): Promise<FileResult[]> {
    if (!this.closed && this.lost.size === this.all.length) return this.settleInThread(files);
    return this.request(files, (request) => {
      this.queue.push(request);
      const worker = this.idle.pop();
      if (worker) this.dispatch(worker);
    }).results;
  }

  /**
   * Sends a batch to the only worker, which settles it if it claims it (see `claim`); its number
   * is the one `claim` hands out for it. Once the worker is lost, this thread claims every batch.
   */
  offer(files: DiscoveredFile[]): { id: number; results: Promise<FileResult[]> } {
    const worker = this.all[0]!;
    const offered = this.request(files, (request) => {
      if (!this.lost.has(worker)) worker.postMessage(request);
    });
    // A batch the lost worker claimed before it was offered: this thread will not claim it.
    if (this.lostClaims && offered.id < this.lostClaims.below && !this.claimedHere.has(offered.id)) this.notScanned(offered.id, this.lostClaims.reason);
    return offered;
  }

  /** Tells the worker that every batch has been offered: once past them, it ends itself. */
  allOffered(): void {
    const worker = this.all[0]!;
    if (!this.lost.has(worker)) worker.postMessage({ sent: this.nextId } satisfies AllSent);
  }

  /** The number of the next batch nobody has claimed yet. */
  claimed(): number {
    return Atomics.load(this.control, CONTROL.NEXT_BATCH);
  }

  /** Claims the next batch for this thread: the worker will pass it by. */
  claim(): number {
    const id = Atomics.add(this.control, CONTROL.NEXT_BATCH, 1);
    this.claimedHere.add(id);
    return id;
  }

  /** Forgets the worker's reply to a batch this thread claimed: none will come. */
  withdraw(id: number): void {
    this.waiting.delete(id);
    this.claimedHere.delete(id);
  }

  private request(files: DiscoveredFile[], send: (request: WorkerRequest) => void): { id: number; results: Promise<FileResult[]> } {
    const id = this.nextId++;
    const results = new Promise<FileResult[]>((resolve, reject) => {
      if (this.closed) return reject(this.closed);
      this.waiting.set(id, { files, resolve, reject });
      send({ id, files });
    });
    return { id, results };
  }

  /**
   * Stops the workers: each is asked to, and exits by itself once between two files (a worker
   * terminated inside the parser's native code aborts the process: exit 134 for a Ctrl-C). One
   * that has not exited within `STOP_GRACE_MS` is terminated.
   */
  async close(): Promise<void> {
    this.closed ??= new Error("the worker pool is closed");
    Atomics.store(this.control, CONTROL.STOPPING, 1);
    const running = this.all.filter((worker) => !this.exited.has(worker));
    await Promise.all(running.map((worker) => stopWorker(worker)));
  }

  private dispatch(worker: Worker): void {
    if (this.lost.has(worker)) return;
    const request = this.queue.shift();
    if (!request) {
      this.idle.push(worker);
      return;
    }
    const waiting = this.waiting.get(request.id);
    if (waiting) waiting.worker = worker;
    worker.postMessage(request);
  }

  /**
   * A worker stopped before its work was done: a crash, or its memory limit on some file. The
   * files of the batches it held are reported, not scanned: which of them stopped it is unknown,
   * and scanning it here could stop this thread too. The rest of the run goes on: with claims this
   * thread claims every later batch; else the other workers take the queue, or, once none is left,
   * this thread.
   */
  private lose(worker: Worker, reason: string): void {
    if (this.lost.has(worker) || this.closed) return;
    this.lost.add(worker);
    const idleAt = this.idle.indexOf(worker);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    // With claims, the batches below the next claim that this thread did not claim were the worker's.
    const claimedUpTo = this.claims ? Atomics.load(this.control, CONTROL.NEXT_BATCH) : 0;
    if (this.claims) this.lostClaims = { below: claimedUpTo, reason };
    for (const [id, waiting] of this.waiting) {
      if (this.claims ? id >= claimedUpTo || this.claimedHere.has(id) : waiting.worker !== worker) continue;
      this.notScanned(id, reason);
    }
    if (!this.claims && this.lost.size === this.all.length) {
      for (const request of this.queue.splice(0)) {
        const waiting = this.waiting.get(request.id)!;
        this.waiting.delete(request.id);
        this.settleInThread(request.files).then(waiting.resolve, waiting.reject);
      }
    }
  }

  /** Answers a batch: each of its files not scanned, for `reason`. */
  private notScanned(id: number, reason: string): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    waiting.resolve(waiting.files.map((file) => notScanned(file, reason)));
  }

  /**
   * Settles a batch in this thread, after those already given to it: one at a time, in order, as a
   * run in one thread would, and no more once the pool is closed (a stopped run waits for none).
   */
  private settleInThread(files: DiscoveredFile[]): Promise<FileResult[]> {
    const settled = this.settledHere.then(() => this.settleHere(files, () => this.closed !== undefined));
    this.settledHere = settled.catch(() => undefined);
    return settled;
  }
}

/** The error of a file whose worker thread stopped while it held the file's batch. */
function notScanned(file: DiscoveredFile, reason: string): FileResult {
  return {
    kind: "error",
    error: { path: file.path, message: `not scanned: bindfix's worker thread stopped while it held this file (${reason}); BINDFIX_WORKERS=0 scans in one thread` },
  };
}
