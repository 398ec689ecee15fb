// The shared vocabulary of the engine: what a transform returns and what the engine applies.
import type Parser from "tree-sitter";

export type SyntaxNode = Parser.SyntaxNode;

export type FindingStatus = "fixable" | "suppressed" | "manual";

/** A text replacement over string offsets (UTF-16 code units, as magic-string and tree-sitter count). */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

export interface Finding {
  /** Id of the transform that found it; also the `--rule` name and the JSON `rule`. */
  rule: string;
  /** Range of the literal that is rewritten (for a name, the literal in its assignment). */
  start: number;
  end: number;
  /** The literal's value, e.g. "0.0.0.0", "" or "0.0.0.0:8000". */
  host: string;
  status: FindingStatus;
  message: string;
  /** Why a `manual` or `suppressed` finding is left alone. */
  reason?: string;
  edits: Edit[];
  /** What the file must provide for the edits to be valid. */
  requires: "os"[];
}

/** Options that shape the rewrite (SPEC §3). */
export interface RewriteOptions {
  envVar: string;
  defaultHost: string;
  defaultHost6: string;
}

export const DEFAULT_REWRITE: RewriteOptions = {
  envVar: "BIND_HOST",
  defaultHost: "127.0.0.1",
  defaultHost6: "::1",
};

/** An error at a file boundary: one line, naming the file. */
export interface FileError {
  path: string;
  message: string;
}
