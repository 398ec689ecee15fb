// The Node read floor, run as its own process by the benchmark: read every file of a corpus,
// decode it and test one regular expression. No Node tool that reads the files can be faster.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const NEEDLE = /0\.0\.0\.0/;
let files = 0;
let matches = 0;

function walk(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".git" || entry.name === ".bench-manifest.json") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (entry.isFile()) {
      files++;
      if (NEEDLE.test(readFileSync(full, "utf8"))) matches++;
    }
  }
}

for (const root of process.argv.slice(2)) walk(root);
process.stderr.write(`floor ${JSON.stringify({ files, matches })}\n`);
