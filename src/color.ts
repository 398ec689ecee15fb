// ANSI colours for a terminal, or none: off when the stream is not a TTY, with NO_COLOR or
// --no-color; FORCE_COLOR turns them on in a pipe (as Node, chalk and most CLIs do).
// Precedence: --no-color, then NO_COLOR (no-color.org), then FORCE_COLOR (force-color.org; "0" and
// "false" turn colour off, as in Node and chalk), then whether the stream is a terminal.
import type { PatchColors } from "./patch.js";

export interface Palette extends PatchColors {
  bold: (text: string) => string;
  dim: (text: string) => string;
  yellow: (text: string) => string;
  red: (text: string) => string;
  green: (text: string) => string;
}

export function colorEnabled(stream: { isTTY?: boolean }, noColorFlag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force !== "false";
  return stream.isTTY === true && env.TERM !== "dumb";
}

const wrap = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const plain = (text: string): string => text;

export function palette(enabled: boolean): Palette {
  if (!enabled) {
    return { added: plain, removed: plain, hunk: plain, header: plain, bold: plain, dim: plain, yellow: plain, red: plain, green: plain };
  }
  return {
    added: wrap(32, 39),
    removed: wrap(31, 39),
    hunk: wrap(36, 39),
    header: wrap(1, 22),
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    yellow: wrap(33, 39),
    red: wrap(31, 39),
    green: wrap(32, 39),
  };
}
