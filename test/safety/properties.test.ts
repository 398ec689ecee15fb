// Property-based tests (fast-check): random Python modules put all-interfaces literals in the host
// positions of every transform's APIs, in random surroundings (quotes, prefixes, parentheses, names,
// comments, docstrings, __future__, imports of os, indentation, line endings, a BOM), next to decoys
// that must never change. The fix must equal the input with exactly those literals replaced and one
// `import os` line added, parse without errors, compile under python3, and be a fixed point.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeSource, encodeSource } from "../../src/source.js";
import { scanText } from "../../src/engine.js";
import { parseSource } from "../../src/parse-view.js";
import { errorRanges } from "../../src/parse.js";
import { transforms } from "../../transforms/index.js";
import { DEFAULT_REWRITE } from "../../src/types.js";
import type { Transform } from "../../src/transform.js";
import { hasPython, pythonCompileFailures } from "../helpers/python.js";

/** Runs per property: enough to meet most combinations, few enough to keep the suite quick. */
const RUNS = Number(process.env.BINDFIX_PROPERTY_RUNS ?? 150);

// ---------------------------------------------------------------------------------------------
// The building blocks of a module

const VALUES = ["0.0.0.0", "", "::", "0", "::0", "0:0:0:0:0:0:0:0"] as const;
const IPV6 = new Set(["::", "::0", "0:0:0:0:0:0:0:0"]);
const QUOTES = ["'", '"', "'''", '"""'] as const;
const PREFIXES = ["", "r", "u", "R", "U"] as const;

interface Api {
  name: string;
  imports: string[];
  /** Statements around the host expression `h`; `n` makes receiver names unique. */
  code: (h: string, n: number) => string[];
  /** The API itself says the socket is IPv6, so every spelling gets the IPv6 default. */
  ipv6?: boolean;
}

/** One API (or more) of every transform, each checked by "every template alone is one finding". */
const APIS: Api[] = [
  { name: "socket.bind tuple", imports: ["import socket"], code: (h, n) => [`s${n} = socket.socket()`, `s${n}.bind((${h}, 8080))`] },
  { name: "socket.bind list", imports: ["import socket"], code: (h, n) => [`s${n} = socket.socket(socket.AF_INET, socket.SOCK_STREAM)`, `s${n}.bind([${h}, 8080])`] },
  { name: "socket.bind IPv6", imports: ["import socket"], code: (h, n) => [`s${n} = socket.socket(socket.AF_INET6)`, `s${n}.bind((${h}, 8080, 0, 0))`], ipv6: true },
  { name: "socket.create_server", imports: ["import socket"], code: (h, n) => [`srv${n} = socket.create_server((${h}, 8000))`] },
  { name: "socketserver.TCPServer", imports: ["import socketserver"], code: (h, n) => [`tcp${n} = socketserver.TCPServer((${h}, 8000), socketserver.BaseRequestHandler)`] },
  { name: "http.server.HTTPServer", imports: ["import http.server"], code: (h, n) => [`httpd${n} = http.server.HTTPServer((${h}, 8000), http.server.SimpleHTTPRequestHandler)`] },
  { name: "make_server", imports: ["from wsgiref.simple_server import make_server"], code: (h, n) => [`wsgi${n} = make_server(${h}, 8000, None)`] },
  { name: "asyncio.start_server", imports: ["import asyncio"], code: (h, n) => [`coro${n} = asyncio.start_server(None, ${h}, 8888)`] },
  { name: "loop.create_server host=", imports: ["import asyncio"], code: (h, n) => [`loop${n} = asyncio.get_event_loop()`, `coro${n} = loop${n}.create_server(asyncio.Protocol, host=${h}, port=8888)`] },
  { name: "create_datagram_endpoint", imports: ["import asyncio"], code: (h, n) => [`loop${n} = asyncio.get_event_loop()`, `dgram${n} = loop${n}.create_datagram_endpoint(asyncio.DatagramProtocol, local_addr=(${h}, 9999))`] },
  { name: "Flask app.run", imports: ["from flask import Flask"], code: (h, n) => [`app${n} = Flask(__name__)`, `app${n}.run(host=${h}, port=5000)`] },
  { name: "uvicorn.run", imports: ["import uvicorn"], code: (h) => [`uvicorn.run("main:app", host=${h}, port=8000)`] },
  { name: "aiohttp run_app", imports: ["from aiohttp import web"], code: (h) => [`web.run_app(web.Application(), host=${h}, port=8080)`] },
  { name: "cherrypy config", imports: ["import cherrypy"], code: (h) => [`cherrypy.config.update({"server.socket_host": ${h}, "server.socket_port": 8080})`] },
  { name: "twisted listenTCP", imports: ["from twisted.internet import reactor"], code: (h) => [`reactor.listenTCP(8000, None, interface=${h})`] },
  { name: "debugpy.listen", imports: ["import debugpy"], code: (h) => [`debugpy.listen((${h}, 5678))`] },
];

/** Text that mentions all-interfaces addresses where no bind is: never a finding, never changed. */
const DECOYS: Array<(n: number) => string[]> = [
  (n) => [`def check_${n}(host):`, `    if host == "0.0.0.0":`, `        return "::"`, `    return ""`],
  (n) => [`URL_${n} = "http://0.0.0.0:8000/"`],
  (n) => [`print("listening on 0.0.0.0", '', "::")`, `# s${n}.bind(("0.0.0.0", 80)) is what we used to do`],
  (n) => [`UNUSED_${n} = "0.0.0.0"`, `EMPTY_${n} = ''`],
  (n) => [`def doc_${n}():`, `    """Binds to '0.0.0.0' in production."""`, `    return ["::", ""]`],
];

const COMMENTS = ["# serve the API", "# TODO: make the port configurable", "# listen on every interface (0.0.0.0)", "#"];

/** How the module already reaches `os`, and what the fix must then use and add. */
interface OsVariant {
  lines: string[];
  /** Statements after the imports. */
  after?: string[];
  name: string;
  insert: boolean;
}
const OS_VARIANTS: OsVariant[] = [
  { lines: [], name: "os", insert: true },
  { lines: ["import sys"], after: ["try:", "    import os", "except ImportError:", "    pass"], name: "os", insert: true },
  { lines: [], after: ['os = "posix"  # shadows the module name'], name: "_os", insert: true },
  { lines: ["import os"], name: "os", insert: false },
  { lines: ["import os as operating_system"], name: "operating_system", insert: false },
  { lines: ["import os.path"], name: "os", insert: false },
  { lines: ["import sys, os"], name: "os", insert: false },
  { lines: ["from os import path"], name: "os", insert: true },
];

interface HostSpec {
  api: number;
  value: (typeof VALUES)[number];
  quote: (typeof QUOTES)[number];
  prefix: (typeof PREFIXES)[number];
  parens: number;
  /**
   * How the literal reaches the host: directly, through a name assigned in the same scope, at
   * module level or in the class body (`self.HOST`), as the default of an environment lookup
   * (only that default changes), or as the fallback of `x or "..."`.
   */
  via: "direct" | "local-name" | "module-name" | "class-attr" | "env-default" | "or-default";
  wrapper: "none" | "def" | "class" | "main";
  trailingComment: boolean;
}

interface ModuleSpec {
  bom: boolean;
  shebang: boolean;
  cookie: boolean;
  docstring: "none" | "line" | "multi";
  future: boolean;
  headerComments: string[];
  os: number;
  extraImports: string[];
  sortImports: boolean;
  eol: "\n" | "\r\n" | "\r" | "mixed";
  mixedChoices: number[];
  indent: "    " | "  " | "\t";
  hosts: HostSpec[];
  decoys: Array<{ kind: number; at: number }>;
  finalNewline: boolean;
}

const hostSpec: fc.Arbitrary<HostSpec> = fc.record({
  api: fc.nat({ max: APIS.length - 1 }),
  value: fc.constantFrom(...VALUES),
  quote: fc.constantFrom(...QUOTES),
  prefix: fc.constantFrom(...PREFIXES),
  parens: fc.nat({ max: 2 }),
  via: fc.constantFrom("direct", "local-name", "module-name", "class-attr", "env-default", "or-default"),
  wrapper: fc.constantFrom("none", "def", "class", "main"),
  trailingComment: fc.boolean(),
});

const moduleSpec: fc.Arbitrary<ModuleSpec> = fc.record({
  bom: fc.boolean(),
  shebang: fc.boolean(),
  cookie: fc.boolean(),
  docstring: fc.constantFrom("none", "line", "multi"),
  future: fc.boolean(),
  headerComments: fc.array(fc.constantFrom(...COMMENTS), { maxLength: 2 }),
  os: fc.nat({ max: OS_VARIANTS.length - 1 }),
  // The last three carry a statement on over the next lines (a string, brackets, a `\`): the import
  // must not be put at a line start inside them. `{EOL}` is a line break in the file's ending.
  extraImports: fc.subarray([
    "import sys",
    "import json",
    "import logging",
    "from pathlib import Path",
    "import abc; DOC = '''{EOL}import nothing here{EOL}'''",
    "import array; PAIR = (1,{EOL}    2)",
    "import zlib; SUM = 1 + \\{EOL}    2",
  ]),
  sortImports: fc.boolean(),
  eol: fc.constantFrom("\n", "\r\n", "\r", "mixed"),
  mixedChoices: fc.array(fc.nat({ max: 2 }), { minLength: 8, maxLength: 8 }),
  indent: fc.constantFrom("    ", "  ", "\t"),
  hosts: fc.array(hostSpec, { minLength: 1, maxLength: 4 }),
  decoys: fc.array(fc.record({ kind: fc.nat({ max: DECOYS.length - 1 }), at: fc.nat({ max: 4 }) }), { maxLength: 3 }),
  finalNewline: fc.boolean(),
});

// ---------------------------------------------------------------------------------------------
// Rendering, with the offsets of every host literal and the replacement each must get

interface Rendered {
  text: string;
  /** [start, end) of each host literal, with the text that must replace it. */
  edits: Array<{ start: number; end: number; text: string }>;
  /** Where the header (shebang, cookie, docstring, __future__) ends: the import goes no higher. */
  headerEnd: number;
  os: OsVariant;
}

function render(spec: ModuleSpec): Rendered {
  const os = OS_VARIANTS[spec.os]!;
  const EOLS = ["\n", "\r\n", "\r"] as const;
  let lineNo = 0;
  const eolFor = (): string => (spec.eol === "mixed" ? EOLS[spec.mixedChoices[lineNo++ % spec.mixedChoices.length]!]! : spec.eol);
  let text = "";
  const edits: Rendered["edits"] = [];
  const line = (content: string): void => {
    text += content + eolFor();
  };
  /** Writes a line in which `{HOST}` marks the literal, recording its range and replacement. */
  const hostLine = (content: string, host: HostSpec): void => {
    const literal = `${host.prefix}${host.quote}${host.value}${host.quote}`;
    const at = content.indexOf("{HOST}");
    const start = text.length + at;
    edits.push({ start, end: start + literal.length, text: replacement(host, os.name) });
    line(content.replace("{HOST}", literal));
  };

  if (spec.shebang) line("#!/usr/bin/env python3");
  if (spec.cookie) line("# -*- coding: utf-8 -*-");
  if (spec.docstring === "line") line('"""A server that used to bind "0.0.0.0"."""');
  if (spec.docstring === "multi") {
    line('"""A server.');
    line("");
    line("    s.bind(('0.0.0.0', 80))  # in a docstring: not code");
    line('"""');
  }
  if (spec.future) line("from __future__ import annotations");
  const headerEnd = text.length;
  for (const comment of spec.headerComments) line(comment);

  const needed = new Set<string>([...os.lines, ...spec.extraImports, ...spec.hosts.flatMap((host) => APIS[host.api]!.imports)]);
  const imports = [...needed];
  if (spec.sortImports) imports.sort();
  for (const statement of imports) statement.split("{EOL}").forEach(line);
  for (const statement of os.after ?? []) line(statement);
  line("");

  // Module-level names come first, so that every use sees them assigned.
  spec.hosts.forEach((host, n) => {
    if (host.via === "module-name") hostLine(`HOST_${n} = ${"(".repeat(host.parens)}{HOST}${")".repeat(host.parens)}`, host);
  });
  const decoysAt = (slot: number): void => {
    spec.decoys.filter((decoy) => decoy.at === slot).forEach((decoy, i) => DECOYS[decoy.kind]!(slot * 10 + i).forEach(line));
  };
  spec.hosts.forEach((host, n) => {
    decoysAt(n);
    const api = APIS[host.api]!;
    const wrapped = (depth: number): string => spec.indent.repeat(depth);
    let depth = 0;
    if (host.wrapper === "def" && host.via !== "class-attr") line(`def serve_${n}():`), (depth = 1);
    if (host.wrapper === "class" || host.via === "class-attr") {
      line(`class Server${n}:`);
      if (host.via === "class-attr") hostLine(`${wrapped(1)}HOST = ${"(".repeat(host.parens)}{HOST}${")".repeat(host.parens)}`, host);
      line(`${wrapped(1)}def start(self):`);
      depth = 2;
    }
    if (host.wrapper === "main" && host.via !== "class-attr") line(`if __name__ == "__main__":`), (depth = 1);
    const comment = host.trailingComment ? "  # bind it" : "";
    const literal = `${"(".repeat(host.parens)}{HOST}${")".repeat(host.parens)}`;
    let expression = literal;
    if (host.via === "local-name") {
      hostLine(`${wrapped(depth)}host_${n} = ${literal}${comment}`, host);
      expression = `host_${n}`;
    } else if (host.via === "module-name") {
      expression = `HOST_${n}`;
    } else if (host.via === "class-attr") {
      expression = "self.HOST";
    } else if (host.via === "env-default") {
      expression = `${os.name === "_os" ? "os" : os.name}.environ.get("APP_HOST", ${literal})`;
    } else if (host.via === "or-default") {
      expression = `(None or ${literal})`;
    }
    for (const statement of api.code(expression, n)) {
      const content = `${wrapped(depth)}${statement}${comment}`;
      if (content.includes("{HOST}")) hostLine(content, host);
      else line(content);
    }
  });
  decoysAt(4);
  if (!spec.finalNewline) text = text.replace(/(\r\n|\r|\n)$/, "");
  return { text, edits, headerEnd, os };
}

function replacement(host: HostSpec, osName: string): string {
  const q = host.quote[0]!;
  const fallback = APIS[host.api]!.ipv6 || IPV6.has(host.value) ? "::1" : "127.0.0.1";
  // In the user's own lookup only the default's value changes; prefix and quotes stay as written.
  if (host.via === "env-default") return `${host.prefix}${host.quote}${fallback}${host.quote}`;
  return `${osName}.environ.get(${q}BIND_HOST${q}, ${q}${fallback}${q})`;
}

function applyEdits(text: string, edits: Rendered["edits"]): string {
  let out = "";
  let at = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    out += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + text.slice(at);
}

function firstEol(text: string): string {
  return /\r\n|\r|\n/.exec(text)?.[0] ?? "\n";
}

// ---------------------------------------------------------------------------------------------
// Running bindfix's own pipeline on the bytes, as the CLI does

const ALWAYS = (transform: Transform): Transform => ({ ...transform, mayMatch: () => true });
const unfiltered = transforms.map(ALWAYS);

function fixBytes(bytes: Buffer): { output: Buffer; text: string; outText: string; findings: ReturnType<typeof scanText>["findings"] } {
  const decoded = decodeSource(bytes);
  if ("error" in decoded) throw new Error(decoded.error);
  const scan = scanText({ path: "generated.py", text: decoded.text, eol: decoded.eol }, transforms, DEFAULT_REWRITE);
  assert.deepEqual(scan.errors, [], "the scan reported errors");
  const fixed = scan.fix();
  if ("error" in fixed) throw new Error(fixed.error);
  return { output: encodeSource(fixed.text, decoded), text: decoded.text, outText: fixed.text, findings: scan.findings };
}

const compileInputs = new Map<string, Buffer>();
const compileOutputs = new Map<string, Buffer>();
let generated = 0;

function checkModule(spec: ModuleSpec): void {
  const rendered = render(spec);
  const bom = spec.bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0);
  const input = Buffer.concat([bom, Buffer.from(rendered.text)]);
  assert.equal(errorRanges(parseSource(rendered.text).rootNode).length, 0, "the generator wrote a module with a syntax error");

  const { output, outText, findings } = fixBytes(input);

  // Exactly the placed literals are findings, all fixable; the prefilter hides none of them.
  assert.deepEqual(
    findings.map((f) => [f.start, f.status]),
    rendered.edits.map((e) => [e.start, "fixable"]),
    "findings differ from the placed host literals",
  );
  const all = scanText({ path: "generated.py", text: rendered.text, eol: "\n" }, unfiltered, DEFAULT_REWRITE);
  assert.deepEqual(all.findings.map((f) => f.start), findings.map((f) => f.start), "the prefilter hid a finding");

  // Every byte is kept but the literals, replaced as SPEC §3 says, and one `import os` line.
  const replaced = applyEdits(rendered.text, rendered.edits);
  let expected = replaced;
  // Only a plain literal needs `os`; the default of the user's own lookup does not.
  if (rendered.os.insert && spec.hosts.some((host) => host.via !== "env-default")) {
    const statement = rendered.os.name === "os" ? "import os" : `import os as ${rendered.os.name}`;
    const importLine = `${statement}${firstEol(rendered.text)}`;
    // The one line start where inserting the import line gives the output, if there is one.
    const lineStarts = [0, ...[...replaced.matchAll(/\r\n|\r(?!\n)|\n/g)].map((m) => m.index + m[0].length)];
    const at = lineStarts.find((p) => outText.length === replaced.length + importLine.length && outText.startsWith(importLine, p) && outText.startsWith(replaced.slice(0, p)) && outText.endsWith(replaced.slice(p))) ?? -1;
    assert.ok(at >= 0, `the output is not the input with the literals replaced and one \`${statement}\` line (in the file's line ending) at a line start:\n${JSON.stringify(outText)}\n${JSON.stringify(replaced)}`);
    assert.ok(at >= rendered.headerEnd, "the import went above the docstring, __future__ or coding cookie");
    assert.ok(at <= rendered.edits.reduce((min, e) => Math.min(min, e.start), Infinity), "the import comes after a use of os");
    expected = replaced.slice(0, at) + importLine + replaced.slice(at);
  }
  assert.equal(JSON.stringify(outText), JSON.stringify(expected), "the fix changed more than the literals and the import");
  assert.ok(output.subarray(0, bom.length).equals(bom) && output.subarray(bom.length).equals(Buffer.from(expected)), "the bytes differ");

  // The output parses without errors and a second run finds nothing fixable.
  assert.equal(errorRanges(parseSource(outText).rootNode).length, 0, "the fix introduced a syntax error");
  const again = fixBytes(output);
  assert.deepEqual(again.findings.filter((f) => f.status === "fixable").map((f) => f.host), [], "a second run is not a no-op");
  assert.ok(again.output.equals(output), "a second run changed the file");

  generated++;
  compileInputs.set(`generated-${generated}.py`, input);
  compileOutputs.set(`generated-${generated}.py`, output);
}

// ---------------------------------------------------------------------------------------------

test("every API template alone is exactly one fixable finding (the generator's premise)", () => {
  for (const [index, api] of APIS.entries()) {
    for (const value of VALUES) {
      checkModule({
        bom: false, shebang: false, cookie: false, docstring: "none", future: false, headerComments: [], os: 0,
        extraImports: [], sortImports: true, eol: "\n", mixedChoices: [0], indent: "    ", decoys: [], finalNewline: true,
        hosts: [{ api: index, value, quote: '"', prefix: "", parens: 0, via: "direct", wrapper: "none", trailingComment: false }],
      });
    }
  }
});

test("random modules: only the host literals and one import line change; parses; fixed point", () => {
  fc.assert(fc.property(moduleSpec, checkModule), { numRuns: RUNS });
});

test("random modules with CRLF or CR line endings and names traced through assignments", () => {
  const lineEndings = moduleSpec.map((spec) => ({ ...spec, eol: spec.bom ? ("\r\n" as const) : ("\r" as const), hosts: spec.hosts.map((h) => ({ ...h, via: "module-name" as const })) }));
  fc.assert(fc.property(lineEndings, checkModule), { numRuns: Math.ceil(RUNS / 3) });
});

test("every generated input and fixed output compiles under python3", (t) => {
  if (!hasPython()) {
    t.skip("python3 not found: compile check of generated modules skipped");
    return;
  }
  assert.ok(compileOutputs.size > 0, "no modules were generated");
  assert.deepEqual(Object.fromEntries(pythonCompileFailures(compileInputs)), {}, "the generator wrote invalid Python");
  assert.deepEqual(Object.fromEntries(pythonCompileFailures(compileOutputs)), {}, "a fixed module does not compile");
});

after(() => {
  compileInputs.clear();
  compileOutputs.clear();
});
