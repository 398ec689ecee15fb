// `[tool.bindfix]` in pyproject.toml: found by walking up from the working directory, parsed as
// data with smol-toml (configuration never runs code), and checked strictly: an unknown key or a
// wrong type is a usage error that names the key and the file.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type * as SmolToml from "smol-toml";
import type { TomlTable } from "smol-toml";
import { lazyRequire } from "./lazy.js";
import { ADDRESS, ENV_VAR, UsageError } from "./options.js";

/** Loaded only when a pyproject.toml is found. */
const loadToml = lazyRequire<typeof SmolToml>("smol-toml");

/** The settings `[tool.bindfix]` may hold, under the command line's names. */
export interface ProjectConfig {
  /** The pyproject.toml they came from (absolute). */
  file?: string;
  envVar?: string;
  defaultHost?: string;
  defaultHost6?: string;
  /** Globs as the command line's `--exclude` takes them, rebased onto the working directory. */
  exclude?: string[];
  rules?: string[];
}

const KEYS = ["env-var", "default-host", "default-host6", "exclude", "rules"] as const;
type Key = (typeof KEYS)[number];

/**
 * The nearest pyproject.toml with a `[tool.bindfix]` table, from `cwd` upward. As in Ruff, a
 * pyproject.toml without the table is passed over; the walk stops at the repository root (the
 * directory holding `.git`) or the file-system root, so a checkout never picks up settings from
 * outside itself.
 */
export function findConfigFile(cwd: string): string | undefined {
  for (let directory = path.resolve(cwd); ; directory = path.dirname(directory)) {
    const candidate = path.join(directory, "pyproject.toml");
    if (existsSync(candidate) && mentionsBindfix(candidate)) return candidate;
    if (existsSync(path.join(directory, ".git")) || path.dirname(directory) === directory) return undefined;
  }
}

/** A cheap text test first, so an unrelated (or broken) pyproject.toml on the way costs no parse. */
function mentionsBindfix(file: string): boolean {
  try {
    return readFileSync(file, "utf8").includes("bindfix");
  } catch {
    return false;
  }
}

/** The configuration for a run in `cwd`: empty when no pyproject.toml configures bindfix. */
export function loadConfig(cwd: string, knownRules: readonly string[]): ProjectConfig {
  const file = findConfigFile(cwd);
  if (!file) return {};
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`${shown(file, cwd)}: cannot read: ${(error as Error).message}`);
  }
  return parseConfig(text, file, cwd, knownRules);
}

/** Checks and converts the `[tool.bindfix]` table of a pyproject.toml's text. */
export function parseConfig(text: string, file: string, cwd: string, knownRules: readonly string[]): ProjectConfig {
  const where = shown(file, cwd);
  let document: TomlTable;
  try {
    document = loadToml().parse(text);
  } catch (error) {
    if (error instanceof loadToml().TomlError) throw new UsageError(`${where}:${error.line}:${error.column}: invalid TOML: ${error.message.split("\n")[0]}`);
    throw error;
  }
  const tool = document.tool;
  if (tool === undefined) return {};
  if (!isTable(tool)) throw new UsageError(`${where}: 'tool' must be a table`);
  const table = tool.bindfix;
  if (table === undefined) return {};
  if (!isTable(table)) throw new UsageError(`${where}: [tool.bindfix] must be a table`);

  const config: ProjectConfig = { file };
  for (const [key, value] of Object.entries(table)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new UsageError(`${where}: unknown key '${key}' in [tool.bindfix] (known: ${KEYS.join(", ")})`);
    }
    const problem = (expected: string): UsageError => new UsageError(`${where}: [tool.bindfix] ${key} must be ${expected}`);
    switch (key as Key) {
      case "env-var":
        if (typeof value !== "string" || !ENV_VAR.test(value)) throw problem("an environment variable name such as \"BIND_HOST\"");
        config.envVar = value;
        break;
      case "default-host":
      case "default-host6":
        if (typeof value !== "string" || !ADDRESS.test(value)) throw problem("an address string such as \"127.0.0.1\" or \"::1\"");
        if (key === "default-host") config.defaultHost = value;
        else config.defaultHost6 = value;
        break;
      case "exclude":
        config.exclude = stringArray(value, problem).map((glob) => rebaseGlob(glob, path.dirname(file), cwd));
        break;
      case "rules": {
        const rules = stringArray(value, problem);
        const unknown = rules.find((rule) => !knownRules.includes(rule));
        if (unknown !== undefined) throw new UsageError(`${where}: [tool.bindfix] rules: unknown rule '${unknown}' (known: ${knownRules.join(", ")})`);
        config.rules = rules;
        break;
      }
    }
  }
  return config;
}

function stringArray(value: unknown, problem: (expected: string) => UsageError): string[] {
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === "string")) throw problem("an array of strings");
  return value;
}

function isTable(value: unknown): value is TomlTable {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Exclude globs with a slash are paths from the pyproject.toml's directory (as in Ruff), while
 * `--exclude` paths are from the working directory: rebase them. Name globs (no slash) and
 * `**`-led globs match anywhere and need nothing.
 */
export function rebaseGlob(glob: string, configDir: string, cwd: string): string {
  const cleaned = glob.replace(/^\.\//, "");
  if (!cleaned.replace(/\/+$/, "").includes("/") || cleaned.startsWith("**/")) return glob;
  const below = path.relative(configDir, cwd).split(path.sep).join("/");
  if (below === "") return cleaned;
  if (cleaned.startsWith(below + "/")) return cleaned.slice(below.length + 1);
  // A path outside the working directory: reach it the way discovered paths show it, through "..".
  return `${below.split("/").map(() => "..").join("/")}/${cleaned}`;
}

function shown(file: string, cwd: string): string {
  return path.relative(cwd, file).split(path.sep).join("/") || file;
}
