// The terminal side of `--interactive`, and the only module that knows about inquirer: a prompt
// that shows one change and takes a single key, as `git add -p` does.
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
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  colors: Palette;
}

/** A `decide` that asks on a terminal. */
export function terminalDecide(io: TerminalIo): Decide {
  return async (question) => {
    const { colors } = io;
    const header = `${colors.bold(`[${question.index}/${question.total}${question.complete ? "" : "+"}]`)} ${question.path}:${question.line} ${colors.yellow(question.rule)} ${question.message}`;
    io.output.write(`\n${header}\n${colorPatch(question.patch, colors)}`);
    try {
      return await singleKeyPrompt({ message: "Apply this change?" }, { input: io.input, output: io.output });
    } catch (error) {
      if (error instanceof ExitPromptError) throw new ReviewInterrupted("interrupted");
      throw error;
    }
  };
}
