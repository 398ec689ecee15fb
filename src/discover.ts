// Which files to read: explicit files always; directories walked in sorted order for Python files,
// honouring .gitignore (via `ignore`), --exclude globs (via picomatch) and the folders never worth
// reading (VCS, virtual environments, caches). Symbolic links are not followed inside a walk, and an
// explicitly named one is followed only to a file inside the working directory or the given paths.
import { constants, existsSync, readFileSync, openSync, readSync, closeSync, fstatSync, readdirSync, realpathSync } from "node:fs";
import { lstat, realpath, stat } from "node:fs/promises";
import path from "node:path";
import type ignoreFactory from "ignore";
import type { Ignore } from "ignore";
import type Picomatch from "picomatch";
import { lazyRequire } from "./lazy.js";

// Loaded only for a tree that has a .gitignore, and for --exclude patterns.
const loadIgnore = lazyRequire<typeof ignoreFactory>("ignore");
const loadPicomatch = lazyRequire<typeof Picomatch>("picomatch");

export interface DiscoveredFile {
  /** Absolute path. */
  absPath: string;
  /** Relative to the working directory, `/` separators: the path users see and patches carry. */
  path: string;
}

export type Discovery = { file: DiscoveredFile } | { error: { path: string; message: string } };

const SKIPPED_DIRECTORIES = new Set([".git", ".hg", ".svn", "node_modules", "venv", ".venv", "__pycache__", ".tox", ".nox", "site-packages"]);
const PYTHON_SHEBANG = /^#!.*\bpython[0-9.]*\b/;

export interface DiscoverOptions {
  cwd: string;
  exclude: readonly string[];
}

interface IgnoreLayer {
  base: string;
  rules: Ignore;
}

export function displayPath(cwd: string, absPath: string): string {
  const relative = path.relative(cwd, absPath) || path.basename(absPath);
  return relative.split(path.sep).join("/");
}

/** Every file to read, once: a file reached twice (named twice, or by a link and a walk) is read once. */
export async function* discover(paths: readonly string[], options: DiscoverOptions): AsyncGenerator<Discovery> {
  const seen = new Set<string>();
  const named = new Set(paths.map((given) => path.resolve(options.cwd, given)));
  // A walk never yields a symbolic link, so a walked file's real path is its folder's real path
  // and its name: one realpath per folder instead of one per file (each walks every component).
  // Synchronous: a local disk answers at once, and each asynchronous call costs a round trip to
  // libuv's thread pool, which over a repository's folders adds up to most of a scan's time.
  const realFolders = new Map<string, string>();
  // A walked folder is never a link either: its real path is its parent's and its name. Only a
  // folder named on the command line (where a walk starts) is resolved.
  const realFolderOf = (folder: string): string => {
    let real = realFolders.get(folder);
    if (real !== undefined) return real;
    const parent = path.dirname(folder);
    real = named.has(folder) || parent === folder ? realpathSync(folder) : path.join(realFolderOf(parent), path.basename(folder));
    realFolders.set(folder, real);
    return real;
  };
  // A walked file's real path is its folder's with its name appended (a walked path is normalised
  // and has no trailing separator), in this turn. Only a file named on the command line is resolved,
  // asynchronously.
  const walkedRealPath = (absPath: string): string => {
    const folder = realFolderOf(path.dirname(absPath));
    return (folder.endsWith(path.sep) ? folder : folder + path.sep) + absPath.slice(absPath.lastIndexOf(path.sep) + 1);
  };
  for await (const item of discoverAll(paths, options)) {
    if ("file" in item) {
      let real: string;
      try {
        real = named.has(item.file.absPath) ? await realpath(item.file.absPath) : walkedRealPath(item.file.absPath);
      } catch (error) {
        yield { error: { path: item.file.path, message: describeFsError(error) } };
        continue;
      }
      if (seen.has(real)) continue;
      seen.add(real);
    }
    yield item;
  }
}

async function* discoverAll(paths: readonly string[], options: DiscoverOptions): AsyncGenerator<Discovery> {
  const isExcluded = excludeMatcher(options.exclude);
  const roots = await allowedRoots(paths, options.cwd);
  for (const given of paths) {
    const absPath = path.resolve(options.cwd, given);
    let info;
    try {
      info = await stat(absPath);
    } catch (error) {
      yield { error: { path: displayPath(options.cwd, absPath), message: describeFsError(error) } };
      continue;
    }
    if (info.isDirectory()) {
      // A directory named on the command line is walked even if a parent's .gitignore covers it:
      // naming it overrides that rule, as naming a file does. Rules for what is inside still apply.
      const layers = ancestorIgnores(absPath).filter((layer) => !isIgnored([layer], absPath, true));
      yield* walk(absPath, layers, options, isExcluded);
    } else if (info.isFile()) {
      const outside = await linkTargetOutside(absPath, roots);
      if (outside) {
        yield { error: { path: displayPath(options.cwd, absPath), message: `symbolic link to ${outside}, outside the working directory and the given paths; not followed` } };
      } else {
        yield { file: { absPath, path: displayPath(options.cwd, absPath) } };
      }
    } else {
      yield { error: { path: displayPath(options.cwd, absPath), message: "not a regular file" } };
    }
  }
}

function* walk(
  directory: string,
  layers: IgnoreLayer[],
  options: DiscoverOptions,
  isExcluded: (relative: string) => boolean,
  nested = false,
): Generator<Discovery> {
  let entries;
  try {
    // Synchronous for the reason given in `discover`.
    entries = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    yield { error: { path: displayPath(options.cwd, directory), message: describeFsError(error) } };
    return;
  }
  // A virtual environment below the folder walked is skipped whole (one named on the command line is not).
  if (nested && entries.some((entry) => entry.name === "pyvenv.cfg")) return;
  // The listing says whether there is a .gitignore: no failed open (and its exception) per folder.
  const own = entries.some((entry) => entry.name === ".gitignore") ? readIgnoreFile(directory) : undefined;
  const active = own ? [...layers, own] : layers;
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const excludes = options.exclude.length > 0;
  // An entry's path relative to the folder of each .gitignore, and a file's display path, are the
  // folder's own with the entry's name added: computed once per folder, not once per entry.
  const ignoreBases = active.map((layer) => relativeSlashed(layer.base, directory));
  let displayFolder: string | undefined;
  const displayOfFile = (name: string): string => {
    displayFolder ??= relativeSlashed(options.cwd, directory);
    return displayFolder ? `${displayFolder}/${name}` : name;
  };
  // A walked folder's path is absolute and normalised, and an entry's name holds no separator: its
  // path is the two joined, without `path.join`'s normalising pass per entry.
  const folderPrefix = directory.endsWith(path.sep) ? directory : directory + path.sep;
  for (const entry of entries) {
    const absPath = folderPrefix + entry.name;
    if (entry.isDirectory()) {
      if (SKIPPED_DIRECTORIES.has(entry.name)) continue;
      if (isIgnoredEntry(active, ignoreBases, entry.name, true) || (excludes && isExcluded(displayPath(options.cwd, absPath)))) continue;
      yield* walk(absPath, active, options, isExcluded, true);
    } else if (entry.isFile()) {
      if (isIgnoredEntry(active, ignoreBases, entry.name, false) || (excludes && isExcluded(displayOfFile(entry.name)))) continue;
      // The display path only for the files yielded: most entries of a tree are not Python.
      if (isPythonFile(absPath, entry.name)) yield { file: { absPath, path: displayOfFile(entry.name) } };
    }
    // Symbolic links, FIFOs, sockets and devices are never followed or read in a walk.
  }
}

/**
 * --exclude globs: one without a slash matches any path component's name (`build`, `*_pb2.py`),
 * one with a slash matches the path from the working directory (`src/gen/**`), as in Ruff.
 * (picomatch's `basename` option would apply to both kinds, so they are compiled apart.)
 */
function excludeMatcher(globs: readonly string[]): (relative: string) => boolean {
  const cleaned = globs.map((glob) => glob.replace(/\/+$/, "")).filter(Boolean);
  const byName = cleaned.filter((glob) => !glob.includes("/"));
  const byPath = cleaned.filter((glob) => glob.includes("/")).map((glob) => glob.replace(/^\.\//, ""));
  const nameMatches = byName.length > 0 ? loadPicomatch()(byName, { dot: true }) : () => false;
  const pathMatches = byPath.length > 0 ? loadPicomatch()(byPath, { dot: true }) : () => false;
  return (relative) => pathMatches(relative) || nameMatches(relative.slice(relative.lastIndexOf("/") + 1));
}

/**
 * Where an explicitly named symbolic link may lead: the working directory and every given path that
 * is not itself a link to a file, all resolved. A link out of them could make a fix write into a
 * file the user never pointed at (a shared library, another checkout), so it is reported instead.
 */
async function allowedRoots(paths: readonly string[], cwd: string): Promise<string[]> {
  const roots: string[] = [];
  for (const candidate of [cwd, ...paths.map((given) => path.resolve(cwd, given))]) {
    try {
      if (candidate !== cwd && (await lstat(candidate)).isSymbolicLink() && !(await stat(candidate)).isDirectory()) continue;
      roots.push(await realpath(candidate));
    } catch {
      // A path that does not resolve is reported when it is discovered.
    }
  }
  return roots;
}

/** The real path of a named symbolic link when it leads outside `roots`, else undefined. */
async function linkTargetOutside(absPath: string, roots: readonly string[]): Promise<string | undefined> {
  if (!(await lstat(absPath)).isSymbolicLink()) return undefined;
  const target = await realpath(absPath);
  const inside = roots.some((root) => target === root || target.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
  return inside ? undefined : target;
}

/**
 * Reads a whole regular file. Opening with O_NONBLOCK returns at once for a FIFO instead of waiting
 * for a writer, so a path that became a FIFO after discovery is an error, never a hang.
 */
export function readRegularFile(absPath: string): Buffer {
  const fd = openSync(absPath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw Object.assign(new Error("not a regular file"), { code: "ENOTREG" });
    // Read the size fstat gave, as readFileSync would after an fstat of its own (a system call
    // saved per file); a file that shrank meanwhile is read up to its end.
    const bytes = Buffer.allocUnsafe(stats.size);
    let filled = 0;
    while (filled < bytes.length) {
      const read = readSync(fd, bytes, filled, bytes.length - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return filled === bytes.length ? bytes : bytes.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

function isPythonFile(absPath: string, name: string): boolean {
  if (name.endsWith(".py") || name.endsWith(".pyw")) return true;
  if (name.includes(".")) return false;
  return hasPythonShebang(absPath);
}

function hasPythonShebang(absPath: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(absPath, "r");
    const head = Buffer.alloc(128);
    const length = readSync(fd, head, 0, head.length, 0);
    return PYTHON_SHEBANG.test(head.subarray(0, length).toString("latin1").split("\n", 1)[0]!);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function readIgnoreFile(directory: string): IgnoreLayer | undefined {
  try {
    const content = readFileSync(path.join(directory, ".gitignore"), "utf8");
    return { base: directory, rules: loadIgnore()().add(content) };
  } catch {
    return undefined;
  }
}

/** .gitignore files above a walked directory, up to the repository root, apply to it too. */
function ancestorIgnores(directory: string): IgnoreLayer[] {
  const layers: IgnoreLayer[] = [];
  let current = path.dirname(directory);
  if (existsSync(path.join(directory, ".git"))) return layers;
  while (current !== path.dirname(current)) {
    const layer = readIgnoreFile(current);
    if (layer) layers.unshift(layer);
    if (existsSync(path.join(current, ".git"))) return layers;
    current = path.dirname(current);
  }
  // Not inside a repository: ignore files above the given directory are not ours to apply.
  return [];
}

/** `path.relative` with `/` separators. */
function relativeSlashed(from: string, to: string): string {
  return path.relative(from, to).split(path.sep).join("/");
}

/**
 * `isIgnored` for the entry `name` of a walked folder, given that folder's path relative to each
 * layer's base. Every base is the folder or one of its ancestors, so the entry is inside each one
 * and its relative path is the folder's plus its name.
 */
function isIgnoredEntry(layers: IgnoreLayer[], folderRelatives: readonly string[], name: string, isDirectory: boolean): boolean {
  for (let i = 0; i < layers.length; i++) {
    const folder = folderRelatives[i]!;
    const relative = folder ? `${folder}/${name}` : name;
    if (layers[i]!.rules.ignores(isDirectory ? relative + "/" : relative)) return true;
  }
  return false;
}

function isIgnored(layers: IgnoreLayer[], absPath: string, isDirectory: boolean): boolean {
  for (const layer of layers) {
    const relative = relativeSlashed(layer.base, absPath);
    // Outside the layer's folder (`..`, `../x`); a name that merely starts with dots (`..data`) is inside.
    if (!relative || relative === ".." || relative.startsWith("../")) continue;
    if (layer.rules.ignores(isDirectory ? relative + "/" : relative)) return true;
  }
  return false;
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    case "ELOOP":
      return "too many levels of symbolic links";
    default:
      return (error as Error | undefined)?.message?.split("\n")[0] ?? String(error);
  }
}

