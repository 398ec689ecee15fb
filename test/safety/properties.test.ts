// Property-based tests (fast-check): random Python modules put all-interfaces literals in the host
// positions of every transform's APIs, in random surroundings (quotes, prefixes, parentheses, names,
// comments, docstrings, __future__, imports of os, indentation, line endings, a BOM), next to decoys
// that must never change. The fix must equal the input with exactly those literals replaced and one
// `import os` line added, parse without errors, compile under python3, and be a fixed point. And the
// text prefilter (every transform's `mayMatch`) must hide nothing: a scan with every prefilter
// forced to `true` gives the same findings for every generated module.
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
import { Analysis } from "../../src/analysis/index.js";
import { hasPython, pythonCompileFailures } from "../helpers/python.js";

/** Runs per property: enough to meet most combinations, few enough to keep the suite quick. */
const RUNS = Number(process.env.BINDFIX_PROPERTY_RUNS ?? 150);

// ---------------------------------------------------------------------------------------------
// The building blocks of a module

const VALUES = ["0.0.0.0", "", "::", "0", "::0", "0:0:0:0:0:0:0:0"] as const;
/**
 * A host that is no all-interfaces address: never a finding, never changed. Some hosts get it, so
 * that modules whose only targets are decoys (or hosts of other calls) take the prefilter's
 * negative paths, where it may skip the file, next to modules where it must not.
 */
const SAFE = "127.0.0.1";
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
  // Empty strings the prefilter's flow test must see past: a `"".join(...)` receiver, dict keys, an
  // argument of a call (`str("")`) assigned to a name never used as a host, a default of a
  // parameter that is no host, and a list spread over lines of one logical line.
  (n) => [`SEP_${n} = "".join(["a", "b"])`, `NAMES_${n} = {"": "root", '0.0.0.0': "any", "::": ''.strip()}`],
  (n) => [`BLANK_${n} = str("")`, `def greet_${n}(name=""):`, `    return name or BLANK_${n}`],
  (n) => [`PAIRS_${n} = [`, `    ("", 0),`, `    ('0.0.0.0', "::"),`, `]`],
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

const VIAS = [
  "direct",
  "local-name",
  "module-name",
  "class-attr",
  "env-default",
  "or-default",
  "param-default",
  "two-hop",
  "unpacked",
  "unpacked-second",
  "annotated",
  "argparse",
  "keyword-noise",
  "keyword-cased-name",
] as const;
type Via = (typeof VIAS)[number];
/** The ways that bind module-level names before every use (`HOST_n`, `args_n`...). */
const MODULE_VIAS: ReadonlySet<Via> = new Set(["module-name", "two-hop", "unpacked", "unpacked-second", "annotated", "argparse", "keyword-noise", "keyword-cased-name"]);
/** Module names that are Python keywords but for their case (`IF` for "interface"): names all the same. */
const KEYWORD_CASED = ["IF", "AS", "IN", "IS", "OR"] as const;
const WRAPPERS = ["none", "def", "class", "main"] as const;

interface HostSpec {
  api: number;
  value: (typeof VALUES)[number] | typeof SAFE;
  quote: (typeof QUOTES)[number];
  prefix: (typeof PREFIXES)[number];
  parens: number;
  /**
   * How the literal reaches the host: directly, through a name assigned in the same scope, at
   * module level or in the class body (`self.HOST`), as the default of an environment lookup
   * (only that default changes), or as the fallback of `x or "..."`. And: as the default of the
   * function's parameter `host` (`param-default`; a method's under the `class` wrapper, which the
   * analysis follows too); through two module names (`DEFAULT_n = lit`, `HOST_n = DEFAULT_n`);
   * unpacked from a tuple, first (`HOST_n, PORT_n = lit, 8000`) or second (`PORT_n, HOST_n = 8000,
   * lit`); annotated (`HOST_n: str = lit`); as an argparse default read as `args_n.bind_host_n`;
   * directly, with an unrelated keyword `label=label_n` in the call and `label_n = dict(text="")`
   * above (`keyword-noise`: an empty string that is no host, next to the host); through a module
   * name spelled like a keyword in another case (`IF = lit`, `keyword-cased-name`).
   */
  via: Via;
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
  value: fc.oneof({ arbitrary: fc.constantFrom(...VALUES), weight: 6 }, { arbitrary: fc.constant(SAFE), weight: 1 }),
  quote: fc.constantFrom(...QUOTES),
  prefix: fc.constantFrom(...PREFIXES),
  parens: fc.nat({ max: 2 }),
  via: fc.constantFrom(...VIAS),
  wrapper: fc.constantFrom(...WRAPPERS),
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
  edits: Array<{ start: number; end: number; text: string; /** Rewritten to a lookup that needs `os`. */ plain: boolean }>;
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
    if (host.value !== SAFE) edits.push({ start, end: start + literal.length, text: replacement(host, os.name), plain: host.via !== "env-default" });
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

  const needed = new Set<string>([
    ...os.lines,
    ...spec.extraImports,
    ...spec.hosts.flatMap((host) => [...APIS[host.api]!.imports, ...(host.via === "argparse" ? ["import argparse"] : [])]),
  ]);
  const imports = [...needed];
  if (spec.sortImports) imports.sort();
  for (const statement of imports) statement.split("{EOL}").forEach(line);
  for (const statement of os.after ?? []) line(statement);
  line("");

  // Module-level names come first, so that every use sees them assigned.
  spec.hosts.forEach((host, n) => {
    const literal = `${"(".repeat(host.parens)}{HOST}${")".repeat(host.parens)}`;
    switch (host.via) {
      case "module-name":
        hostLine(`HOST_${n} = ${literal}`, host);
        break;
      case "two-hop":
        hostLine(`DEFAULT_${n} = ${literal}`, host);
        line(`HOST_${n} = DEFAULT_${n}`);
        break;
      case "unpacked":
        hostLine(`HOST_${n}, PORT_${n} = ${literal}, 8000`, host);
        break;
      case "unpacked-second":
        hostLine(`PORT_${n}, HOST_${n} = 8000, ${literal}`, host);
        break;
      case "annotated":
        hostLine(`HOST_${n}: str = ${literal}`, host);
        break;
      case "argparse":
        line(`parser_${n} = argparse.ArgumentParser()`);
        hostLine(`parser_${n}.add_argument("--bind-host-${n}", default=${literal})`, host);
        line(`args_${n} = parser_${n}.parse_args()`);
        break;
      case "keyword-noise":
        line(`label_${n} = dict(text="")`);
        break;
      case "keyword-cased-name":
        hostLine(`${KEYWORD_CASED[n % KEYWORD_CASED.length]} = ${literal}`, host);
        break;
    }
  });
  const decoysAt = (slot: number): void => {
    spec.decoys.filter((decoy) => decoy.at === slot).forEach((decoy, i) => DECOYS[decoy.kind]!(slot * 10 + i).forEach(line));
  };
  spec.hosts.forEach((host, n) => {
    decoysAt(n);
    const api = APIS[host.api]!;
    const wrapped = (depth: number): string => spec.indent.repeat(depth);
    const literal = `${"(".repeat(host.parens)}{HOST}${")".repeat(host.parens)}`;
    let depth = 0;
    /** Lines after the function: its call (with no arguments), for `param-default`. */
    const callLines: string[] = [];
    if (host.via === "param-default") {
      // The parameter `host` with the literal as its default: of a method under the `class`
      // wrapper, else of a function called nowhere ("none"), or with no arguments.
      if (host.wrapper === "class") {
        line(`class Server${n}:`);
        hostLine(`${wrapped(1)}def start(self, host=${literal}):`, host);
        depth = 2;
      } else {
        hostLine(`def serve_${n}(host=${literal}):`, host);
        depth = 1;
        if (host.wrapper === "def") callLines.push(`serve_${n}()`);
        if (host.wrapper === "main") callLines.push(`if __name__ == "__main__":`, `${wrapped(1)}serve_${n}()`);
      }
    } else {
      if (host.wrapper === "def" && host.via !== "class-attr") line(`def serve_${n}():`), (depth = 1);
      if (host.wrapper === "class" || host.via === "class-attr") {
        line(`class Server${n}:`);
        if (host.via === "class-attr") hostLine(`${wrapped(1)}HOST = ${literal}`, host);
        line(`${wrapped(1)}def start(self):`);
        depth = 2;
      }
      if (host.wrapper === "main" && host.via !== "class-attr") line(`if __name__ == "__main__":`), (depth = 1);
    }
    const comment = host.trailingComment ? "  # bind it" : "";
    let expression = literal;
    switch (host.via) {
      case "local-name":
        hostLine(`${wrapped(depth)}host_${n} = ${literal}${comment}`, host);
        expression = `host_${n}`;
        break;
      case "module-name":
      case "two-hop":
      case "unpacked":
      case "unpacked-second":
      case "annotated":
        expression = `HOST_${n}`;
        break;
      case "class-attr":
        expression = "self.HOST";
        break;
      case "env-default":
        expression = `${os.name === "_os" ? "os" : os.name}.environ.get("APP_HOST", ${literal})`;
        break;
      case "or-default":
        expression = `(None or ${literal})`;
        break;
      case "param-default":
        expression = "host";
        break;
      case "argparse":
        expression = `args_${n}.bind_host_${n}`;
        break;
      case "keyword-cased-name":
        expression = KEYWORD_CASED[n % KEYWORD_CASED.length]!;
        break;
    }
    for (let statement of api.code(expression, n)) {
      // Every template's host statement ends with the closing parenthesis of the call the host is in.
      if (host.via === "keyword-noise" && statement.includes("{HOST}")) statement = `${statement.slice(0, -1)}, label=label_${n})`;
      const content = `${wrapped(depth)}${statement}${comment}`;
      if (content.includes("{HOST}")) hostLine(content, host);
      else line(content);
    }
    callLines.forEach(line);
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

type Findings = ReturnType<typeof scanText>["findings"];

function fixBytes(bytes: Buffer): { output: Buffer; text: string; outText: string; findings: Findings } {
  const decoded = decodeSource(bytes);
  if ("error" in decoded) throw new Error(decoded.error);
  const input = { path: "generated.py", text: decoded.text, eol: decoded.eol };
  const scan = scanText(input, transforms, DEFAULT_REWRITE);
  assertPrefilterHidesNothing(input, scan.findings);
  assert.deepEqual(scan.errors, [], "the scan reported errors");
  const fixed = scan.fix();
  if ("error" in fixed) throw new Error(fixed.error);
  return { output: encodeSource(fixed.text, decoded), text: decoded.text, outText: fixed.text, findings: scan.findings };
}

/** What must not depend on the prefilter: each finding's literal, rule, status and rewrite. */
const findingKey = (f: Findings[number]): string => JSON.stringify([f.start, f.end, f.rule, f.status, f.edits.map((e) => e.text)]);

/**
 * The prefilter is sound (SPEC: it only skips parsing): with every transform's `mayMatch` forced to
 * `true` the scan finds the same literals, under the same rules, with the same statuses and edits.
 * Asked of every scanned text, the fixed output included. On a difference, the message names the
 * transforms whose `mayMatch` said no though their `find` reports something, and prints the module.
 */
function assertPrefilterHidesNothing(input: Parameters<typeof scanText>[0], findings: Findings): void {
  const all = scanText(input, unfiltered, DEFAULT_REWRITE);
  const expected = all.findings.map(findingKey);
  const actual = findings.map(findingKey);
  if (JSON.stringify(actual) === JSON.stringify(expected)) return;
  const analysis = new Analysis({ path: input.path, text: input.text, tree: parseSource(input.text) }, DEFAULT_REWRITE);
  const culprits = transforms.filter((t) => !t.mayMatch(input.text) && t.find(analysis).length > 0).map((t) => t.id);
  assert.deepEqual(
    actual,
    expected,
    `the prefilter hid a finding (mayMatch false but find reports: ${culprits.join(", ") || "none"}) in this module:\n` +
      `----------\n${input.text}\n----------\n${JSON.stringify(input.text)}`,
  );
}

const compileInputs = new Map<string, Buffer>();
const compileOutputs = new Map<string, Buffer>();
let generated = 0;

function checkModule(spec: ModuleSpec): void {
  const rendered = render(spec);
  const bom = spec.bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0);
  const input = Buffer.concat([bom, Buffer.from(rendered.text)]);
  assert.equal(errorRanges(parseSource(rendered.text).rootNode).length, 0, "the generator wrote a module with a syntax error");

  // The prefilter hides nothing (checked in fixBytes, first), and exactly the placed literals are
  // findings, all fixable.
  const { output, outText, findings } = fixBytes(input);
  assert.deepEqual(
    findings.map((f) => [f.start, f.status]),
    rendered.edits.map((e) => [e.start, "fixable"]),
    `findings differ from the placed host literals in this module:\n${rendered.text}`,
  );

  // Every byte is kept but the literals, replaced as SPEC §3 says, and one `import os` line.
  const replaced = applyEdits(rendered.text, rendered.edits);
  let expected = replaced;
  // Only a plain literal needs `os`; the default of the user's own lookup does not.
  if (rendered.os.insert && rendered.edits.some((edit) => edit.plain)) {
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

const plainModule = (hosts: HostSpec[], decoys: ModuleSpec["decoys"] = []): ModuleSpec => ({
  bom: false, shebang: false, cookie: false, docstring: "none", future: false, headerComments: [], os: 0,
  extraImports: [], sortImports: true, eol: "\n", mixedChoices: [0], indent: "    ", decoys, finalNewline: true, hosts,
});
const plainHost = (api: number, value: HostSpec["value"], via: Via, wrapper: HostSpec["wrapper"]): HostSpec => ({
  api, value, quote: '"', prefix: "", parens: 0, via, wrapper, trailingComment: false,
});

test("every API template alone is exactly one fixable finding (the generator's premise)", () => {
  for (const index of APIS.keys()) {
    for (const value of VALUES) {
      checkModule(plainModule([plainHost(index, value, "direct", "none")]));
    }
  }
});

test("every way to reach the host, with every API and wrapper, is exactly one fixable finding", () => {
  // The premise of the random modules: each `via` is followed by the analysis for every API, at
  // module level, in a function, in a method and under `if __name__ == "__main__":`. Every
  // combination is tried; the failures are listed together, with the first message of each `via`.
  const failed = new Map<Via, { count: number; apis: Set<string>; message: string }>();
  const combinations = APIS.length * WRAPPERS.length * 2;
  for (const via of VIAS) {
    for (const [index, api] of APIS.entries()) {
      for (const wrapper of WRAPPERS) {
        for (const value of ["0.0.0.0", ""] as const) {
          try {
            checkModule(plainModule([plainHost(index, value, via, wrapper)]));
          } catch (error) {
            const entry = failed.get(via) ?? { count: 0, apis: new Set<string>(), message: (error as Error).message };
            entry.count++;
            entry.apis.add(api.name);
            failed.set(via, entry);
          }
        }
      }
    }
  }
  const summary = [...failed].map(([via, { count, apis }]) => `${via}: ${count} of ${combinations} fail (${[...apis].join(", ")})`);
  assert.deepEqual(summary, [], [...failed.values()].map((entry) => entry.message).join("\n\n"));
});

test("decoys next to calls with a safe host are no finding; the prefilter hides nothing", (t) => {
  // Every API with a loopback host, and one decoy: the call and target literals are both there, so
  // only the prefilter's flow test can say the file holds no finding (its negative paths).
  let skipped = 0;
  let modules = 0;
  for (const kind of DECOYS.keys()) {
    for (const index of APIS.keys()) {
      const text = render(plainModule([plainHost(index, SAFE, "direct", "none")], [{ kind, at: 0 }])).text;
      const input = { path: "generated.py", text, eol: "\n" as const };
      const scan = scanText(input, transforms, DEFAULT_REWRITE);
      assert.deepEqual(scanText(input, unfiltered, DEFAULT_REWRITE).findings, [], `decoy ${kind} is a finding:\n${text}`);
      assertPrefilterHidesNothing(input, scan.findings);
      modules++;
      if (!scan.parsed) skipped++;
    }
  }
  t.diagnostic(`the prefilter skipped ${skipped} of ${modules} decoy modules`);
});

test("random modules: only the host literals and one import line change; parses; fixed point", () => {
  fc.assert(fc.property(moduleSpec, checkModule), { numRuns: RUNS, includeErrorInReport: true });
});

test("random modules with CRLF or CR line endings and names traced through assignments", () => {
  const nameVias = fc.array(fc.constantFrom(...MODULE_VIAS), { minLength: 4, maxLength: 4 });
  const lineEndings = fc.tuple(moduleSpec, nameVias).map(([spec, vias]) => ({
    ...spec,
    eol: spec.bom ? ("\r\n" as const) : ("\r" as const),
    hosts: spec.hosts.map((h, i) => ({ ...h, via: vias[i]! })),
  }));
  fc.assert(fc.property(lineEndings, checkModule), { numRuns: Math.ceil(RUNS / 3), includeErrorInReport: true });
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
