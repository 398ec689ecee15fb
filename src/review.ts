// The interactive review loop, independent of any terminal: for each fixable finding it asks
// `decide` (y/n/f/a/q, as in `git add -p`), then settles each file as soon as its questions end,
// so an interruption leaves every file either untouched or completely written. The files come from
// a `ReviewFeed` that a scan fills while the user answers, so the first question need not wait
// for the whole repository.
import type { Finding } from "./types.js";
import { filePatch } from "./patch.js";
import { lineOf } from "./engine.js";
import { settleFile, type FileOutcome, type ScannedSource } from "./run.js";

export type Answer = "yes" | "no" | "file" | "all" | "quit";

export interface ReviewQuestion {
  /** 1-based position among all fixable findings, and their count: `[3/17]`. */
  index: number;
  total: number;
  /** False while the scan is still finding files: `total` is then the count so far (`[3/17+]`). */
  complete: boolean;
  path: string;
  line: number;
  rule: string;
  message: string;
  /** The patch of this one change alone (with the `import os` it needs, if any). */
  patch: string;
}

export type Decide = (question: ReviewQuestion) => Promise<Answer>;

/** Thrown by a `decide` whose user pressed Ctrl-C: the current file is abandoned unwritten. */
export class ReviewInterrupted extends Error {}

export interface ReviewResult {
  outcomes: FileOutcome[];
  /** How the review ended early, if it did. */
  stopped?: "quit" | "interrupted";
}

/**
 * The files awaiting review, in path order, as a scan finds them. The first file is held back
 * until the scan ends or `holdMs` have passed since the feed was made: a small run then asks its
 * first question with the exact total, a large one asks within a second and counts on (`[1/6+]`).
 */
export class ReviewFeed {
  private readonly queue: ScannedSource[] = [];
  private readonly createdAt = performance.now();
  private released = false;
  private ended = false;
  private failure: unknown;
  private waiter: (() => void) | undefined;
  /** Fixable findings in the files pushed so far. */
  fixableFound = 0;
  /** Set by the review when it needs no more files (Ctrl-C): the scan should stop. */
  abandoned = false;

  constructor(private readonly holdMs = FIRST_QUESTION_HOLD_MS) {}

  /** A feed of files already scanned, complete from the start. */
  static of(files: readonly ScannedSource[]): ReviewFeed {
    const feed = new ReviewFeed(0);
    for (const file of files) feed.push(file);
    feed.end();
    return feed;
  }

  get complete(): boolean {
    return this.ended;
  }

  /** True once the review may start asking: the scanner should then let the terminal be read between files. */
  get asking(): boolean {
    return this.released;
  }

  push(file: ScannedSource): void {
    this.queue.push(file);
    this.fixableFound += fixableOf(file).length;
    this.poll();
  }

  /** The scan has ended: nothing more will be pushed. */
  end(): void {
    this.ended = true;
    this.released = true;
    this.wake();
  }

  /** The scan failed: the review's next wait throws `error`. */
  fail(error: unknown): void {
    this.failure = error;
    this.end();
  }

  /** Called by the scanner after each file: releases the first file once it has been held long enough. */
  poll(): void {
    if (!this.released && this.queue.length > 0 && performance.now() - this.createdAt >= this.holdMs) this.released = true;
    if (this.released) this.wake();
  }

  /** The next file to review, waiting for the scan when it has none yet; undefined once the scan has ended. */
  async next(): Promise<ScannedSource | undefined> {
    while (!(this.released && (this.queue.length > 0 || this.ended))) {
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    if (this.failure !== undefined) throw this.failure;
    return this.queue.shift();
  }

  /** The files pushed but not yet taken: what an interrupted review still has to account for. */
  takeQueued(): ScannedSource[] {
    return this.queue.splice(0);
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

/** How long the first question waits for the scan to end, so that it can show the exact total. */
export const FIRST_QUESTION_HOLD_MS = 400;

export async function review(files: readonly ScannedSource[] | ReviewFeed, decide: Decide, write: boolean): Promise<ReviewResult> {
  const feed = files instanceof ReviewFeed ? files : ReviewFeed.of(files);
  const outcomes: FileOutcome[] = [];
  let index = 0;
  let acceptAll = false;
  for (let file = await feed.next(); file; file = await feed.next()) {
    const accepted: Finding[] = [];
    let acceptFile = false;
    let quit = false;
    for (const finding of fixableOf(file)) {
      index++;
      if (acceptAll || acceptFile) {
        accepted.push(finding);
        continue;
      }
      let answer: Answer;
      try {
        answer = await decide(question(file, finding, index, feed));
      } catch (error) {
        if (!(error instanceof ReviewInterrupted)) throw error;
        // Ctrl-C: the scan stops; what it already found is reported, unwritten.
        feed.abandoned = true;
        outcomes.push(settleFile(file, [], false), ...feed.takeQueued().map((rest) => settleFile(rest, [], false)));
        return { outcomes, stopped: "interrupted" };
      }
      if (answer === "quit") {
        quit = true;
        break;
      }
      if (answer !== "no") accepted.push(finding);
      if (answer === "file") acceptFile = true;
      if (answer === "all") acceptAll = true;
    }
    outcomes.push(settleFile(file, accepted, write));
    if (quit) {
      // The scan runs to its end, unasked, so that the summary still counts every finding left.
      for (let rest = await feed.next(); rest; rest = await feed.next()) outcomes.push(settleFile(rest, [], false));
      return { outcomes, stopped: "quit" };
    }
  }
  return { outcomes };
}

function fixableOf(file: ScannedSource): Finding[] {
  return file.scan.findings.filter((finding) => finding.status === "fixable");
}

function question(file: ScannedSource, finding: Finding, index: number, feed: ReviewFeed): ReviewQuestion {
  const preview = file.scan.fix([finding]);
  const patch = "text" in preview ? filePatch(file.source.path, file.source.text, preview.text, file.source.bom, preview.edits) : "";
  return {
    index,
    total: feed.fixableFound,
    complete: feed.complete,
    path: file.source.path,
    line: lineOf(file.source.text, finding.start),
    rule: finding.rule,
    message: finding.message,
    patch,
  };
}
