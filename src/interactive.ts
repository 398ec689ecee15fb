// The terminal side of `--interactive`, and the only module that knows about inquirer: a prompt
// that shows one change and takes a single key, as `git add -p` does, and the terminal's keys held
// for the whole review, so that a key typed ahead answers the next question.
import { emitKeypressEvents } from "node:readline";
import { PassThrough } from "node:stream";
import { createPrompt, useKeypress, useState, ExitPromptError, type KeypressEvent } from "@inquirer/core";
import { colorPatch } from "./patch.js";
import type { Palette } from "./color.js";
import { ReviewInterrupted, type Answer, type Decide } from "./review.js";

const KEYS: Record<string, Answer> = { y: "yes", n: "no", f: "file", a: "all", q: "quit" };

const HELP = [
  "y - apply this change",
  "n - skip this change",
  "f - apply this change and the rest in this file",
  "a - apply this change and all remaining changes",
  "q - quit; changes already accepted are written",
  "? - print help",
].join("\n");

const ANSWER_TEXT: Record<Answer, string> = { yes: "apply", no: "skip", file: "apply the rest of this file", all: "apply all remaining", quit: "quit" };

interface PromptConfig {
  message: string;
}

const singleKeyPrompt = createPrompt<Answer, PromptConfig>((config, done) => {
  const [answer, setAnswer] = useState<Answer | undefined>(undefined);
  const [help, setHelp] = useState(false);
  useKeypress((event: KeypressEvent, rl) => {
    const typed = ((event as KeypressEvent & { sequence?: string }).sequence ?? event.name ?? "").toLowerCase();
    rl.clearLine(0);
    const chosen = KEYS[typed];
    if (chosen) {
      setAnswer(chosen);
      done(chosen);
    } else {
      setHelp(true);
    }
  });
  if (answer) return `${config.message} ${ANSWER_TEXT[answer]}`;
  return [`${config.message} [y,n,f,a,q,?] `, help ? HELP : undefined];
});

export interface TerminalIo {
  input: NodeJS.ReadStream;
  output: NodeJS.WritableStream;
  colors: Palette;
  /** Ctrl-C while no question waits (the scan is looking for the next change): the run should stop. */
  onInterrupt: () => void;
}

/** Asks each question on a terminal; `close` gives the terminal back once the review is over. */
export interface TerminalReview {
  decide: Decide;
  close(): void;
}

/** A `decide` that asks on a terminal. */
export function terminalDecide(io: TerminalIo): TerminalReview {
  const keys = new TerminalKeys(io.input, io.onInterrupt);
  const decide: Decide = async (question) => {
    // After a Ctrl-C between two questions, a question still to come stops the review as one at a prompt would.
    if (keys.interrupted) throw new ReviewInterrupted("interrupted");
    const { colors } = io;
    const header = `${colors.bold(`[${question.index}/${question.total}${question.complete ? "" : "+"}]`)} ${question.path}:${question.line} ${colors.yellow(question.rule)} ${question.message}`;
    io.output.write(`\n${header}\n${colorPatch(question.patch, colors)}`);
    try {
      return await singleKeyPrompt({ message: "Apply this change?" }, { input: keys.forPrompt(), output: io.output });
    } catch (error) {
      if (error instanceof ExitPromptError) throw new ReviewInterrupted("interrupted");
      throw error;
    } finally {
      keys.promptDone();
    }
  };
  return { decide, close: () => keys.close() };
}

const CTRL_C = "\x03";

/**
 * The terminal's keys from the first question to the end of the review, read in raw mode and
 * handed to the prompts one at a time. A prompt reading the terminal itself drops the keys that
 * arrive with the one that answers it (`yn` typed fast, or pasted), and between two prompts the
 * terminal echoes what is typed while the scan looks for the next change; here every key waits
 * for the next question instead, as in `git add -p`. Ctrl-C while no question waits stops the
 * run, as a signal would.
 */
class TerminalKeys {
  /** True once Ctrl-C came while no question waited. */
  interrupted = false;
  private readonly queued: string[] = [];
  /** The input of the prompt waiting for a key, if one is. */
  private waiting: PassThrough | undefined;
  private feeding = false;
  private reading = false;

  constructor(
    private readonly terminal: NodeJS.ReadStream,
    private readonly onInterrupt: () => void,
  ) {}

  /** An input for the next prompt: it is given the keys typed so far, then those still to come. */
  forPrompt(): NodeJS.ReadableStream {
    this.startReading();
    const input = new PassThrough({ encoding: "utf8" });
    this.waiting = input;
    this.feed();
    return input;
  }

  promptDone(): void {
    this.waiting = undefined;
  }

  /** Gives the terminal back as it was: cooked mode, and no longer read (so the process can end). */
  close(): void {
    if (!this.reading) return;
    this.reading = false;
    this.terminal.off("keypress", this.onKey);
    this.terminal.setRawMode(false);
    this.terminal.pause();
  }

  private startReading(): void {
    if (this.reading) return;
    this.reading = true;
    emitKeypressEvents(this.terminal);
    this.terminal.setRawMode(true);
    this.terminal.on("keypress", this.onKey);
    this.terminal.resume();
  }

  private readonly onKey = (text: string | undefined, key: { sequence?: string } | undefined): void => {
    const sequence = key?.sequence ?? text;
    if (!sequence) return;
    if (sequence === CTRL_C) {
      // A waiting prompt takes it as its own Ctrl-C (the review stops); otherwise it stops the run.
      if (this.waiting) this.waiting.write(sequence);
      else if (!this.interrupted) {
        this.interrupted = true;
        this.queued.length = 0;
        this.onInterrupt();
      }
      return;
    }
    this.queued.push(sequence);
    this.feed();
  };

  /**
   * Writes the next queued key to the waiting prompt, one per turn of the event loop: a key that
   * answers it settles it (and `promptDone` runs) before the next turn, so the next key waits for
   * the next prompt; a key that does not (`?`) leaves it waiting for the next.
   */
  private feed(): void {
    if (this.feeding || !this.waiting || this.queued.length === 0) return;
    this.feeding = true;
    setImmediate(() => {
      this.feeding = false;
      if (!this.waiting || this.queued.length === 0) return;
      this.waiting.write(this.queued.shift()!);
      this.feed();
    });
  }
}
