// A "files done / found" counter on stderr for long runs, redrawn in place. Only on a terminal and
// never in CI, it waits half a second before it first shows, and is cleared before anything else prints.

/** Whether a run may show progress: stderr is a terminal and no CI system runs it (`CI=false` is none). */
export function progressWanted(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0";
  return stream.isTTY === true && !ci;
}

export class Progress {
  private readonly started = performance.now();
  private lastDrawn = -Infinity;
  private shown = false;
  private paused = false;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    /** Quiet period before the first draw, so short runs never flash a counter. */
    private readonly delayMs = 500,
    private readonly intervalMs = 100,
  ) {}

  /** Redraws the counter if enough time has passed; `more` while files are still being found. */
  update(done: number, found: number | undefined, more: boolean): void {
    const now = performance.now();
    if (this.paused || now - this.started < this.delayMs || now - this.lastDrawn < this.intervalMs) return;
    this.lastDrawn = now;
    this.shown = true;
    const total = found === undefined ? "" : `/${found}${more ? "+" : ""}`;
    this.stream.write(`\r\x1b[Kbindfix: ${done}${total} files`);
  }

  /** Removes the counter, so that the next line printed starts at the left edge of an empty line. */
  clear(): void {
    if (!this.shown) return;
    this.shown = false;
    this.stream.write("\r\x1b[K");
  }

  /** Clears the counter and draws it no more: the terminal is then another's (a review's prompts). */
  pause(): void {
    this.clear();
    this.paused = true;
  }
}
