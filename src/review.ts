// The interactive review loop, independent of any terminal: for each fixable finding it asks
// `decide` (y/n/f/a/q, as in `git add -p`), then settles each file as soon as its questions end,
// so an interruption leaves every file either untouched or completely written.
import type { Finding } from "./types.js";
import { filePatch } from "./patch.js";
import { lineOf } from "./engine.js";
import { settleFile, type FileOutcome, type ScannedSource } from "./run.js";

export type Answer = "yes" | "no" | "file" | "all" | "quit";

export interface ReviewQuestion {
  /** 1-based position among all fixable findings, and their count: `[3/17]`. */
  index: number;
  total: number;
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

export async function review(files: readonly ScannedSource[], decide: Decide, write: boolean): Promise<ReviewResult> {
  const total = files.reduce((sum, file) => sum + fixableOf(file).length, 0);
  const outcomes: FileOutcome[] = [];
  let index = 0;
  let acceptAll = false;
  for (let f = 0; f < files.length; f++) {
    const file = files[f]!;
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
        answer = await decide(question(file, finding, index, total));
      } catch (error) {
        if (!(error instanceof ReviewInterrupted)) throw error;
        outcomes.push(settleFile(file, [], false), ...files.slice(f + 1).map((rest) => settleFile(rest, [], false)));
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
      outcomes.push(...files.slice(f + 1).map((rest) => settleFile(rest, [], false)));
      return { outcomes, stopped: "quit" };
    }
  }
  return { outcomes };
}

function fixableOf(file: ScannedSource): Finding[] {
  return file.scan.findings.filter((finding) => finding.status === "fixable");
}

function question(file: ScannedSource, finding: Finding, index: number, total: number): ReviewQuestion {
  const preview = file.scan.fix([finding]);
  const patch = "text" in preview ? filePatch(file.source.path, file.source.text, preview.text, file.source.bom) : "";
  return {
    index,
    total,
    path: file.source.path,
    line: lineOf(file.source.text, finding.start),
    rule: finding.rule,
    message: finding.message,
    patch,
  };
}
