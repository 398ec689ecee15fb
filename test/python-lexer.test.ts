// The Python lexer behind the prefilter's second view: `code` (the text at the same length with
// comments and non-f-string literals blanked) and `strings` (every literal that is not bytes). The
// prefilter must stay sound, so the lexer has to agree with Python's tokenizer on where every
// string and comment starts and ends: a string ended too early or too late turns code into text
// (a call is missed) or text into code, and a misread prefix turns a str into bytes (a target is
// missed). Whatever it cannot read (a string that never ends) it must give up on, not guess.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { lexPython, wholeWordOffsets, type LexedSource } from "../src/python-lexer.js";

/** Runs of the property: enough to meet most token combinations, few enough to keep the suite quick. */
const RUNS = Number(process.env.BINDFIX_PROPERTY_RUNS ?? 300);

/** The two views the prefilter reads, of a text that must lex. */
function lex(text: string): Pick<LexedSource, "code" | "strings"> {
  const lexed = lexPython(text);
  assert.ok(lexed, `lexPython gave up on ${JSON.stringify(text)}`);
  assert.equal(lexed.code.length, text.length, "code is not the length of the text");
  return { code: lexed.code, strings: lexed.strings };
}

const blanks = (n: number): string => " ".repeat(n);

test("the code view is as long as the text, whatever it holds", () => {
  for (const text of ["", "x = 1\n", "# only a comment", "'''doc'''", 'a = b"x" + f"{y}"  # z\r\n', "s = 'é€😀'  # ü\n"]) {
    assert.equal(lex(text).code.length, text.length, JSON.stringify(text));
  }
});

test("text with no comment or quote is its own code view, with no strings", () => {
  assert.deepEqual(lex("app.run(host=HOST, port=80)\n"), { code: "app.run(host=HOST, port=80)\n", strings: [] });
});

test("a comment is blanked up to its line end, which stays: \\n, \\r\\n and a lone \\r", () => {
  assert.equal(lex("x = 1  # note\ny()\n").code, `x = 1  ${blanks(6)}\ny()\n`);
  assert.equal(lex("x = 1  # note\r\ny()\r\n").code, `x = 1  ${blanks(6)}\r\ny()\r\n`);
  assert.equal(lex("x = 1  # note\ry()\r").code, `x = 1  ${blanks(6)}\ry()\r`);
  assert.equal(lex("# last line, no line end").code, blanks(24));
});

test("a quote inside a comment starts no string", () => {
  assert.deepEqual(lex("# it's \"here\nrun()  # don't\n"), { code: `${blanks(12)}\nrun()  ${blanks(7)}\n`, strings: [] });
});

test("a # inside a string is no comment: the code after the string stays", () => {
  assert.deepEqual(lex('a = "#" ; run()\n'), { code: `a = ${blanks(3)} ; run()\n`, strings: ['"#"'] });
  assert.deepEqual(lex("a = '# x'; run()\n"), { code: `a = ${blanks(5)}; run()\n`, strings: ["'# x'"] });
});

test("single- and double-quoted strings are listed from quote to quote and blanked in code", () => {
  assert.deepEqual(lex(`h = "0.0.0.0"; g = '::'\n`), { code: `h = ${blanks(9)}; g = ${blanks(4)}\n`, strings: ['"0.0.0.0"', "'::'"] });
  assert.deepEqual(lex(`q = "it's"; r = 'say "hi"'\n`).strings, [`"it's"`, `'say "hi"'`]);
});

test("a triple-quoted string runs across lines, past single and doubled quotes, and blanks its line ends", () => {
  const text = 'doc = """one "quoted" word\nand "" two\r\nthree \'\'\' end"""\nrun()\n';
  const literal = text.slice(6, text.indexOf("\nrun"));
  assert.deepEqual(lex(text), { code: `doc = ${blanks(literal.length)}\nrun()\n`, strings: [literal] });
  assert.deepEqual(lex("x = '''a 'b' ''c'' \"\"\"'''\n").strings, ["'''a 'b' ''c'' \"\"\"'''"]);
});

test("a triple-quoted string ends at the first three quotes, even in a longer run of quotes", () => {
  // `""""a"""`: the body is `"a`; `"""a""""`: the body is `a`, and the fourth quote opens a new string.
  assert.deepEqual(lex('""""a"""\n').strings, ['""""a"""']);
  assert.deepEqual(lex('"""a"""" "\n').strings, ['"""a"""', '" "']);
});

test("a backslash escapes the quote after it, and a backslash", () => {
  assert.deepEqual(lex('a = "a\\"b"; run()\n'), { code: `a = ${blanks(6)}; run()\n`, strings: ['"a\\"b"'] });
  assert.deepEqual(lex("a = '\\\\'; run()\n"), { code: `a = ${blanks(4)}; run()\n`, strings: ["'\\\\'"] });
  assert.deepEqual(lex('a = """x\\""""\n').strings, ['"""x\\""""']);
});

test("a backslash before the line end continues a one-line string, with \\n, \\r\\n and a lone \\r", () => {
  for (const eol of ["\n", "\r\n", "\r"]) {
    const text = `a = "one\\${eol}two"${eol}run()${eol}`;
    const literal = `"one\\${eol}two"`;
    assert.deepEqual(lex(text), { code: `a = ${blanks(literal.length)}${eol}run()${eol}`, strings: [literal] }, JSON.stringify(eol));
  }
});

test("a raw string still does not end at a backslash-escaped quote", () => {
  assert.deepEqual(lex('p = r"\\""; run()\n'), { code: `p = ${blanks(5)}; run()\n`, strings: ['"\\""'] });
  assert.deepEqual(lex("p = R'\\'' + r'\\\\'\n").strings, ["'\\''", "'\\\\'"]);
});

test("every string prefix, in any case, is blanked with its literal but not listed", () => {
  for (const prefix of ["r", "u", "R", "U", "br", "rb", "Br", "bR", "RB", "rB", "b", "B"]) {
    const text = `x = ${prefix}'v'\n`;
    assert.equal(lex(text).code, `x = ${blanks(prefix.length + 3)}\n`, prefix);
  }
  assert.deepEqual(lex("x = r'a' + U\"b\" + Rb'c'\n").strings, ["'a'", '"b"']);
});

test("bytes literals are blanked in code and never listed as strings", () => {
  assert.deepEqual(lex(`a = b"0.0.0.0"; c = rb''; d = BR"""::"""; e = bR'x'\n`), {
    code: `a = ${blanks(10)}; c = ${blanks(4)}; d = ${blanks(10)}; e = ${blanks(5)}\n`,
    strings: [],
  });
});

test("f-strings and t-strings, in any case and with r, keep only their replacement fields in code and are listed", () => {
  for (const prefix of ["f", "F", "fr", "rf", "Rf", "fR", "FR", "t", "T", "tr", "rt", "Rt"]) {
    const text = `x = ${prefix}"a{b}"\n`;
    assert.deepEqual(lex(text), { code: `x = ${blanks(prefix.length + 3)}b${blanks(2)}\n`, strings: ['"a{b}"'] }, prefix);
  }
  const triple = 'msg = f"""on {HOST}\n# not a comment"""\n';
  assert.deepEqual(lex(triple), { code: `msg = ${blanks(8)}HOST${blanks(20)}\n`, strings: ['"""on {HOST}\n# not a comment"""'] });
});

test("f-string fields: nested fields, doubled braces and strings of the other quote are read", () => {
  const cases: Array<[string, string]> = [
    [`x = f"{d['k']:{width}}"\n`, `x = ${blanks(3)}d['k']:{width}${blanks(2)}\n`],
    ['x = f"{{literal}} {a}}}"\n', `x = ${blanks(15)}a${blanks(4)}\n`],
    [`x = f'{x!r:>10}' f"{'}'}"\n`, `x = ${blanks(3)}x!r:>10${blanks(2)} ${blanks(3)}'}'${blanks(2)}\n`],
    ['x = f"""{"a"}"""\n', `x = ${blanks(5)}"a"${blanks(4)}\n`],
  ];
  for (const [text, code] of cases) assert.equal(lex(text).code, code, text);
});

test("an f-string's format spec is text: a `#` or a quote there is no comment and no string", () => {
  for (const spec of ["#x", "#010b", "'>10"]) {
    const text = `s.bind((f"{host:${spec}}", 0))\n`;
    const lexed = lexPython(text);
    assert.ok(lexed, spec);
    assert.equal(lexed.code, `s.bind((${blanks(3)}host:${spec}${blanks(2)}, 0))\n`, spec);
  }
});

test("the text of an f-string is no code: a script written out in one defines and calls nothing", () => {
  const text = 'script = f"""\nclass Server:\n    pass\nServer(("", {port}))\n"""\n';
  const lexed = lexPython(text)!;
  assert.doesNotMatch(lexed.code, /Server|class/);
  assert.match(lexed.code, /\bport\b/);
});

test("an f-string whose field holds its own quote (Python 3.12) or a comment makes the scan give up", () => {
  // The first quote found would end the string too early: what follows would be misread, and a
  // bind after it could be blanked as a comment or a string. Then only the raw text is used.
  for (const text of [
    'print(f"{d["#"]}"); s.bind(("0.0.0.0", 80))\n',
    `print(f"{'"'}"); app.run(host="0.0.0.0")  # it's\n`,
    'print(f"{s.bind(("0.0.0.0", 80))}")\n',
    `x = f"{'}' + "#"}"; s.bind(("", 80))\n`,
    'x = f"""{a # note\n}"""\n',
    'x = f"}"\n',
  ]) {
    assert.equal(lexPython(text), undefined, JSON.stringify(text));
  }
});

test("a name that merely ends in prefix letters before a quote is no prefix", () => {
  // Neither is valid Python; what matters is that `xb` does not make the literal bytes.
  assert.deepEqual(lex('v = xb"0.0.0.0"\n'), { code: `v = xb${blanks(9)}\n`, strings: ['"0.0.0.0"'] });
  assert.deepEqual(lex('v = grb"a"\n'), { code: `v = grb${blanks(3)}\n`, strings: ['"a"'] });
  assert.deepEqual(lex('v = xf"{a}"\n'), { code: `v = xf${blanks(5)}\n`, strings: ['"{a}"'] });
  // A keyword right before a string is no prefix either.
  assert.deepEqual(lex('v = not"a" or"b"\n').strings, ['"a"', '"b"']);
});

test("a prefix right after another string's closing quote is read as a prefix", () => {
  assert.deepEqual(lex(`x = "a"b"c"f"d"\n`), { code: `x = ${blanks(11)}\n`, strings: ['"a"', '"d"'] });
});

test("empty strings, one-line and triple-quoted, are strings of their own", () => {
  assert.deepEqual(lex(`a = ""; b = ''; c = """"""; d = ''''''\n`), {
    code: `a = ${blanks(2)}; b = ${blanks(2)}; c = ${blanks(6)}; d = ${blanks(6)}\n`,
    strings: ['""', "''", '""""""', "''''''"],
  });
  // Seven quotes: an empty triple-quoted string, then a one-line string.
  assert.deepEqual(lex('"""""""x"\n').strings, ['""""""', '"x"']);
});

test("a one-line string that meets a line end before its quote never ends: undefined", () => {
  for (const text of ['a = "open\nb = "x"\n', "a = 'open\r\nb = 1\n", "a = 'open\rb = 1\r", 'a = "open', 'a = "ends in a backslash\\']) {
    assert.equal(lexPython(text), undefined, JSON.stringify(text));
  }
});

test("a triple-quoted string that never ends: undefined", () => {
  for (const text of ['"""doc\nrun()\n', "x = '''a''\n", 'x = f"""{a}""\n', 'b"""\\"""']) {
    assert.equal(lexPython(text), undefined, JSON.stringify(text));
  }
});

test("a 200,000-line file is lexed whole, in one linear pass", () => {
  const line = `x = "a\\"b"  # c'\n`;
  const lines = 200_000;
  const lexed = lex(line.repeat(lines));
  assert.equal(lexed.code, `x = ${blanks(6)}  ${blanks(4)}\n`.repeat(lines));
  assert.equal(lexed.strings.length, lines);
  assert.ok(lexed.strings.every((literal) => literal === '"a\\"b"'));
});

// ---------------------------------------------------------------------------------------------
// Property: random token sequences, lexed as Python's tokenizer reads them

interface Token {
  text: string;
  /** The code view of the token, at the same length. */
  code: string;
  /** The literal as `strings` must list it (from the opening quote), for a non-bytes string. */
  listed?: string;
  /** Where the opening quote is, within the token (after the prefix). */
  quoteAt?: number;
  /** Offsets, within the token, of line breaks outside strings and comments. */
  breaks: number[];
  kind: "name" | "space" | "newline" | "comment" | "string";
}

const LINE_ENDS = ["\n", "\r\n", "\r"] as const;
const lineEnd = fc.constantFrom(...LINE_ENDS);

const nameToken = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,5}$/).map((name): Token => ({ text: name, code: name, breaks: [], kind: "name" }));
const spaceToken = fc.constantFrom(" ", "  ", "\t", "\f").map((space): Token => ({ text: space, code: space, breaks: [], kind: "space" }));
const newlineToken = lineEnd.map((eol): Token => ({ text: eol, code: eol, breaks: [...eol].map((_, i) => i), kind: "newline" }));

/** A comment's body holds anything but a line end: quotes, `#`, backslashes included. */
const commentToken = fc
  .tuple(fc.array(fc.constantFrom("a", " ", "#", "'", '"', "\\", "'''", "f'", "é"), { maxLength: 8 }), lineEnd)
  .map(([body, eol]): Token => {
    const comment = `#${body.join("")}`;
    return { text: comment + eol, code: blanks(comment.length) + eol, breaks: [...eol].map((_, i) => comment.length + i), kind: "comment" };
  });

/** Body pieces safe in a one-line string of quote `q`: never an unescaped `q` or line end, never a lone trailing backslash. */
const singlePiece = (q: string): fc.Arbitrary<string> => {
  const other = q === '"' ? "'" : '"';
  return fc.constantFrom("a", "0.0.0.0", " ", "#", "{", "}", other, `\\${q}`, `\\${other}`, "\\\\", "\\n", "\\\n", "\\\r\n", "\\\r");
};

/** Body pieces safe in a triple-quoted string of quote `q`: a run of one or two `q` is always followed by another character. */
const triplePiece = (q: string): fc.Arbitrary<string> => {
  const other = q === '"' ? "'" : '"';
  return fc.constantFrom("a", " ", "#", "\n", "\r\n", "\r", other, other.repeat(3), `${q}a`, `${q}${q}a`, `\\${q}`, "\\\\", "\\\n");
};

const PREFIXES = ["", "r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt"] as const;

/** Each letter of the prefix in either case. */
const casedPrefix = fc
  .constantFrom(...PREFIXES)
  .chain((prefix) => fc.tuple(...[...prefix].map((letter) => fc.constantFrom(letter, letter.toUpperCase()))).map((letters) => letters.join("")));

const stringToken = fc
  .tuple(casedPrefix, fc.constantFrom("'", '"', "'''", '"""'))
  .chain(([prefix, quote]) => {
    const lower = prefix.toLowerCase();
    const kept = lower.includes("f") || lower.includes("t");
    const plain = quote.length === 3 ? triplePiece(quote[0]!) : singlePiece(quote);
    // In an f-string a brace of the text is doubled, and a replacement field is closed; in code,
    // only what its fields hold stays.
    const field = (inside: string): { text: string; code: string } => ({ text: `{${inside}}`, code: ` ${inside} ` });
    const literalText = (piece: string): { text: string; code: string } => ({ text: piece, code: blanks(piece.length) });
    const piece = kept
      ? fc.oneof(plain.map((body) => literalText(body.replace(/[{}]/g, "$&$&"))), fc.constant(field("x")), fc.constant(field("x:{w}")), fc.constant(field("x:#x")))
      : plain.map(literalText);
    return fc.array(piece, { maxLength: 6 }).map((body): Token => {
      const literal = `${quote}${body.map((part) => part.text).join("")}${quote}`;
      const text = prefix + literal;
      return {
        text,
        code: kept ? blanks(prefix.length + quote.length) + body.map((part) => part.code).join("") + blanks(quote.length) : blanks(text.length),
        listed: lower.includes("b") ? undefined : literal,
        quoteAt: prefix.length,
        breaks: [],
        kind: "string",
      };
    });
  });

const anyToken = fc.oneof(nameToken, spaceToken, newlineToken, commentToken, stringToken);

/**
 * The tokens written out, with a space wherever Python would read two tokens as one: after a name
 * (`rb "x"` would become a prefix), and between an empty one-line string and a quote (`""` + `"x"`
 * would open a triple-quoted string).
 */
function assemble(tokens: Token[]): { text: string; code: string; bare: string; listed: string[]; starts: number[]; breaks: number[] } {
  let text = "";
  let code = "";
  let bare = "";
  const listed: string[] = [];
  const starts: number[] = [];
  const breaks: number[] = [];
  let previous: Token | undefined;
  for (const token of tokens) {
    const emptyOneLine = previous?.kind === "string" && /^[A-Za-z]*(''|"")$/.test(previous.text);
    if (previous?.kind === "name" || (emptyOneLine && /^['"]/.test(token.text))) {
      text += " ";
      code += " ";
      bare += " ";
    }
    for (const offset of token.breaks) breaks.push(text.length + offset);
    if (token.listed !== undefined) {
      listed.push(token.listed);
      starts.push(text.length + token.quoteAt!);
    }
    text += token.text;
    code += token.code;
    bare += token.kind === "string" ? blanks(token.quoteAt!) + token.text[token.quoteAt!] + blanks(token.text.length - token.quoteAt! - 1) : token.code;
    previous = token;
  }
  return { text, code, bare, listed, starts, breaks };
}

test("property: random tokens lex to their own length, line ends in place, and exactly their strings", () => {
  fc.assert(
    fc.property(fc.array(anyToken, { maxLength: 40 }), (tokens) => {
      const expected = assemble(tokens);
      const lexed = lexPython(expected.text);
      assert.ok(lexed, "lexPython gave up on a text whose strings all end");
      assert.equal(lexed.code.length, expected.text.length);
      for (const offset of expected.breaks) assert.equal(lexed.code[offset], expected.text[offset], `line end at ${offset} lost`);
      assert.deepEqual(lexed.strings, expected.listed);
      assert.equal(lexed.code, expected.code);
    }),
    { numRuns: RUNS },
  );
});

test("property: the bare view blanks f-strings too but keeps each opening quote, and each listed string's start is its opening quote", () => {
  fc.assert(
    fc.property(fc.array(anyToken, { maxLength: 40 }), (tokens) => {
      const expected = assemble(tokens);
      const lexed = lexPython(expected.text);
      assert.ok(lexed, "lexPython gave up on a text whose strings all end");
      assert.equal(lexed.bare, expected.bare);
      assert.deepEqual(lexed.stringStarts, expected.starts);
    }),
    { numRuns: RUNS },
  );
});

test("a word stands whole only where no name character touches it, as a Python name", () => {
  assert.deepEqual(wholeWordOffsets("host = host_name; host2, (host), _host, éhost, host", "host"), [0, 26, 47]);
  assert.deepEqual(wholeWordOffsets("import os\nfrom a import b  # reimport", "import"), [0, 17]);
  assert.deepEqual(wholeWordOffsets("aaa aa", "aa"), [4]);
  assert.deepEqual(wholeWordOffsets("", "x"), []);
});
