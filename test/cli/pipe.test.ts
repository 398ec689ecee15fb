// A reader that closes the pipe early (`bindfix . | head -1`): bindfix ends quietly with 141, the
// status a shell reports for SIGPIPE, and never prints a stack trace.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cliPath, fixturesDir } from "../helpers/paths.js";
import { copyTree, removeTree } from "../helpers/tree.js";

test("a closed stdout ends the run quietly, with 141 (or its own status if it had finished), never a stack trace", async () => {
  const root = copyTree(fixturesDir);
  try {
    for (const args of [["."], ["--write", "--json", "."]]) {
      const child = spawn(process.execPath, [cliPath, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
      // Read one chunk, then close our end, as `head -c` would.
      child.stdout.once("data", () => child.stdout.destroy());
      const status = await new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
      assert.ok(status === 141 || status === 0 || status === 1, `${args.join(" ")}: exit ${status}\n${stderr}`);
      assert.doesNotMatch(stderr, /\n\s+at |EPIPE|Unhandled/, `${args.join(" ")}: ${stderr}`);
    }
  } finally {
    removeTree(root);
  }
});
