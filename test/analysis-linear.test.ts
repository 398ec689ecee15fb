// Passes of the analysis over a parsed file that once read a long line again for each word on it:
// the next token after each `#` (`TokenLookup`), Bandit's `nosec` before a U+2028 in a comment, the
// `os` words of a line (`mayBeBound`), and the `_os`, `_os1`... names an alias must avoid. Their
// answers first, then each shape at about a megabyte, where reading the line again per word would
// take many minutes: those run in a child process, so that a regression fails instead of hanging.
import { test } from "node:test";
import assert from "node:assert/strict";
import { moduleLiteral, runEnding } from "./helpers/child.js";
import { scanText } from "../src/engine.js";
import { transforms } from "../transforms/index.js";
import { DEFAULT_REWRITE } from "../src/types.js";
import { TokenLookup, nameSites } from "../src/analysis/locate.js";
import { suppressionMarker } from "../src/analysis/suppress.js";

const BIND = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 80))\n';
function fixed(text: string): string {
  const result = scanText({ path: "t.py", text, eol: "\n" }, transforms, DEFAULT_REWRITE).fix();
  assert.ok("text" in result, JSON.stringify(result));
  return result.text;
}

test("the next token after a comment, asked from many places on one line, in any order", () => {
  const text = "run # a # b\n\n  # c\n(x)\n";
  const tokens = new TokenLookup(text);
  const open = text.indexOf("(");
  const hashes = [...text.matchAll(/#/g)].map((match) => match.index);
  // Later offsets first, then earlier ones: the line's end found once serves both directions.
  for (const at of [...hashes].reverse()) assert.equal(tokens.tokenAfter(at), open, `from ${at}`);
  for (const at of hashes) assert.equal(tokens.tokenAfter(at), open, `from ${at}`);
  assert.equal(tokens.tokenAfter(3), open);
  // Raw text: the words in the comments count too.
  assert.deepEqual(nameSites(text).map((site) => site.name), ["run", "a", "b", "c"]);
});

test("`nosec` suppresses across a U+2028 in its comment, which ends no line in Python", () => {
  assert.equal(suppressionMarker("# nosec\u2028 more"), "nosec");
  assert.equal(suppressionMarker("# nosec B101\u2028"), undefined);
  assert.equal(suppressionMarker("# nosec B104\u2028"), "nosec");
});

test("`os` rebound or not, read line by line: plain import lists, `from`, attribute use, comments", () => {
  // Only uses and imports of `os`: the existing module serves the rewrite.
  for (const uses of ["import sys, os\n", "import sys, os.path  # os os\n", "from os import path\n", "print(os.sep, os)\n", "# os os os\n"]) {
    const out = fixed(`import os\n${uses}${BIND}`);
    assert.match(out, /s\.bind\(\(os\.environ\.get\("BIND_HOST", "127\.0\.0\.1"\), 80\)\)/, uses);
  }
  // A rebinding on a line that also uses it: the rewrite imports the module under another name.
  for (const rebinds of ["x = os.sep; os = 1\n", "import sys, os as os2; os = 2\n"]) {
    assert.match(fixed(`import os\n${rebinds}${BIND}`), /^import os as _os$/m, rebinds);
  }
});

test("an alias avoids every `_os` name the text holds", () => {
  assert.match(fixed(`os = 1\n_os = 2\nprint(_os1, _os12)\n${BIND}`), /^import os as _os2$/m);
});

test("long lines of comments, `nosec` and `os` words are read about once", () => {
  const script = `
    import { scanText } from ${moduleLiteral("src/engine.js")};
    import { transforms } from ${moduleLiteral("transforms/index.js")};
    import { DEFAULT_REWRITE } from ${moduleLiteral("src/types.js")};
    import { nameSites } from ${moduleLiteral("src/analysis/locate.js")};
    import { suppressionMarker } from ${moduleLiteral("src/analysis/suppress.js")};
    const bind = ${JSON.stringify(BIND)};
    const scan = (text) => scanText({ path: "t.py", text, eol: "\\n" }, transforms, DEFAULT_REWRITE);
    console.log(nameSites("# " + "a #".repeat(300000) + "\\nx\\n").length);
    console.log(suppressionMarker("# " + "nosec ".repeat(170000) + "\\u2028x"));
    console.log(scan(bind + "# " + "os ".repeat(330000) + "\\n").findings.length);
    console.log(scan("os = 1\\n" + bind + "# " + Array.from({ length: 90000 }, (_, i) => "_os" + (i || "")).join(" ") + "\\n").fix().text.includes("import os as _os90000"));`;
  assert.deepEqual(runEnding(script, 120, "the passes").split("\n"), ["0", "nosec", "1", "true"]);
});
