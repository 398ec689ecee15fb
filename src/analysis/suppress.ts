// Suppression comments other scanners' users already write on intentional binds (SPEC §2).
import type { SyntaxNode } from "../types.js";
import { descendantAt } from "./ancestry.js";

/** A marker: its name, the word every comment carrying it holds (case aside), and its test. */
type Marker = { name: string; word: string; test: (comment: string) => boolean };

const MARKERS: Marker[] = [
  // Bandit: `# nosec` alone, or with test ids among which B104. `s`: a comment may hold U+2028,
  // which ends no line in Python, and at which `.` would stop: `$` then fails and the match is
  // tried again at each later `nosec`.
  { name: "nosec", word: "nosec", test: (c) => codesAllow(/\bnosec\b(.*)$/is.exec(c), /\bB\d{3}\b/gi, "B104") },
  // flake8 / Ruff: bare `# noqa`, or `# noqa: <codes>` naming S104.
  { name: "noqa", word: "noqa", test: (c) => codesAllow(/\bnoqa\b(\s*:\s*[A-Z]+\d+(?:[\s,]+[A-Z]+\d+)*)?/i.exec(c), /[A-Z]+\d+/gi, "S104") },
  { name: "nosemgrep", word: "nosemgrep", test: (c) => /\bnosemgrep\b/.test(c) },
  { name: "codeql", word: "codeql", test: (c) => c.includes("codeql[py/bind-socket-all-network-interfaces]") },
  { name: "lgtm", word: "lgtm", test: (c) => /\blgtm\b(?!\s*\[)/.test(c) || c.includes("lgtm[py/bind-socket-all-network-interfaces]") },
  { name: "bindfix: ignore", word: "bindfix", test: (c) => /\bbindfix\s*:\s*ignore\b/.test(c) },
];

/** A marker without a code list covers everything; with one, it must name `ours`. */
function codesAllow(match: RegExpExecArray | null, code: RegExp, ours: string): boolean {
  if (!match) return false;
  const codes = (match[1] ?? "").match(code);
  return !codes || codes.some((c) => c.toUpperCase() === ours);
}

/** The marker a comment carries that suppresses this rule, if any. */
export function suppressionMarker(comment: string): string | undefined {
  return MARKERS.find((marker) => marker.test(comment))?.name;
}

/** The markers' words: only a comment holding one can carry a marker. */
const MARKER_TEXT = new RegExp(MARKERS.map((marker) => marker.word).join("|"), "gi");

/** The 0-based rows that carry a suppression marker, with the marker's name. */
export function suppressedRows(root: SyntaxNode, text: string): Map<number, string> {
  const rows = new Map<number, string>();
  // Only the comments around a marker's text are read: reading every comment node of a large file
  // costs tens of milliseconds, and most files name no marker at all.
  const read = new Set<number>();
  MARKER_TEXT.lastIndex = 0;
  for (let match = MARKER_TEXT.exec(text); match; match = MARKER_TEXT.exec(text)) {
    const comment = descendantAt(root, match.index, match.index + match[0].length);
    if (comment.type !== "comment" || read.has(comment.startIndex)) continue;
    read.add(comment.startIndex);
    const marker = suppressionMarker(comment.text);
    if (marker) rows.set(comment.startPosition.row, marker);
  }
  return rows;
}
