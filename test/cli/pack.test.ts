// `npm pack` makes a package that works from a clean install: packed from a copy of the working
// tree (its `prepare` builds there), installed into an empty folder from the registry without
// TypeScript, then run with npx, imported by name, and type-checked through `exports`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "../helpers/paths.js";
import { removeTree } from "../helpers/tree.js";
import { cleanEnv, copyWorkingTree, npm, registryReachable } from "../helpers/package.js";

const { version } = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
const TARBALL = `bindfix-${version}.tgz`;
const BIND = 'import socket\ns = socket.socket()\ns.bind(("0.0.0.0", 8000))\n';

let tree = "";
let packDir = "";
let packRun: ReturnType<typeof npm>;

before(() => {
  tree = copyWorkingTree();
  packDir = mkdtempSync(path.join(os.tmpdir(), "bindfix-tgz-"));
  packRun = npm(["pack", "--pack-destination", packDir], tree);
});

after(() => {
  removeTree(tree);
  removeTree(packDir);
});

test("npm pack builds through prepare and prints only the tarball name on stdout", () => {
  assert.equal(packRun.status, 0, packRun.stderr);
  // pre-commit before 4.4 installs a node hook from `npm pack`'s stdout, taken as the file name.
  assert.equal(packRun.stdout.trim(), TARBALL);
  assert.ok(existsSync(path.join(packDir, TARBALL)));
});

test("the tarball holds the compiled CLI, engine, transforms and types, and no tests or sources", () => {
  const listing = spawnSync("tar", ["tzf", path.join(packDir, TARBALL)]).stdout.toString("utf8").split("\n").filter(Boolean);
  for (const required of [
    "package/package.json",
    "package/dist/src/cli.js",
    "package/dist/src/index.js",
    "package/dist/src/index.d.ts",
    "package/dist/src/api.d.ts",
    "package/dist/transforms/index.js",
  ]) {
    assert.ok(listing.includes(required), `${required} is missing`);
  }
  if (existsSync(path.join(repoRoot, "README.md"))) assert.ok(listing.includes("package/README.md"));
  const unwanted = listing.filter((file) => /^package\/(src|test|bench|fixtures|dist\/test|dist\/bench)\/|\.npmrc$|\.tgz$/.test(file));
  assert.deepEqual(unwanted, []);
});

test("a clean install of the tarball works without TypeScript: npx bindfix, import and types", { timeout: 600_000 }, (t) => {
  if (packRun.status !== 0) return t.skip("npm pack failed (see the test above)");
  if (!registryReachable()) {
    process.stderr.write("# pack.test: the npm registry is unreachable; skipping the clean-install check\n");
    return t.skip("the npm registry is unreachable");
  }
  const consumer = mkdtempSync(path.join(os.tmpdir(), "bindfix-consumer-"));
  try {
    writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    const install = npm(["install", "--no-audit", "--no-fund", path.join(packDir, TARBALL)], consumer);
    assert.equal(install.status, 0, install.stderr);
    assert.ok(existsSync(path.join(consumer, "node_modules/bindfix/dist/src/cli.js")));
    assert.ok(!existsSync(path.join(consumer, "node_modules/typescript")), "a consumer install must not need TypeScript");

    const npx = (args: string[]) => spawnSync("npx", ["--no-install", "bindfix", ...args], { cwd: consumer, env: cleanEnv(), timeout: 60_000 });
    const help = npx(["--help"]);
    assert.equal(help.status, 0, help.stderr.toString());
    assert.match(help.stdout.toString(), /^bindfix — /);
    assert.equal(npx(["--version"]).stdout.toString(), `${version}\n`);

    writeFileSync(path.join(consumer, "server.py"), BIND);
    const dry = npx(["server.py"]);
    assert.equal(dry.status, 1, dry.stderr.toString());
    assert.match(dry.stdout.toString(), /^diff --git a\/server\.py b\/server\.py\n[\s\S]*\+import os\n/);
    assert.equal(readFileSync(path.join(consumer, "server.py"), "utf8"), BIND);

    const script = 'import { scan, fix } from "bindfix"; const r = await scan(process.argv[1]); const f = await fix(process.argv[1]); console.log(r.findings.length, f.changed);';
    const imported = spawnSync(process.execPath, ["--input-type=module", "-e", script, BIND], { cwd: consumer, env: cleanEnv() });
    assert.equal(imported.stdout.toString(), "1 true\n", imported.stderr.toString());

    // The published types resolve through `exports` for a TypeScript consumer (using this repo's tsc).
    writeFileSync(
      path.join(consumer, "consumer.ts"),
      'import { scan, fix, type ReportedFinding, type FixOptions } from "bindfix";\n' +
        "const options: FixOptions = { envVar: \"APP_HOST\", rules: [\"socket-bind\"] };\n" +
        "const findings: ReportedFinding[] = (await scan(\"x = 1\\n\", options)).findings;\n" +
        "const text: string = (await fix(\"x = 1\\n\")).text;\n" +
        "const files: number = (await fix({ paths: [\".\"] })).files.length;\n" +
        "export { findings, text, files };\n",
    );
    writeFileSync(
      path.join(consumer, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ["consumer.ts"] }),
    );
    const tsc = spawnSync(process.execPath, [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", "."], { cwd: consumer, env: cleanEnv() });
    assert.equal(tsc.status, 0, tsc.stdout.toString() + tsc.stderr.toString());
  } finally {
    removeTree(consumer);
  }
});
