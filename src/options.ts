// argv to options. Validation happens here so the engine only ever sees well-formed values.
import { parseArgs } from "node:util";
import type { RewriteOptions } from "./types.js";
import type { ProjectConfig } from "./config.js";

export interface CliOptions {
  paths: string[];
  write: boolean;
  interactive: boolean;
  json: boolean;
  sarif: boolean;
  rewrite: RewriteOptions;
  exclude: string[];
  rules: string[];
  noColor: boolean;
  quiet: boolean;
  help: boolean;
  version: boolean;
  /** The pyproject.toml whose `[tool.bindfix]` was applied, if any. */
  configFile?: string;
}

export class UsageError extends Error {}

export const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
// An address goes inside a Python string literal: keep to characters that need no escaping.
export const ADDRESS = /^[0-9A-Za-z.:%_-]+$/;

/**
 * `loadConfig` supplies `[tool.bindfix]` settings (src/config.ts); command-line options win over
 * them. It is not called for --help and --version, which must work whatever the configuration.
 */
export function parseCommandLine(argv: readonly string[], loadConfig: () => ProjectConfig = () => ({})): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        write: { type: "boolean", short: "w" },
        interactive: { type: "boolean", short: "i" },
        json: { type: "boolean" },
        sarif: { type: "boolean" },
        "env-var": { type: "string" },
        "default-host": { type: "string" },
        "default-host6": { type: "string" },
        exclude: { type: "string", multiple: true },
        rule: { type: "string", multiple: true },
        "no-color": { type: "boolean" },
        quiet: { type: "boolean", short: "q" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "V" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0]!);
  }
  const { values, positionals } = parsed;
  const config = values.help || values.version ? {} : loadConfig();
  const rewrite: RewriteOptions = {
    envVar: values["env-var"] ?? config.envVar ?? "BIND_HOST",
    defaultHost: values["default-host"] ?? config.defaultHost ?? "127.0.0.1",
    defaultHost6: values["default-host6"] ?? config.defaultHost6 ?? "::1",
  };
  validateRewrite(rewrite);
  const options: CliOptions = {
    paths: positionals.length > 0 ? positionals : ["."],
    write: values.write ?? false,
    interactive: values.interactive ?? false,
    json: values.json ?? false,
    sarif: values.sarif ?? false,
    rewrite,
    exclude: values.exclude ?? config.exclude ?? [],
    rules: values.rule ?? config.rules ?? [],
    noColor: values["no-color"] ?? false,
    quiet: values.quiet ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
  if (config.file) options.configFile = config.file;
  if (options.json && options.sarif) throw new UsageError("--json and --sarif cannot be combined");
  if (options.interactive && (options.json || options.sarif)) {
    throw new UsageError("--interactive cannot be combined with --json or --sarif");
  }
  return options;
}

export function validateRewrite(rewrite: RewriteOptions): void {
  if (!ENV_VAR.test(rewrite.envVar)) throw new UsageError(`--env-var must be a variable name, got '${rewrite.envVar}'`);
  for (const [flag, value] of [
    ["--default-host", rewrite.defaultHost],
    ["--default-host6", rewrite.defaultHost6],
  ] as const) {
    if (!ADDRESS.test(value)) throw new UsageError(`${flag} must be an address such as 127.0.0.1 or ::1, got '${value}'`);
  }
}
