// The prefilter's reading of class bases, import aliases and `import` statements (src/prefilter.ts),
// through the whole scan: what it finds in real code, and that shapes which once made it quadratic
// (an unclosed `class X(` or `from m import (`, a long chain of subclasses, a line of `reimport`)
// end in about a second at megabytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { moduleLiteral, runEnding } from "./helpers/child.js";
import { scanText } from "../src/engine.js";
import { transforms } from "../transforms/index.js";
import { DEFAULT_REWRITE } from "../src/types.js";

/** Whether the prefilter let the file be parsed, and the findings as [rule, status]. */
function scan(text: string): { parsed: boolean; findings: string[][] } {
  const scanned = scanText({ path: "x.py", text, eol: "\n" }, transforms, DEFAULT_REWRITE);
  return { parsed: scanned.parsed, findings: scanned.findings.map((finding) => [finding.rule, finding.status]) };
}

const found = (text: string, rule: string): void => assert.deepEqual(scan(text), { parsed: true, findings: [[rule, "fixable"]] }, text);
const skipped = (text: string): void => assert.deepEqual(scan(text), { parsed: false, findings: [] }, text);

const SERVER_CALL = 'Proxy(("0.0.0.0", 8080), Handler)\n';

test("a local subclass's bases: over lines, past comments, nested brackets and keywords", () => {
  found(`import socketserver\nclass Proxy(\n    socketserver.ThreadingTCPServer,  # threads\n    Mixin,\n):\n    pass\n${SERVER_CALL}`, "stdlib-servers");
  found(`import socketserver\nclass Proxy(Generic[T], make(base=(1, 2)), socketserver.TCPServer, metaclass=ABCMeta):\n    pass\n${SERVER_CALL}`, "stdlib-servers");
  // A base named only in a comment is none; the bases end at the `)` that closes their `(`.
  skipped(`import socketserver\nclass Proxy(Mixin,  # not socketserver.TCPServer\n):\n    pass\nclass Other(socketserver.TCPServer):\n    pass\n${SERVER_CALL}`);
  skipped(`import socketserver\nclass Proxy(make(base=(1, 2))):\n    pass\nclass Other(socketserver.TCPServer):\n    pass\n${SERVER_CALL}`);
  skipped(`class Proxy(Mixin):\n    pass\nclass Other(socketserver.TCPServer):\n    pass\n${SERVER_CALL}`);
});

test("subclasses of subclasses, defined in any order", () => {
  found('import socketserver\nclass C(B):\n    pass\nclass B(A):\n    pass\nclass A(socketserver.TCPServer):\n    pass\nC(("0.0.0.0", 80), Handler)\n', "stdlib-servers");
  skipped('import socketserver\nclass C(B):\n    pass\nclass B(Mixin):\n    pass\nclass A(socketserver.TCPServer):\n    pass\nC(("0.0.0.0", 80), Handler)\n');
});

test("a base imported under another name, in a parenthesised list or after `;`", () => {
  found(`from socketserver import (\n    ThreadingMixIn,\n    TCPServer as Base,\n)\nclass Proxy(ThreadingMixIn, Base):\n    pass\n${SERVER_CALL}`, "stdlib-servers");
  found(`import os; from socketserver import TCPServer as Base\nclass Proxy(Base):\n    pass\n${SERVER_CALL}`, "stdlib-servers");
  skipped(`import os; from socketserver import TCPServer\nclass Proxy(Base):\n    pass\n${SERVER_CALL}`);
});

test("the modules `import a as b, c` binds, after `;` too, are not objects whose methods serve", () => {
  const call = 'loop.create_server(factory, "0.0.0.0", 80)\n';
  found(`import os; import asyncio as aio, socket\nloop = aio.get_event_loop()\n${call}`, "asyncio");
  skipped(`import os; import socket as loop, asyncio\n${call}`);
  skipped(`import os; import asyncio, loop\n${call}`);
  // `reimport` is a name, no import.
  found(`import os\nreimport = 1\nloop = reimport or reimport\n${call}`, "asyncio");
});

/**
 * Scans the text `makeText` (a JavaScript expression) builds in a child process, so that a
 * regression fails here instead of hanging the suite, and returns what it printed: parsed, findings.
 */
function scanInChild(makeText: string): string {
  const script = `
    import { scanText } from ${moduleLiteral("src/engine.js")};
    import { transforms } from ${moduleLiteral("transforms/index.js")};
    import { DEFAULT_REWRITE } from ${moduleLiteral("src/types.js")};
    const text = ${makeText};
    const scanned = scanText({ path: "x.py", text, eol: "\\n" }, transforms, DEFAULT_REWRITE);
    console.log(scanned.parsed, scanned.findings.length);`;
  return runEnding(script, 60, "the scan");
}

// The target literal and `XServer)` make the prefilter read each text's classes. Each is 1 to 4 MB:
// what the old readings took minutes for, on an idle machine too.
test("1 MB of unclosed `class C(` lines: the brackets are paired once, not each class's read to the end", () => {
  const text = String.raw`'x = ""\nclass Z(XServer): pass\n' + Array.from({ length: 70_000 }, (_, i) => "class C" + i + "x(\n").join("")`;
  assert.equal(scanInChild(text), "false 0");
});

test("2 MB of subclasses, each of the one after it: each found once, the text's names read once", () => {
  const classes = String.raw`Array.from({ length: 70_000 }, (_, i) => "class C" + i + "x(C" + (i + 1) + "x): pass\n").join("")`;
  assert.equal(scanInChild(String.raw`'x = ""\n' + ${classes} + "class C70000x(XServer): pass\n"`), "false 0");
});

test("2 MB of unclosed `from m import (` lines: the imports' statements are read in one pass", () => {
  assert.equal(scanInChild(String.raw`'x = ""\nclass Z(XServer): pass\n' + "from m import (\n".repeat(125_000)`), "false 0");
});

test("a 4 MB line of `reimport or reimport ...`: no list is read after an `import` that starts no statement", () => {
  assert.equal(scanInChild(String.raw`'app.run(port=1)\nx = ""\ny = (reimport' + " or reimport".repeat(340_000) + ")\n"`), "false 0");
});

test("1 MB of calls nested or never closed: an API's written-argument test reads no argument longer than it needs", () => {
  // Each call's argument is the rest of the text: `whenWritten` tested each in full before.
  assert.equal(scanInChild(String.raw`'x = ""\n' + "s.bind(".repeat(120_000) + "1" + ")".repeat(120_000) + "\n"`), "false 0");
  assert.equal(scanInChild(String.raw`'x = ""\n' + "a.run(\n".repeat(140_000)`), "false 0");
});
