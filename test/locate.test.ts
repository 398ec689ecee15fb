// The text scans that propose calls and needles: a name followed by `(` past spaces, comments,
// continuations and blank lines, in every line-ending style. Words inside comments and strings may
// be proposed too (the tree rejects them); a call must never be missed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { nameSites, tokenFollows, TokenLookup } from "../src/analysis/locate.js";

const names = (text: string): string[] => nameSites(text).map((site) => site.name);
const proposes = (text: string, name: string): void => assert.ok(names(text).includes(name), `${name} not proposed in ${JSON.stringify(text)}`);

test("a name directly before its parenthesis is a call site", () => {
  assert.deepEqual(names("f(x)\nobj.method (1)\n"), ["f", "method"]);
});

test("a call site survives a continuation, a comment and blank or comment-only lines before the parenthesis", () => {
  proposes("a \\\n  (1)\n", "a");
  proposes("x = [b  # note\n  (1)]\n", "b");
  proposes("x = [c\n\n# one\n   # two\n\n  (1)]\n", "c");
  proposes("x = [d\\\n\\\n(1)]\n", "d");
});

test("every line ending counts: CRLF, and a lone CR as Python reads it", () => {
  proposes("x = [e\r\n(1)]\r\n", "e");
  proposes("x = [f\r(1)]\r", "f");
  proposes("x = [g\r# c\r\r(1)]\r", "g");
});

test("a name followed by anything but a parenthesis is not a call site", () => {
  assert.deepEqual(names("value = other\nthing[0]\n"), []);
  assert.deepEqual(names("last\n# a comment\nx = 1\n"), []);
  assert.deepEqual(names("word"), []);
});

test("a comment block whose every line ends in a word is scanned once, and gives no call sites", () => {
  const block = "# a comment line that ends in a word\n".repeat(20_000);
  assert.deepEqual(names(`${block}x = 1\n`), []);
  assert.deepEqual(names(`${block}call()\n`), ["call"]);
});

test("the token after an offset skips to the next line that holds code", () => {
  const text = "name  # comment\n\n   # more\n  = 1\n";
  assert.equal(text[new TokenLookup(text).tokenAfter(4)], "=");
  assert.equal(new TokenLookup("end   ").tokenAfter(3), -1);
});

test("tokenFollows finds a name with the given token after it, past comments", () => {
  const bindTarget = tokenFollows(/\bbind/, /[=:,)\]]|\+=/);
  assert.equal(bindTarget("bind  # the address\n  = '0.0.0.0:80'\n"), true);
  assert.equal(bindTarget("backlog, bind = 1, ':80'\n"), true);
  assert.equal(bindTarget("sock.bind((host, port))\n# bind\n"), false);
});
