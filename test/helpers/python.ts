// python3 as an oracle in tests only (bindfix itself never needs Python): compiles many sources
// in one process, so checking every fixture costs one interpreter start.
import { spawnSync } from "node:child_process";

let available: boolean | undefined;

export function hasPython(): boolean {
  if (available === undefined) available = spawnSync("python3", ["--version"]).status === 0;
  return available;
}

const COMPILE_ALL = `
import json, sys
failures = {}
for name, data in json.load(sys.stdin).items():
    try:
        compile(bytes.fromhex(data), name, "exec", dont_inherit=True)
    except Exception as error:
        failures[name] = f"{type(error).__name__}: {error}"
print(json.dumps(failures))
`;

/** Compiles each named source (bytes) with python3; returns the failures by name. */
export function pythonCompileFailures(sources: Map<string, Buffer>): Map<string, string> {
  const payload = JSON.stringify(Object.fromEntries([...sources].map(([name, bytes]) => [name, bytes.toString("hex")])));
  const result = spawnSync("python3", ["-c", COMPILE_ALL], { input: payload, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr.toString()}`);
  return new Map(Object.entries(JSON.parse(result.stdout.toString()) as Record<string, string>));
}
