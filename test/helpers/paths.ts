// Locations of the repository's folders from the compiled tests (dist/test/...).
import { fileURLToPath } from "node:url";
import path from "node:path";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const fixturesDir = path.join(repoRoot, "fixtures");
export const cliPath = path.join(repoRoot, "dist/src/cli.js");
