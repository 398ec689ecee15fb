// Reading a Python file into text and back: UTF-8 or the PEP 263 coding cookie, the BOM, and the
// line ending, so that a rewrite keeps every byte it does not mean to change.
import type Iconv from "iconv-lite";
import { lazyRequire } from "./lazy.js";

export type LineEnding = "\n" | "\r\n" | "\r";

export interface Source {
  /** Path as shown to the user (relative to the working directory, `/` separators). */
  path: string;
  /** Path used for file system access. */
  absPath: string;
  /** The bytes as read; a write is refused unless the disk still holds exactly these. */
  bytes: Buffer;
  /** Decoded text without the BOM. */
  text: string;
  /** Normalised encoding name: "utf-8" or the codec named by the cookie. */
  encoding: string;
  bom: boolean;
  /** The file's first line ending; an inserted line uses it. */
  eol: LineEnding;
}

export type Decoded = Omit<Source, "path" | "absPath" | "bytes">;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
// PEP 263: the cookie is a comment on line 1, or on line 2 when line 1 is a comment or blank.
/** Only files whose coding cookie names another encoding than UTF-8 need a codec library. */
const loadIconv = lazyRequire<typeof Iconv>("iconv-lite");

const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;
const BLANK_OR_COMMENT = /^[ \t\f]*(?:#.*)?$/;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The encoding a PEP 263 cookie names in the first two lines, if any. */
export function codingCookie(bytes: Buffer): string | undefined {
  const head = bytes.toString("latin1", 0, 1024);
  // Most files declare nothing: one search spares them the split and the patterns.
  if (!head.includes("coding")) return undefined;
  const lines = head.split(/\r\n|\r|\n/, 2);
  const first = COOKIE.exec(lines[0] ?? "");
  if (first) return first[1];
  if (lines.length > 1 && BLANK_OR_COMMENT.test(lines[0] ?? "")) {
    const second = COOKIE.exec(lines[1] ?? "");
    if (second) return second[1];
  }
  return undefined;
}

function normaliseEncoding(name: string): string {
  const key = name.toLowerCase().replace(/_/g, "-");
  // Python spells these several ways; all mean UTF-8 for our purposes.
  if (["utf-8", "utf8", "utf-8-sig", "u8", "utf"].includes(key)) return "utf-8";
  return key;
}

export function detectLineEnding(text: string): LineEnding {
  const match = /\r\n|\r|\n/.exec(text);
  return (match?.[0] as LineEnding | undefined) ?? "\n";
}

/** Decodes Python source bytes, or says in one phrase why they cannot be. */
export function decodeSource(bytes: Buffer): Decoded | { error: string } {
  if (bytes.includes(0)) return { error: "contains NUL bytes (binary file?)" };
  const bom = bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2];
  const cookie = codingCookie(bytes);
  const encoding = normaliseEncoding(cookie ?? "utf-8");
  const body = bom ? bytes.subarray(3) : bytes;
  if (bom && encoding !== "utf-8") {
    return { error: `UTF-8 byte order mark contradicts the coding cookie '${cookie}'` };
  }
  let text: string;
  if (encoding === "utf-8") {
    try {
      text = strictUtf8.decode(body);
    } catch {
      return { error: "not valid UTF-8 (and no coding cookie declares another encoding)" };
    }
  } else {
    const iconv = loadIconv();
    if (!iconv.encodingExists(encoding)) return { error: `unknown source encoding '${cookie}'` };
    // Only ASCII-compatible codecs can take our ASCII edits without re-encoding the rest.
    if (!iconv.encode("import os\n", encoding).equals(Buffer.from("import os\n"))) {
      return { error: `source encoding '${cookie}' is not ASCII-compatible` };
    }
    text = iconv.decode(body, encoding, { stripBOM: false });
    // A lossy decode would not survive the round trip: refuse rather than corrupt.
    if (!iconv.encode(text, encoding).equals(body)) {
      return { error: `not valid in its declared encoding '${cookie}'` };
    }
  }
  return { text, encoding, bom, eol: detectLineEnding(text) };
}

/** Encodes text back into the file's encoding, with its BOM when it had one. */
export function encodeSource(text: string, source: Pick<Source, "encoding" | "bom">): Buffer {
  const body = source.encoding === "utf-8" ? Buffer.from(text, "utf8") : loadIconv().encode(text, source.encoding);
  return source.bom ? Buffer.concat([UTF8_BOM, body]) : body;
}
