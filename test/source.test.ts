// Reading a file's bytes as Python does (PEP 263 cookie, BOM), and refusing what cannot be read back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { codingCookie, decodeSource } from "../src/source.js";

const bytes = (text: string): Buffer => Buffer.from(text, "latin1");

test("a coding cookie counts on line 1, or on line 2 below a comment or blank line, and nowhere else", () => {
  const cases: Array<[string, string | undefined]> = [
    ["import os\n", undefined],
    ["", undefined],
    ["# -*- coding: latin-1 -*-\nx = 1\n", "latin-1"],
    ["#!/usr/bin/env python\n# coding=cp1252\n", "cp1252"],
    ["\n# coding: cp1252\n", "cp1252"],
    ["# vim: set fileencoding=utf-8 :\n", "utf-8"],
    ["\r\n# coding: latin-1\r\n", "latin-1"],
    // Below a line of code, on line 3, or outside a comment, it is no cookie.
    ["x = 1\n# coding: latin-1\n", undefined],
    ["#!/usr/bin/env python\n\n# coding: latin-1\n", undefined],
    ['"""coding: latin-1"""\n', undefined],
    ["# coding latin-1\n", undefined],
  ];
  for (const [text, expected] of cases) assert.equal(codingCookie(bytes(text)), expected, JSON.stringify(text));
});

test("only the first KiB is read for the cookie", () => {
  assert.equal(codingCookie(bytes(`# ${"x".repeat(1100)} coding: latin-1\n`)), undefined);
  assert.equal(codingCookie(bytes(`# ${"x".repeat(900)} coding: latin-1\n`)), "latin-1");
});

test("a UTF-8 byte order mark is taken off the text and remembered; part of one is invalid UTF-8", () => {
  const withBom = decodeSource(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("x = 1\n")]));
  assert.ok(!("error" in withBom));
  assert.equal(withBom.text, "x = 1\n");
  assert.equal(withBom.bom, true);
  const plain = decodeSource(Buffer.from("x = 1\n"));
  assert.ok(!("error" in plain));
  assert.equal(plain.bom, false);
  assert.deepEqual(decodeSource(Buffer.from([0xef, 0xbb])), { error: "not valid UTF-8 (and no coding cookie declares another encoding)" });
  const empty = decodeSource(Buffer.alloc(0));
  assert.ok(!("error" in empty));
  assert.equal(empty.text, "");
  assert.equal(empty.bom, false);
});
