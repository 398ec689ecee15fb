// The per-file pipeline as plain data (read, decode, prefilter, parse, analyse, fix, patch), shared
// by the main thread and the pool's worker threads. Workers never write: they hand the new bytes back.
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import type { FileError, RewriteOptions } from "./types.js";
import type { Transform } from "./transform.js";
import type { DiscoveredFile } from "./discover.js";
import { internalError, readSource, scanSource, settleFile, type FileOutcome, type ScannedSource, type Writer } from "./run.js";
import { releaseTrees, treesAwaitRelease } from "./parse.js";
import { transformById } from "../transforms/index.js";
import { PRESTARTED } from "./prestart.js";

export interface SettleMode {
  /** Apply every fixable finding (`--write`). */
  write: boolean;
  /** Leave files with fixable findings for the review (`--interactive`). */
  interactive: boolean;
}

/** A write the main thread still has to make: the bytes read, and the bytes to put in their place. */
export interface PendingWrite {
  absPath: string;
  expected: Uint8Array;
  contents: Uint8Array;
}

export type FileResult =
  | { kind: "error"; error: FileError }
  | { kind: "outcome"; outcome: FileOutcome; pendingWrite?: PendingWrite }
  /** Fixable findings await a person: the main thread scans the file again and asks. */
  | { kind: "review"; file: DiscoveredFile; scanned?: ScannedSource };

export interface SettleJob {
  transforms: readonly Transform[];
  rewrite: RewriteOptions;
  mode: SettleMode;
}

/**
 * Settles one scanned file as the CLI would: in a review, files with fixable findings wait;
 * otherwise every fixable finding is applied, and with `write` the write is deferred to the caller.
 */
export function settleScanned(scanned: ScannedSource, mode: SettleMode): FileResult {
  const fixable = scanned.scan.findings.filter((finding) => finding.status === "fixable");
  if (mode.interactive && fixable.length > 0) {
    return { kind: "review", file: { absPath: scanned.source.absPath, path: scanned.source.path }, scanned };
  }
  let pendingWrite: PendingWrite | undefined;
  const defer: Writer = (absPath, expected, contents) => {
    pendingWrite = { absPath, expected, contents };
    return { ok: true };
  };
  const outcome = settleFile(scanned, mode.interactive ? [] : fixable, mode.write ? defer : false);
  return pendingWrite ? { kind: "outcome", outcome, pendingWrite } : { kind: "outcome", outcome };
}

/** Reads, scans and settles one discovered file; an internal failure is that file's error, not the run's. */
export function settleDiscovered(file: DiscoveredFile, job: SettleJob): FileResult {
  const read = readSource(file);
  if ("error" in read) return { kind: "error", error: read.error };
  try {
    return settleScanned(scanSource(read.source, job), job.mode);
  } catch (error) {
    return { kind: "error", error: internalError(file.path, error) };
  }
}

/** What the pool sends a worker when it starts it. */
export interface WorkerSetup {
  kind: "bindfix-pool";
  transformIds: string[];
  rewrite: RewriteOptions;
  mode: SettleMode;
  /** Shared with the pool: at `STOPPING`, 1 once the workers must stop; at `NEXT_BATCH`, the next batch to claim when the worker `claims`. */
  control?: Int32Array;
  /**
   * The worker shares a tree with the main thread: it is sent every batch, and settles only those
   * it claims from `control[NEXT_BATCH]`, as the main thread does when it is free.
   */
  claims?: boolean;
}

/** Where the pool's shared `control` asks the workers to stop, and hands out the batches to claim. */
export const CONTROL = { STOPPING: 0, NEXT_BATCH: 1 } as const;

/** The message that asks an idle worker to stop (a busy one sees `CONTROL.STOPPING` between two files). */
export const STOP = "bindfix-stop";

export interface WorkerRequest {
  id: number;
  files: DiscoveredFile[];
}

/**
 * Sent to a worker that claims its batches once the last batch has been sent: how many there are.
 * A worker whose claim is past them ends itself, while the main thread may still be scanning.
 */
export interface AllSent {
  sent: number;
}

export interface WorkerReply {
  id: number;
  /** Results go back without the scanned sources: a tree cannot cross threads. */
  results: FileResult[];
}

// Test-only: a worker that reaches one of these paths (comma-separated; `*` for any) throws outside
// any file's handling, as a crash of bindfix itself would: the worker stops with that error (its
// replies already posted still arrive), so that test/pool-lost-worker.test.ts can lose workers on
// chosen files. Unset (always, outside tests) it costs nothing.
const TEST_STOP_ON = process.env.BINDFIX_TEST_WORKER_STOP_ON ? new Set(process.env.BINDFIX_TEST_WORKER_STOP_ON.split(",")) : undefined;

function serveBatches(setup: WorkerSetup): void {
  const job: SettleJob = {
    transforms: setup.transformIds.map((id) => transformById(id)!),
    rewrite: setup.rewrite,
    mode: setup.mode,
  };
  // A worker terminated from outside while in the parser's native code aborts the whole process, so
  // it stops itself when asked, between two files (where no native call is under way).
  const stopping = (): boolean => !!setup.control && Atomics.load(setup.control, CONTROL.STOPPING) === 1;
  const settleBatch = async (request: WorkerRequest): Promise<void> => {
    const results: FileResult[] = [];
    for (const file of request.files) {
      if (stopping()) process.exit(0);
      if (TEST_STOP_ON && (TEST_STOP_ON.has(file.path) || TEST_STOP_ON.has("*"))) throw new Error(`test hook: stopped on ${file.path}`);
      const result = settleDiscovered(file, job);
      results.push(result.kind === "review" ? { kind: "review", file: result.file } : result);
      if (treesAwaitRelease()) await releaseTrees();
    }
    parentPort!.postMessage({ id: request.id, results } satisfies WorkerReply);
  };
  const received = setup.claims && setup.control ? claimedBatches(setup.control) : queuedBatches();
  parentPort!.on("message", (message: WorkerRequest | AllSent | typeof STOP) => {
    if (message === STOP) process.exit(0);
    received.add(message);
  });
  void (async () => {
    for (let request = await received.next(); request; request = await received.next()) await settleBatch(request);
    process.exit(0);
  })();
}

/**
 * The batches a worker settles, one after another: `add` as they arrive, `next` the one to settle
 * now, or undefined once there will be no more.
 */
interface BatchSource {
  add(message: WorkerRequest | AllSent): void;
  next(): Promise<WorkerRequest | undefined>;
}

/** A waiter for the next batch that `add` makes available. */
function arrivals(): { wait: () => Promise<void>; notify: () => void } {
  let wake: (() => void) | undefined;
  return {
    wait: () => new Promise<void>((resolve) => (wake = resolve)),
    notify: () => {
      const waiting = wake;
      wake = undefined;
      waiting?.();
    },
  };
}

/**
 * Every batch, in the order it came, whether the pool sends the next after a reply or (to a
 * single worker) all at once: a batch waiting for trees to be released never lets the next start.
 */
function queuedBatches(): BatchSource {
  const queue: WorkerRequest[] = [];
  const arrival = arrivals();
  return {
    add(message) {
      if ("sent" in message) return;
      queue.push(message);
      arrival.notify();
    },
    async next() {
      while (queue.length === 0) await arrival.wait();
      return queue.shift()!;
    },
  };
}

/**
 * The batches this worker claims, when it shares a tree with the main thread: the next number
 * from the shared counter, whose batch may still be on its way. The batches the main thread
 * claimed are dropped as they are passed.
 */
function claimedBatches(control: Int32Array): BatchSource {
  const sent = new Map<number, WorkerRequest>();
  const arrival = arrivals();
  let claimed = -1;
  /** How many batches there are, once the last has been sent. */
  let total: number | undefined;
  return {
    add(message) {
      if ("sent" in message) total = message.sent;
      else if (message.id >= claimed) sent.set(message.id, message);
      arrival.notify();
    },
    async next() {
      claimed = Atomics.add(control, CONTROL.NEXT_BATCH, 1);
      for (const id of sent.keys()) if (id < claimed) sent.delete(id);
      while (!sent.has(claimed)) {
        if (total !== undefined && claimed >= total) return undefined;
        await arrival.wait();
      }
      const request = sent.get(claimed)!;
      sent.delete(claimed);
      return request;
    },
  };
}

if (!isMainThread && parentPort) {
  if (workerData === PRESTARTED) parentPort.once("message", (setup: WorkerSetup) => serveBatches(setup));
  else if ((workerData as WorkerSetup | undefined)?.kind === "bindfix-pool") serveBatches(workerData as WorkerSetup);
}
