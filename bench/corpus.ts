// The benchmark's corpora: the installed Python's standard library, and the whole installed Python
// (stdlib + site-packages), mirrored as hard links under .bench-cache/ so that every tool reads the
// same files; or, where Python is absent, generated trees of the same size.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { discover } from "../src/discover.js";
import { generateCorpus } from "./generate.js";

export interface Corpus {
  /** "stdlib" or "python". */
  name: string;
  /** What it holds, for the table: "Python 3.11 standard library" or "generated". */
  label: string;
  dir: string;
  files: number;
  bytes: number;
  lines: number;
}

interface PythonPaths {
  version: string;
  stdlib: string;
  /** purelib, platlib: distinct, existing, each counted once. */
  sites: string[];
}

/** Where the installed Python keeps its library, or undefined without a python3. */
function pythonPaths(): PythonPaths | undefined {
  try {
    const script = "import json, sys, sysconfig; p = sysconfig.get_paths(); print(json.dumps([sys.version.split()[0], p['stdlib'], p['purelib'], p['platlib']]))";
    const [version, stdlib, purelib, platlib] = JSON.parse(execFileSync("python3", ["-c", script], { encoding: "utf8" })) as string[];
    if (!stdlib || !existsSync(stdlib)) return undefined;
    const sites = [...new Set([purelib, platlib].filter((dir): dir is string => !!dir && existsSync(dir)).map((dir) => realpathSync(dir)))];
    return { version: version!, stdlib: realpathSync(stdlib), sites };
  } catch {
    return undefined;
  }
}

/** The files bindfix would read under `roots`, by its own discovery rules; absolute paths, each once. */
async function pythonFiles(roots: string[]): Promise<string[]> {
  const seen = new Set<string>();
  for await (const item of discover(roots, { cwd: "/", exclude: [] })) {
    if ("file" in item) seen.add(item.file.absPath);
  }
  return [...seen].sort();
}

/**
 * Mirrors `groups` (a folder name in the corpus → the files under one source root) as hard links
 * (copies across file systems). The corpus root gets an empty `.git`, so the repository's own
 * `.gitignore` (which lists .bench-cache/) is not applied to it by bindfix or ast-grep. Reading
 * tools only: a hard link shares its bytes with the installed file.
 */
function mirror(dir: string, groups: Array<{ folder: string; root: string; files: string[] }>): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, ".git"), { recursive: true });
  for (const { folder, root, files } of groups) {
    for (const file of files) {
      const target = path.join(dir, folder, path.relative(root, file));
      mkdirSync(path.dirname(target), { recursive: true });
      try {
        linkSync(file, target);
      } catch {
        copyFileSync(file, target);
      }
    }
  }
}

function measure(files: string[]): { bytes: number; lines: number } {
  let bytes = 0;
  let lines = 0;
  for (const file of files) {
    const data = readFileSync(file);
    bytes += data.length;
    for (let i = data.indexOf(10); i >= 0; i = data.indexOf(10, i + 1)) lines++;
  }
  return { bytes, lines };
}

interface Manifest {
  sources: string[];
  files: number;
  bytes: number;
  lines: number;
  label: string;
}

/** Builds (or reuses, when its sources and file count are unchanged) one mirrored corpus. */
async function mirroredCorpus(cache: string, name: string, label: string, groups: Array<{ folder: string; root: string }>): Promise<Corpus> {
  const dir = path.join(cache, name);
  const listed = await Promise.all(groups.map(async (group) => ({ ...group, files: await pythonFiles([group.root]) })));
  // A site directory nested in the standard library (pyenv's layout) is skipped by the walk of
  // the library, as bindfix skips site-packages; a file reached from two roots is counted once.
  const seen = new Set<string>();
  for (const group of listed) group.files = group.files.filter((file) => !seen.has(file) && seen.add(file));
  const all = listed.flatMap((group) => group.files);
  const sources = groups.map((group) => group.root);
  const manifestPath = path.join(dir, ".bench-manifest.json");
  const previous = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest) : undefined;
  if (previous && previous.files === all.length && JSON.stringify(previous.sources) === JSON.stringify(sources)) {
    return { name, label, dir, files: previous.files, bytes: previous.bytes, lines: previous.lines };
  }
  mirror(dir, listed);
  const { bytes, lines } = measure(all);
  writeFileSync(manifestPath, JSON.stringify({ sources, files: all.length, bytes, lines, label } satisfies Manifest, null, 2));
  return { name, label, dir, files: all.length, bytes, lines };
}

/** A generated corpus of the given size, reused when already there. */
function generatedCorpus(cache: string, name: string, files: number, bytes: number): Corpus {
  const dir = path.join(cache, `${name}-generated`);
  const manifestPath = path.join(dir, ".bench-manifest.json");
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
    if (manifest.files === files) return { name, label: manifest.label, dir, files, bytes: manifest.bytes, lines: manifest.lines };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, ".git"), { recursive: true });
  const made = generateCorpus(dir, files, bytes);
  const label = `generated (${files} files)`;
  writeFileSync(manifestPath, JSON.stringify({ sources: [], files, bytes: made.bytes, lines: made.lines, label } satisfies Manifest, null, 2));
  return { name, label, dir, files, bytes: made.bytes, lines: made.lines };
}

/**
 * `copies` copies of a corpus side by side (`copy-1/`, `copy-2/`, ...), as hard links of its files:
 * the same content at several sizes, for the benchmark's check that time grows linearly with files.
 */
export async function replicatedCorpus(cache: string, base: Corpus, copies: number): Promise<Corpus> {
  const dir = path.join(cache, `${base.name}-x${copies}`);
  const manifestPath = path.join(dir, ".bench-manifest.json");
  const corpus = { name: `${base.name}-x${copies}`, label: `${copies} × ${base.label}`, dir, files: base.files * copies, bytes: base.bytes * copies, lines: base.lines * copies };
  // Reused while it copies the same base (the real standard library, or a generated one) as often.
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
    if (manifest.files === corpus.files && manifest.sources[0] === base.dir) return corpus;
  }
  const baseFiles = await pythonFiles([base.dir]);
  mirror(
    dir,
    Array.from({ length: copies }, (_, i) => ({ folder: `copy-${i + 1}`, root: base.dir, files: baseFiles })),
  );
  corpus.files = baseFiles.length * copies;
  const { files, bytes, lines, label } = corpus;
  writeFileSync(manifestPath, JSON.stringify({ sources: [base.dir], files, bytes, lines, label } satisfies Manifest, null, 2));
  return corpus;
}

/** The reference sizes: CPython's standard library, and a Python with its site-packages. */
const STDLIB_SIZE = { files: 1790, bytes: 35_000_000 };
const WHOLE_SIZE = { files: 13_000, bytes: 160_000_000 };
/** Below this many files the installed Python is not "a repository's worth" and is replaced. */
const WHOLE_MIN_FILES = 5000;

export async function corpora(cache: string, options: { generated: boolean; which: Set<string> }): Promise<Corpus[]> {
  mkdirSync(cache, { recursive: true });
  const python = options.generated ? undefined : pythonPaths();
  const result: Corpus[] = [];
  if (options.which.has("stdlib")) {
    result.push(
      python
        ? await mirroredCorpus(cache, "stdlib", `Python ${python.version} standard library`, [{ folder: "stdlib", root: python.stdlib }])
        : generatedCorpus(cache, "stdlib", STDLIB_SIZE.files, STDLIB_SIZE.bytes),
    );
  }
  if (options.which.has("python")) {
    let whole: Corpus | undefined;
    if (python && python.sites.length > 0) {
      // Mirrored as "packages", not "site-packages", which every tool's walk would skip.
      const groups = [{ folder: "stdlib", root: python.stdlib }, ...python.sites.map((root, i) => ({ folder: i === 0 ? "packages" : `packages-${i}`, root }))];
      whole = await mirroredCorpus(cache, "python", `Python ${python.version} with site-packages`, groups);
    }
    result.push(whole && whole.files >= WHOLE_MIN_FILES ? whole : generatedCorpus(cache, "python", WHOLE_SIZE.files, WHOLE_SIZE.bytes));
  }
  return result;
}
