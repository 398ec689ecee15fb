// Start-up is most of a pre-commit run over a few clean files, so the parser, the patch library and
// the other dependencies a run may not need are loaded on first use (src/lazy.ts). This keeps it so:
// a run over a clean file loads none of them, and a run with a fix loads what the fix needs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { cliPath } from "../helpers/paths.js";
import { removeTree, tempTree } from "../helpers/tree.js";

const LAZY = ["tree-sitter", "tree-sitter-python", "diff", "smol-toml", "iconv-lite", "ignore", "picomatch"];

/** The lazily loaded packages a CLI run loaded, as ES modules (a resolve hook) or CommonJS (the require cache). */
function packagesLoaded(args: string[], cwd: string): Set<string> {
  const hook = path.join(cwd, "resolve-hook.mjs");
  const cache = path.join(cwd, "require-cache.cjs");
  writeFileSync(hook, "export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write(`loaded ${r.url}\\n`); return r; }\n");
  writeFileSync(cache, "process.on('exit', () => { for (const file of Object.keys(require.cache)) process.stderr.write(`loaded ${file}\\n`); });\n");
  const run = spawnSync(process.execPath, ["--no-warnings", "--experimental-loader", hook, "--require", cache, cliPath, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", CI: "1" },
    timeout: 60_000,
  });
  const stderr = run.stderr.toString("utf8");
  assert.ok(stderr.includes("loaded "), `no module was reported loaded: ${stderr}`);
  const loaded = new Set<string>();
  for (const name of LAZY) if (new RegExp(String.raw`node_modules[\\/]${name}[\\/]`).test(stderr)) loaded.add(name);
  return loaded;
}

test("a run over a clean file loads none of the dependencies it does not use", () => {
  const root = tempTree({ "clean.py": "import socket\n\nsocket.create_connection((HOST, 80))\n" });
  try {
    assert.deepEqual([...packagesLoaded(["clean.py"], root)], []);
  } finally {
    removeTree(root);
  }
});

test("a run that parses and patches loads the parser and the patch library", () => {
  const root = tempTree({ "server.py": 'import socket\n\ns = socket.socket()\ns.bind(("0.0.0.0", 80))\n' });
  try {
    const loaded = packagesLoaded(["server.py"], root);
    for (const name of ["tree-sitter", "tree-sitter-python", "diff"]) assert.ok(loaded.has(name), `${name} was not loaded`);
    for (const name of ["smol-toml", "iconv-lite", "ignore", "picomatch"]) assert.ok(!loaded.has(name), `${name} was loaded`);
  } finally {
    removeTree(root);
  }
});
