// Dependencies that many runs never call, loaded on first use instead of at start-up. Each costs
// 10–30 ms to load, and start-up is most of a pre-commit run over a few clean files.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** A loader for a CommonJS package (or a package's CommonJS build): `require(id)`, once. */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
