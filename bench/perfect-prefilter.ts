// Loaded by the benchmark's "perfect prefilter" row before the command (NODE_OPTIONS=--import):
// every transform's prefilter answers as before for the files listed in BINDFIX_BENCH_ORACLE (the
// files with findings, relative to BINDFIX_BENCH_ORACLE_ROOT), and no, at no cost, for every other
// file. What bindfix takes then is what the rest of the run costs, however good a prefilter could
// become. Node runs `--import` modules in each worker thread too, so the worker's transforms are
// replaced as well.
import { readFileSync } from "node:fs";
import path from "node:path";
import { transforms } from "../transforms/index.js";

const listFile = process.env.BINDFIX_BENCH_ORACLE;
const root = process.env.BINDFIX_BENCH_ORACLE_ROOT;
if (!listFile || !root) throw new Error("perfect-prefilter: BINDFIX_BENCH_ORACLE (the list) and BINDFIX_BENCH_ORACLE_ROOT (its folder) must be set");
// The listed files' texts by length, so that a text is compared in full only with texts as long.
const byLength = new Map<number, string[]>();
for (const line of readFileSync(listFile, "utf8").split("\n")) {
  if (!line) continue;
  // As bindfix decodes it: without a byte order mark.
  const text = readFileSync(path.join(root, line), "utf8").replace(/^\uFEFF/, "");
  byLength.set(text.length, [...(byLength.get(text.length) ?? []), text]);
}
const listed = (text: string): boolean => byLength.get(text.length)?.includes(text) ?? false;
for (const transform of transforms) {
  const mayMatch = transform.mayMatch.bind(transform);
  (transform as { mayMatch: (text: string) => boolean }).mayMatch = (text) => listed(text) && mayMatch(text);
}
