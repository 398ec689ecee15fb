// The programmatic API: `import { scan, fix } from "bindfix"`.
export { scanText, type ScannedFile, type ScanInput } from "./engine.js";
export { transforms, transformById } from "../transforms/index.js";
export type { Finding, Edit, FindingStatus, RewriteOptions, FileError } from "./types.js";
export { DEFAULT_REWRITE } from "./types.js";
export type { Transform, BindingApi } from "./transform.js";
