// The per-file pipeline as plain data (read, decode, prefilter, parse, analyse, fix, patch), shared
// by the main thread and the pool's worker threads. Workers never write: they hand the new bytes back.
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import type { FileError, RewriteOptions } from "./types.js";
import type { Transform } from "./transform.js";
import type { DiscoveredFile } from "./discover.js";
import { internalError, readSource, scanSource, settleFile, type FileOutcome, type ScannedSource, type Writer } from "./run.js";
import { releaseTrees, treesAwaitRelease } from "./parse.js";
import { transformById } from "../transforms/index.js";

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
  /** Shared with the pool: at `FINISHED`, the batches the workers have finished; at `STOPPING`, 1 once they must stop. */
  control?: Int32Array;
}

/** Where the pool's shared `control` counts finished batches, and where it asks the workers to stop. */
export const CONTROL = { FINISHED: 0, STOPPING: 1 } as const;

/** The message that asks an idle worker to stop (a busy one sees `CONTROL.STOPPING` between two files). */
export const STOP = "bindfix-stop";

export interface WorkerRequest {
  id: number;
  files: DiscoveredFile[];
}

export interface WorkerReply {
  id: number;
  /** Results go back without the scanned sources: a tree cannot cross threads. */
  results: FileResult[];
}

function serveBatches(setup: WorkerSetup): void {
  const job: SettleJob = {
    transforms: setup.transformIds.map((id) => transformById(id)!),
    rewrite: setup.rewrite,
    mode: setup.mode,
  };
  // Batches are settled one after another, in the order they came, whether the pool sends the next
  // after a reply or (to a single worker) all at once: a batch waiting for trees to be released
  // never lets the next one start.
  const queue: WorkerRequest[] = [];
  let settling = false;
  // A worker terminated from outside while in the parser's native code aborts the whole process, so
  // it stops itself when asked, between two files (where no native call is under way).
  const stopping = (): boolean => !!setup.control && Atomics.load(setup.control, CONTROL.STOPPING) === 1;
  const settleQueued = async (): Promise<void> => {
    settling = true;
    for (let request = queue.shift(); request; request = queue.shift()) {
      const results: FileResult[] = [];
      for (const file of request.files) {
        if (stopping()) process.exit(0);
        const result = settleDiscovered(file, job);
        results.push(result.kind === "review" ? { kind: "review", file: result.file } : result);
        if (treesAwaitRelease()) await releaseTrees();
      }
      if (setup.control) Atomics.add(setup.control, CONTROL.FINISHED, 1);
      parentPort!.postMessage({ id: request.id, results } satisfies WorkerReply);
    }
    settling = false;
  };
  parentPort!.on("message", (request: WorkerRequest | typeof STOP) => {
    if (request === STOP) process.exit(0);
    queue.push(request);
    if (!settling) void settleQueued();
  });
}

if (!isMainThread && parentPort && (workerData as WorkerSetup | undefined)?.kind === "bindfix-pool") {
  serveBatches(workerData as WorkerSetup);
}
