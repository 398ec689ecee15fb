// The bad-input matrix (issue 4): hostile and unusual files side by side in one tree, fixed by one
// `--write` run of the built CLI as a real repository would be. Each file gives its one-line error
// (and stays byte-identical) or exactly the expected bytes; the ordinary files are still fixed.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { removeTree, runCli, tempTree, type CliRun } from "../helpers/tree.js";
import { BIND, FIXED, snapshot } from "../helpers/safety.js";

const latin1 = (text: string): Buffer => Buffer.from(text, "latin1");
const crlf = (text: string): string => text.replace(/\n/g, "\r\n");
const cr = (text: string): string => text.replace(/\n/g, "\r");
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

interface Case {
  name: string;
  file: string;
  input: string | Buffer;
  /** The exact bytes after `--write`; absent: unchanged. */
  output?: string | Buffer;
  /** The message of the file's one error line (`error: <file>: <message>`); the file stays unchanged. */
  error?: string;
}

function tenMegabytes(): { input: string; output: string } {
  // Non-ASCII before the finding makes byte offsets and string offsets differ by ~120,000; the
  // comment blocks take the long-comment path of src/parse-view.ts, the code the ordinary one.
  const comment = "# é — a comment line that pads this file out to ten megabytes; offsets must stay exact\n";
  const code = Array.from({ length: 2_000 }, (_, i) => `value_${i} = "é" * ${i}\n`).join("");
  const chunk = comment.repeat(25_000) + code;
  const body = chunk.repeat(5);
  return {
    input: `import socket\n${body}s = socket.socket()\ns.bind(("0.0.0.0", 8000))\n`,
    output: `import os\nimport socket\n${body}s = socket.socket()\ns.bind((os.environ.get("BIND_HOST", "127.0.0.1"), 8000))\n`,
  };
}

const big = tenMegabytes();
const longLine = `LONG = "${"x".repeat(50_000)}"; s = socket.socket(); s.bind(("0.0.0.0", 8000))\n`;
const deep = (inner: string): string => "[".repeat(500) + inner + "]".repeat(500);
const commentsOnly = "#\n".repeat(50_000);
// Comment-looking lines inside a string, the last one closing it: blanking them as a comment block
// would swallow the rest of the file, so src/parse-view.ts must notice and parse the plain text.
const stringOfHashes = `TEXT = '''\n${"# not a comment\n".repeat(40)}# still the string '''\n`;
const farError = 'import socket\ndef broken(:\n    pass\n\n\ndef serve():\n    s = socket.socket()\n    s.bind(("0.0.0.0", 8000))\n';

const cases: Case[] = [
  // Encodings
  {
    name: "invalid UTF-8 without a coding cookie",
    file: "bad-utf8.py",
    input: Buffer.concat([latin1("# caf\xe9\n"), Buffer.from(BIND)]),
    error: "not valid UTF-8 (and no coding cookie declares another encoding)",
  },
  {
    name: "a latin-1 cookie: fixed in latin-1, every other byte kept",
    file: "latin1.py",
    input: latin1("# -*- coding: latin-1 -*-\n# caf\xe9\nimport socket\ns = socket.socket()\ns.bind(('0.0.0.0', 8000))  # \xe9t\xe9\n"),
    output: latin1("# -*- coding: latin-1 -*-\n# caf\xe9\nimport os\nimport socket\ns = socket.socket()\ns.bind((os.environ.get('BIND_HOST', '127.0.0.1'), 8000))  # \xe9t\xe9\n"),
  },
  {
    name: "a cp1252 cookie: 0x80 (€ in cp1252, a control character in latin-1) survives the fix",
    file: "cp1252.py",
    input: latin1("# coding: cp1252\nimport socket\nPRICE = '\x80 5'\ns = socket.socket()\ns.bind((\"\", 8000))\n"),
    output: latin1("# coding: cp1252\nimport os\nimport socket\nPRICE = '\x80 5'\ns = socket.socket()\ns.bind((os.environ.get(\"BIND_HOST\", \"127.0.0.1\"), 8000))\n"),
  },
  {
    name: "a byte undefined in the declared cp1252 is an error, not a lossy rewrite",
    file: "cp1252-undefined.py",
    input: latin1("# coding: cp1252\nX = '\x81'\n" + BIND),
    error: "not valid in its declared encoding 'cp1252'",
  },
  {
    name: "a UTF-8 byte order mark stays first, before the inserted import",
    file: "bom.py",
    input: Buffer.concat([BOM, Buffer.from(BIND)]),
    output: Buffer.concat([BOM, Buffer.from(FIXED)]),
  },
  // Line endings
  { name: "CRLF: the inserted line ends in CRLF, no other byte changes", file: "crlf.py", input: crlf(BIND), output: crlf(FIXED) },
  { name: "CR-only line endings (parsed as Python reads them), fixed with CR", file: "cr.py", input: cr(BIND), output: cr(FIXED) },
  {
    name: "mixed line endings: each line keeps its own, the inserted one takes the first",
    file: "mixed.py",
    input: "import socket\r\ns = socket.socket()\ns.bind(('', 1))\rprint('done')\r\n",
    output: "import os\r\nimport socket\r\ns = socket.socket()\ns.bind((os.environ.get('BIND_HOST', '127.0.0.1'), 1))\rprint('done')\r\n",
  },
  // Not Python text
  { name: "NUL bytes: reported as binary", file: "nul.py", input: Buffer.concat([Buffer.from(BIND), Buffer.from([0, 1, 2])]), error: "contains NUL bytes (binary file?)" },
  {
    name: "binary content without NUL bytes named *.py",
    file: "image.py",
    input: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0x80, 0x81]),
    error: "not valid UTF-8 (and no coding cookie declares another encoding)",
  },
  { name: "an empty file", file: "empty.py", input: "" },
  // Layout
  { name: "no trailing newline: the fix adds none", file: "no-newline.py", input: BIND.trimEnd(), output: FIXED.trimEnd() },
  {
    name: "tab indentation and trailing whitespace are kept",
    file: "tabs.py",
    input: "import socket\nclass S:\n\tdef run(self):\n\t\ts = socket.socket()  \n\t\ts.bind(('', 1))\t# tabbed\t\n",
    output: "import os\nimport socket\nclass S:\n\tdef run(self):\n\t\ts = socket.socket()  \n\t\ts.bind((os.environ.get('BIND_HOST', '127.0.0.1'), 1))\t# tabbed\t\n",
  },
  // Size and shape
  { name: "a 10 MB file (non-ASCII, long comment blocks, code) is fixed exactly", file: "big.py", input: big.input, output: big.output },
  {
    name: "a 50,000-character line: the finding at its end is fixed",
    file: "long-line.py",
    input: `import socket\n${longLine}`,
    output: `import os\nimport socket\n${longLine.replace('("0.0.0.0", 8000)', '(os.environ.get("BIND_HOST", "127.0.0.1"), 8000)')}`,
  },
  {
    name: "nesting 500 levels deep, around the finding and elsewhere",
    file: "deep.py",
    input: `import socket\nx = ${deep("1")}\ns = socket.socket()\ny = ${deep('s.bind(("0.0.0.0", 8000))')}\n`,
    output: `import os\nimport socket\nx = ${deep("1")}\ns = socket.socket()\ny = ${deep('s.bind((os.environ.get("BIND_HOST", "127.0.0.1"), 8000))')}\n`,
  },
  { name: "50,000 one-character comment lines (quadratic for tree-sitter-python's scanner)", file: "comments.py", input: commentsOnly + BIND, output: commentsOnly + FIXED },
  { name: "comment-looking lines inside a string are not taken for a comment block", file: "hashes-in-string.py", input: stringOfHashes + BIND, output: stringOfHashes + FIXED },
  // Syntax errors
  {
    name: "a syntax error in the finding's statement: reported, never rewritten",
    file: "near.py",
    input: 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 8000), $)\n',
    error: "line 3: syntax error around this finding; not rewritten",
  },
  {
    name: "a syntax error that hides the bind from the transforms is still reported",
    file: "hidden.py",
    input: 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 8000)\n',
    error: 'line 3: syntax error near "0.0.0.0"; not checked',
  },
  {
    name: "a syntax error far from the finding: the finding is fixed (SPEC §5), the error left as it was",
    file: "far.py",
    input: farError,
    output: farError.replace("import socket\n", "import os\nimport socket\n").replace('("0.0.0.0", 8000)', '(os.environ.get("BIND_HOST", "127.0.0.1"), 8000)'),
  },
  // Header edge case found by `npm run verify -- --inject` over CPython's test_future_stmt
  {
    name: "import os never goes above a __future__ import sharing its line with another statement",
    file: "future.py",
    input: '"""Doc."""\n\nfrom __future__ import annotations; import socket\nsocket.socket().bind(("", 1))\n',
    output: '"""Doc."""\n\nfrom __future__ import annotations; import socket\nimport os\nsocket.socket().bind((os.environ.get("BIND_HOST", "127.0.0.1"), 1))\n',
  },
  // A statement sharing the import block's line runs on over the next lines: found by reasoning from
  // a `verify --inject` failure on CPython's badsyntax_future7.py (a `\` continuation). Before the
  // fix, `import os` went into the string below: it compiled, and failed only when run.
  {
    name: "import os never goes inside a string that starts on the import block's last line",
    file: "import-then-string.py",
    input: 'import abc; X = """\nsecret\n"""\nprint(X)\nimport socket\nsocket.socket().bind(("", 1))\n',
    output: 'import abc; X = """\nsecret\n"""\nimport os\nprint(X)\nimport socket\nsocket.socket().bind((os.environ.get("BIND_HOST", "127.0.0.1"), 1))\n',
  },
  {
    name: "import os never splits a backslash continuation after the header",
    file: "future-continued.py",
    input: '"""Doc."""\nfrom __future__ import annotations; TOTAL = 1 + \\\n    2\nimport socket\nsocket.socket().bind(("", 1))\n',
    output: '"""Doc."""\nfrom __future__ import annotations; TOTAL = 1 + \\\n    2\nimport os\nimport socket\nsocket.socket().bind((os.environ.get("BIND_HOST", "127.0.0.1"), 1))\n',
  },
];

/** Near and far in one file: the near finding is an error, yet the far one is fixed. */
const both: Case = {
  name: "near and far in one file: the far finding is fixed, the near one reported and kept",
  file: "near-and-far.py",
  input: 'import socket\na = socket.socket()\na.bind(("0.0.0.0", 1))\nb = socket.socket()\nb.bind(("0.0.0.0", 2), $)\n',
  output: 'import os\nimport socket\na = socket.socket()\na.bind((os.environ.get("BIND_HOST", "127.0.0.1"), 1))\nb = socket.socket()\nb.bind(("0.0.0.0", 2), $)\n',
  error: "line 5: syntax error around this finding; not rewritten",
};
cases.push(both);

let root: string;
let json: CliRun;
let write: CliRun;
let beforeWrite: Map<string, Buffer>;
let afterWrite: Map<string, Buffer>;

before(() => {
  root = tempTree({ ...Object.fromEntries(cases.map((c) => [c.file, c.input])), "good.py": BIND, "zz-good.py": BIND });
  beforeWrite = snapshot(root);
  json = runCli(["--json", "."], root);
  write = runCli(["--write", "."], root);
  afterWrite = snapshot(root);
});

after(() => removeTree(root));

const bytesOf = (value: string | Buffer): Buffer => (Buffer.isBuffer(value) ? value : Buffer.from(value));
const errorLines = (run: CliRun): string[] => run.stderr.split("\n").filter((line) => line.startsWith("error: "));

for (const c of cases) {
  test(c.name, () => {
    const expected = c.output === undefined ? beforeWrite.get(c.file)! : bytesOf(c.output);
    // latin1 shows every byte one-to-one, so a failure prints the differing bytes.
    assert.equal(afterWrite.get(c.file)?.toString("latin1"), expected.toString("latin1"), `${c.file}: unexpected bytes on disk`);
    const mine = errorLines(write).filter((line) => line.startsWith(`error: ${c.file}: `));
    assert.deepEqual(mine, c.error ? [`error: ${c.file}: ${c.error}`] : [], "error lines for this file");
  });
}

test("the other files of the run are still fixed, and the run exits 2 for its errors", () => {
  assert.equal(afterWrite.get("good.py")?.toString(), FIXED);
  assert.equal(afterWrite.get("zz-good.py")?.toString(), FIXED);
  assert.equal(write.status, 2, write.stderr);
  assert.deepEqual([...afterWrite.keys()].sort(), [...beforeWrite.keys()].sort(), "files appeared or disappeared");
  assert.equal(errorLines(write).length, cases.filter((c) => c.error).length, write.stderr);
});

test("a dry run reports the same errors as --write and writes nothing", () => {
  assert.equal(json.status, 2, json.stderr);
  const report = JSON.parse(json.stdout) as { errors: Array<{ path: string; message: string }> };
  const expected = cases.filter((c) => c.error).map((c) => ({ path: c.file, message: c.error! }));
  const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  assert.deepEqual([...report.errors].sort(byPath), expected.sort(byPath));
});

test("CR-only and long-line findings are reported at the right line and column", () => {
  const report = JSON.parse(json.stdout) as { findings: Array<{ path: string; line: number; column: number; status: string }> };
  const at = (path: string): Array<[number, number]> => report.findings.filter((f) => f.path === path).map((f) => [f.line, f.column]);
  assert.deepEqual(at("cr.py"), [[3, 9]]);
  assert.deepEqual(at("long-line.py"), [[2, longLine.indexOf('"0.0.0.0"') + 1]]);
  assert.deepEqual(at("big.py"), [[big.input.split("\n").length - 1, 9]]);
});
