// The prefilter's call scan (src/call-scan.ts) must find every catalogue name whose next token is
// `(` (a call) or `as` (a rename), or the prefilter could skip a file the analysis would fix. It
// reads backwards from each token; the reference below reads forwards from each name, as the scan
// did before (a pattern of the names, then `TokenLookup` for the next token). The two must agree on
// every text: names, renames, the `(` of each call, and where its callee starts.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { moduleLiteral, runEnding } from "./helpers/child.js";
import { CallScanner, isDefinedName, type CallScan, type CalleeNames } from "../src/call-scan.js";
import { isAsKeyword, TokenLookup } from "../src/analysis/locate.js";

const RUNS = Number(process.env.BINDFIX_PROPERTY_RUNS ?? 300);

const NAMES: CalleeNames = {
  whole: new Set(["bind", "run", "run_server", "serve", "TCPServer", "start_server", "listen"]),
  suffixes: new Set(["Server"]),
};

/** The forward reading: each name where the token after it (past spaces, comments, continuations, blank lines) is `(` or `as`. */
function referenceScan(text: string, names: CalleeNames): CallScan {
  const found: CallScan = { called: new Set(), renamed: new Set(), openings: new Map(), calleeStarts: new Map() };
  const tokens = new TokenLookup(text);
  /** Where the whole names found end: a suffix match ending there is the same name. */
  const wholeEnds = new Set<number>();
  const after = String.raw`(?=[ \t\f]*(?:[(#\\\r\n]|as\b|$))`;
  const byLength = (set: ReadonlySet<string>): string => [...set].sort((a, b) => b.length - a.length).join("|");
  const passes = [
    { pattern: new RegExp(String.raw`\b(${byLength(names.whole)})${after}`, "g"), whole: true },
    { pattern: new RegExp(`(${byLength(names.suffixes)})${after}`, "g"), whole: false },
  ];
  for (const { pattern, whole } of passes) {
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      const next = tokens.tokenAfter(match.index + match[0].length);
      if (next < 0 || (text[next] !== "(" && !isAsKeyword(text, next))) continue;
      if (text[next] === "(" && isDefinedName(text, match.index)) continue;
      // A name found whole was recorded under its suffixes too.
      const end = match.index + match[0].length;
      if (whole) wholeEnds.add(end);
      else if (wholeEnds.has(end)) continue;
      const name = match[1]!;
      const keys = [...(whole ? [name] : []), ...[...names.suffixes].filter((suffix) => name.endsWith(suffix)).map((suffix) => `*${suffix}`)];
      for (const key of keys) {
        found.called.add(key);
        if (text[next] !== "(") found.renamed.add(key);
        else {
          found.openings.set(key, [...(found.openings.get(key) ?? []), next]);
          // Several names may come before one `(` in raw text: the last of them is its callee.
          found.calleeStarts.set(next, Math.max(found.calleeStarts.get(next) ?? -1, match.index));
        }
      }
    }
  }
  for (const offsets of found.openings.values()) offsets.sort((a, b) => a - b);
  return found;
}

/** A scan's findings in a form `deepEqual` compares whatever the insertion order. */
function comparable(scan: CallScan): unknown {
  return {
    called: [...scan.called].sort(),
    renamed: [...scan.renamed].sort(),
    openings: [...scan.openings].sort(([a], [b]) => a.localeCompare(b)),
    calleeStarts: [...scan.calleeStarts].sort(([a], [b]) => a - b),
  };
}

const scanner = new CallScanner(NAMES);
const assertAgrees = (text: string): void => assert.deepEqual(comparable(scanner.scan(text)), comparable(referenceScan(text, NAMES)), JSON.stringify(text));

test("a call on the same line: the name, its `(`, and where the callee starts", () => {
  const text = "sock.bind((host, 80))\nsrv = TCPServer (addr, H)\n";
  const scan = scanner.scan(text);
  assert.deepEqual([...scan.called].sort(), ["*Server", "TCPServer", "bind"]);
  assert.deepEqual(scan.openings.get("bind"), [text.indexOf("(")]);
  assert.equal(scan.calleeStarts.get(text.indexOf("(addr")), text.indexOf("TCPServer"));
  assertAgrees(text);
});

test("a suffix counts inside any name, a whole name only standing alone", () => {
  const scan = scanner.scan("WSGIServer(a)\nrebind(x)\nbind2(x)\n");
  assert.deepEqual([...scan.called], ["*Server"]);
});

test("`def` and `class` define a name, they do not call it", () => {
  assert.deepEqual([...scanner.scan("def run(self):\n    pass\nclass MyServer(Base):\n    pass\n").called], []);
});

test("a rename by `as` is recorded, with or without spaces before it", () => {
  for (const text of ["from x import run as go\n", "import a.bind  as b\n", "runas = 1\n"]) {
    const scan = scanner.scan(text);
    assert.ok(scan.renamed.size > 0, JSON.stringify(text));
    assertAgrees(text);
  }
});

test("the `(` may start a later line: past a line end, a continuation, a comment and comment-only lines", () => {
  for (const text of [
    "x = (run\n     (app))\n",
    "x = run \\\n(app)\n",
    "x = (run  # start it\n\n   # still\n   (app))\n",
    "x = (run\r\n(app))\r\n",
    "x = (run\r(app))\r",
    // A word at the end of a comment-only line reads as the name before the token: this is raw text.
    "# the 2003 Server\n(5, 2)\n",
  ]) {
    assert.ok(scanner.scan(text).openings.size > 0, JSON.stringify(text));
    assertAgrees(text);
  }
});

test("a continuation counts only right before the line's end, and a token line stops the search upwards", () => {
  for (const text of ["x = run \\ \n(app)\n", "run\nx = 1\n(app)\n", "run(\n)\n"]) assertAgrees(text);
  assert.equal(scanner.scan("run\nx = 1\n(app)\n").openings.size, 0);
});

test("several names before one `(` in raw text: each is called, the last one the callee", () => {
  // The comment's `run` and the code's `MyServer`: the lexed view later keeps only `MyServer`.
  const text = "srv = [MyServer  # run\n       ((host, 80), H)]\n";
  const scan = scanner.scan(text);
  assert.deepEqual([...scan.called].sort(), ["*Server", "run"]);
  assert.equal(scan.calleeStarts.get(text.indexOf("((")), text.indexOf("run"));
  assertAgrees(text);
});

test("blank and comment lines before a `(` no name precedes are read once each, whatever the line ends", () => {
  // Were `\r\n` readable as `\r` and then an empty line's `\n`, these 60 lines would take 2^60
  // tries. The scan runs in a child process, so that such a regression fails here instead of hanging the suite.
  const script = `
    import { CallScanner } from ${moduleLiteral("src/call-scan.js")};
    const scanner = new CallScanner({ whole: new Set(["run"]), suffixes: new Set(["Server"]) });
    for (const eol of ["\\n", "\\r\\n", "\\r"]) {
      const text = "x = 1" + eol + ("# c" + eol + eol).repeat(30) + "(a, b) = 1, 2" + eol + "run" + eol + eol + "(app)" + eol;
      console.log(scanner.scan(text).openings.get("run")?.length ?? 0);
    }`;
  assert.deepEqual(runEnding(script, 60, "the scan").split("\n"), ["1", "1", "1"]);
});

test("agrees with the forward reading on any text made of names, tokens, comments and line breaks", () => {
  const piece = fc.constantFrom(
    "run", "run_server", "bind", "serve", "TCPServer", "MyServer", "Server", "listen", "start_server", "rebind", "x", "def ", "class ",
    "(", ")", "as", " as ", "as(", "#", "# c ", " ", "\t", "\\", "\n", "\r\n", "\r", ".", "=", "'", "é", "_", "2",
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => assertAgrees(pieces.join(""))),
    { numRuns: RUNS * 10 },
  );
});
