// The "host:port" reading behind gunicorn's `bind`, gRPC ports and waitress `listen`: which strings
// name all interfaces, and what of them is kept. Also `--rule` selecting each catalogue transform.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseHostPort } from "../src/analysis/syntax.js";
import { scanText } from "../src/engine.js";
import { DEFAULT_REWRITE } from "../src/types.js";
import { transformById, transforms } from "../transforms/index.js";

test("an IPv4 all-interfaces host keeps its port", () => {
  assert.deepEqual(parseHostPort("0.0.0.0:8000"), { host: "0.0.0.0", port: "8000", bracketed: false });
  assert.deepEqual(parseHostPort(":8000"), { host: "", port: "8000", bracketed: false });
  assert.deepEqual(parseHostPort("0:8000"), { host: "0", port: "8000", bracketed: false });
});

test("a bracketed IPv6 host is read with its brackets, with or without a port", () => {
  assert.deepEqual(parseHostPort("[::]:50051"), { host: "::", port: "50051", bracketed: true });
  assert.deepEqual(parseHostPort("[::]"), { host: "::", port: undefined, bracketed: true });
});

test("a bare host is a host without a port", () => {
  assert.deepEqual(parseHostPort("0.0.0.0"), { host: "0.0.0.0", bracketed: false });
  assert.deepEqual(parseHostPort("::"), { host: "::", bracketed: false });
});

test("the rest after the colon is returned as written, for templates to check", () => {
  assert.deepEqual(parseHostPort("0.0.0.0:%d"), { host: "0.0.0.0", port: "%d", bracketed: false });
  assert.deepEqual(parseHostPort("0.0.0.0:"), { host: "0.0.0.0", port: "", bracketed: false });
});

test("other hosts and socket kinds are not all-interfaces addresses", () => {
  for (const value of ["localhost:8000", "127.0.0.1:8000", "[::1]:8000", "unix:/tmp/g.sock", "fd://3", "tcp://*:5555", "*:8080", "::1", "[0.0.0.0]:80"]) {
    assert.equal(parseHostPort(value), undefined, value);
  }
});

test("every transform is selectable by its id, and ids are unique", () => {
  const ids = transforms.map((transform) => transform.id);
  assert.deepEqual(ids, ["socket-bind", "stdlib-servers", "asyncio", "web-run", "gunicorn", "cherrypy", "rpc-debug", "twisted"]);
  for (const id of ids) assert.equal(transformById(id)?.id, id);
});

test("--rule semantics: only the selected transform reports", () => {
  const text = 'import uvicorn, socket\nuvicorn.run(app, host="0.0.0.0")\nsocket.create_server(("", 80))\n';
  const only = (id: string) => scanText({ path: "x.py", text, eol: "\n" }, [transformById(id)!], DEFAULT_REWRITE).findings.map((f) => f.rule);
  assert.deepEqual(only("web-run"), ["web-run"]);
  assert.deepEqual(only("stdlib-servers"), ["stdlib-servers"]);
  assert.deepEqual(only("gunicorn"), []);
});
