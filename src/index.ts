// The programmatic API: `import { scan, fix } from "bindfix"`, plus the engine's building blocks
// for tools that want to drive transforms themselves.
export { scan, fix, type Input, type ScanOptions, type FixOptions, type ScanReport, type TextFix, type FileFix, type PathsFix } from "./api.js";
export type { ReportedFinding } from "./run.js";
export { UsageError } from "./options.js";
export { scanText, type ScannedFile, type ScanInput } from "./engine.js";
export { transforms, transformById } from "../transforms/index.js";
export type { Finding, Edit, FindingStatus, RewriteOptions, FileError } from "./types.js";
export { DEFAULT_REWRITE } from "./types.js";
export type { Transform, BindingApi } from "./transform.js";
