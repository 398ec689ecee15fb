// Runs a Node script in this process and reports its CPU time and peak memory (worker threads
// included) on file descriptor 3: the benchmark's stand-in for /usr/bin/time where there is none.
import { writeSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0]!, script!, ...args];
process.on("exit", () => {
  const usage = process.resourceUsage();
  writeSync(3, JSON.stringify({ user: usage.userCPUTime / 1e6, system: usage.systemCPUTime / 1e6, maxRssKiB: usage.maxRSS }));
});
await import(pathToFileURL(script!).href);
