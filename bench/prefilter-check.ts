// `npm run prefilter-check -- <dir>...`: scans every Python file under the given folders twice,
// with the prefilter and with every transform forced to parse, and lists each file where the
// findings differ (a finding the prefilter hid). Exit 1 on any difference, 2 when a path given or
// found cannot be read (a mistyped folder is no clean tree). Slow by design: it
// parses every file. Run it over a large real tree after changing a prefilter.
import { readFileSync } from "node:fs";
import { discover } from "../src/discover.js";
import { decodeSource } from "../src/source.js";
import { scanText } from "../src/engine.js";
import { releaseTrees, treesAwaitRelease } from "../src/parse.js";
import { transforms } from "../transforms/index.js";
import { DEFAULT_REWRITE } from "../src/types.js";
import type { Transform } from "../src/transform.js";

const unfiltered: Transform[] = transforms.map((transform) => ({ ...transform, mayMatch: () => true }));

const key = (findings: ReturnType<typeof scanText>["findings"]): string =>
  JSON.stringify(findings.map((finding) => [finding.start, finding.end, finding.rule, finding.status]));

async function main(): Promise<void> {
  const roots = process.argv.slice(2);
  if (roots.length === 0) {
    process.stderr.write("usage: npm run prefilter-check -- <dir>...\n");
    process.exitCode = 2;
    return;
  }
  let files = 0;
  let parsed = 0;
  let withFindings = 0;
  const differences: string[] = [];
  let unreadable = 0;
  for await (const item of discover(roots, { cwd: process.cwd(), exclude: [] })) {
    if (!("file" in item)) {
      // A path that does not exist must not pass as a clean tree of 0 files.
      process.stderr.write(`error: ${item.error.path}: ${item.error.message}\n`);
      unreadable++;
      continue;
    }
    const decoded = decodeSource(readFileSync(item.file.absPath));
    if ("error" in decoded) continue;
    const input = { path: item.file.path, text: decoded.text, eol: decoded.eol };
    const filtered = scanText(input, transforms, DEFAULT_REWRITE);
    const all = scanText(input, unfiltered, DEFAULT_REWRITE);
    files++;
    if (filtered.parsed) parsed++;
    if (all.findings.length > 0) withFindings++;
    if (key(filtered.findings) !== key(all.findings)) differences.push(item.file.path);
    if (treesAwaitRelease()) await releaseTrees();
  }
  for (const path of differences) process.stdout.write(`prefilter hid a finding: ${path}\n`);
  process.stdout.write(`${files} files, ${parsed} parsed after the prefilter, ${withFindings} with findings, ${differences.length} differences\n`);
  if (differences.length > 0) process.exitCode = 1;
  else if (unreadable > 0) process.exitCode = 2;
}

main().catch((error: unknown) => {
  process.stderr.write(`prefilter-check: ${(error as Error)?.message ?? String(error)}\n`);
  process.exitCode = 2;
});
