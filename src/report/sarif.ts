// The `--sarif` log: SARIF 2.1.0 with one rule per transform, one result per finding, suppressions
// for `# nosec`-style markers and each fix as `artifactChanges`, so GitHub code scanning can show them.
import { pathToFileURL } from "node:url";
import type * as Sarif from "sarif";
import type { FileError, RewriteOptions } from "../types.js";
import type { FileOutcome, ReportedFinding } from "../run.js";

/** What the log needs of one file's outcome: its findings and the `import os` line their fixes add. */
export type SarifFile = Pick<FileOutcome, "findings" | "importInsertion">;

export interface SarifInput {
  files: readonly SarifFile[];
  /** Files that could not be read, decoded, parsed or written, and findings that could not be fixed. */
  errors: readonly FileError[];
  transforms: readonly { id: string; summary: string }[];
  version: string;
  /** Finding paths are relative to this directory; it becomes `%SRCROOT%`. */
  cwd: string;
  rewrite: RewriteOptions;
}

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
export const INFORMATION_URI = "https://www.npmjs.com/package/bindfix";
const SRCROOT = "%SRCROOT%";
const CWE_1327 = "https://cwe.mitre.org/data/definitions/1327.html";

export function sarifLog(input: SarifInput): Sarif.Log {
  const rules = input.transforms.map((transform) => ruleFor(transform, input.rewrite));
  const ruleIndex = new Map(input.transforms.map((transform, index) => [transform.id, index]));
  const located = input.files.flatMap((file) =>
    file.findings.map((finding) => ({ finding, insertion: needsImport(file, finding) ? file.importInsertion : undefined })),
  );
  // The order of the JSON report: path, then line, then column.
  located.sort(({ finding: a }, { finding: b }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column));
  const results = located.map(({ finding, insertion }) => resultFor(finding, ruleIndex.get(finding.rule), insertion));
  const invocation: Sarif.Invocation = {
    executionSuccessful: input.errors.length === 0,
    workingDirectory: { uri: directoryUri(input.cwd) },
  };
  if (input.errors.length > 0) invocation.toolExecutionNotifications = input.errors.map(notificationFor);
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "bindfix", version: input.version, semanticVersion: input.version, informationUri: INFORMATION_URI, rules } },
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(input.cwd) } },
        // Columns count UTF-16 code units, as tree-sitter offsets in a JS string do (and SARIF's default).
        columnKind: "utf16CodeUnits",
        invocations: [invocation],
        results,
      },
    ],
  };
}

/** By position, not identity: outcomes may have crossed a worker thread (a structured clone). */
function needsImport(file: SarifFile, finding: ReportedFinding): boolean {
  return file.importInsertion?.neededBy.some((other) => other.line === finding.line && other.column === finding.column) ?? false;
}

function ruleFor(transform: { id: string; summary: string }, rewrite: RewriteOptions): Sarif.ReportingDescriptor {
  const lookup = `os.environ.get("${rewrite.envVar}", "${rewrite.defaultHost}")`;
  const helpText =
    `Binding to all interfaces (0.0.0.0, ::, "") exposes the service on every network the host is attached to. ` +
    `Read the host from the environment with a loopback default: replace the literal with ${lookup} ` +
    `(${rewrite.defaultHost6} for IPv6 sockets), and set ${rewrite.envVar}=0.0.0.0 only where all-interface ` +
    `binding is wanted, e.g. inside a container. \`bindfix --write\` makes this change. If the bind is intended, ` +
    `mark the line with \`# bindfix: ignore\` (or \`# nosec B104\`, \`# noqa: S104\`).`;
  const helpMarkdown = [
    `Binding a server or socket to all interfaces (\`0.0.0.0\`, \`::\`, \`""\`) exposes it on every network the host is attached to ([CWE-1327](${CWE_1327})).`,
    "",
    "**Remediation**: read the host from the environment with a loopback default:",
    "",
    "```python",
    `sock.bind((${lookup}, 8000))`,
    "```",
    "",
    `IPv6 sockets default to \`${rewrite.defaultHost6}\`. Set \`${rewrite.envVar}=0.0.0.0\` where all-interface binding is wanted (e.g. inside a container).`,
    "`bindfix --write` applies this change, adding `import os` where needed.",
    "",
    "If the bind is intended, mark the line with `# bindfix: ignore` (also honoured: `# nosec B104`, `# noqa: S104`, `# nosemgrep`).",
  ].join("\n");
  return {
    id: transform.id,
    name: pascalCase(transform.id),
    shortDescription: { text: `Bind to all network interfaces: ${transform.summary}` },
    fullDescription: {
      text:
        `Finds ${transform.summary}. A server bound to all interfaces accepts connections from every network ` +
        `the host is attached to, not only from the machine itself (CWE-668, CWE-1327; OWASP A05:2021 Security Misconfiguration).`,
    },
    help: { text: helpText, markdown: helpMarkdown },
    helpUri: CWE_1327,
    defaultConfiguration: { level: "warning" },
    properties: {
      tags: ["security", "external/cwe/cwe-668", "external/cwe/cwe-1327", "external/owasp/a05"],
      // CodeQL's py/bind-socket-all-network-interfaces uses 6.5 (medium): network exposure whose
      // impact depends on what the service does, which a bind site alone cannot tell.
      "security-severity": "6.5",
      // Exact literal values reaching known binding APIs: false positives are rare.
      precision: "high",
    },
  };
}

function resultFor(finding: ReportedFinding, ruleIndex: number | undefined, insertion: FileOutcome["importInsertion"]): Sarif.Result {
  const location = artifactLocation(finding.path);
  const region: Sarif.Region = {
    startLine: finding.line,
    startColumn: finding.column,
    endLine: finding.endLine,
    endColumn: finding.endColumn,
  };
  const result: Sarif.Result = {
    ruleId: finding.rule,
    level: "warning",
    message: { text: messageFor(finding) },
    locations: [{ physicalLocation: { artifactLocation: location, region } }],
    properties: { status: finding.status, fixed: finding.fixed, host: finding.host },
  };
  if (ruleIndex !== undefined) result.ruleIndex = ruleIndex;
  if (finding.status === "suppressed") {
    result.suppressions = [{ kind: "inSource", justification: finding.reason ?? "suppressed in source" }];
  }
  if (finding.fixed) {
    // The code no longer has the problem: the rule now passes there (SARIF: a non-"fail" kind has level "none").
    result.kind = "pass";
    result.level = "none";
  } else if (finding.status === "fixable" && finding.replacement !== undefined) {
    // Replacements are listed from the end of the file backwards, so applying them one after the
    // other and applying them all to the original text give the same result.
    const replacements: Sarif.Replacement[] = [{ deletedRegion: region, insertedContent: { text: finding.replacement } }];
    if (insertion) {
      replacements.push({
        deletedRegion: { startLine: insertion.line, startColumn: insertion.column, endLine: insertion.line, endColumn: insertion.column },
        insertedContent: { text: insertion.text },
      });
    }
    result.fixes = [
      {
        description: { text: `Replace ${JSON.stringify(finding.host)} with ${finding.replacement}${insertion ? " and add `" + insertion.text.trim() + "`" : ""}` },
        artifactChanges: [{ artifactLocation: location, replacements }],
      },
    ];
  }
  return result;
}

function messageFor(finding: ReportedFinding): string {
  const base = `${finding.message} (${JSON.stringify(finding.host)})`;
  if (finding.fixed) return `${base}; fixed: rewritten to ${finding.replacement}`;
  switch (finding.status) {
    case "fixable":
      return `${base}; fix: replace it with ${finding.replacement}`;
    case "manual":
      return `${base}; not rewritten: ${finding.reason ?? "needs a person's decision"}`;
    case "suppressed":
      return `${base}; ${finding.reason ?? "suppressed in source"}`;
  }
}

function notificationFor(error: FileError): Sarif.Notification {
  return {
    level: "error",
    message: { text: `${error.path}: ${error.message}` },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(error.path) } }],
  };
}

/** A relative URI reference for a `/`-separated path (percent-encoded per segment), based at %SRCROOT%. */
function artifactLocation(path: string): Sarif.ArtifactLocation {
  return { uri: path.split("/").map(encodeURIComponent).join("/"), uriBaseId: SRCROOT };
}

function directoryUri(directory: string): string {
  const uri = pathToFileURL(directory).href;
  return uri.endsWith("/") ? uri : uri + "/";
}

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
const pascalCase = (id: string): string => id.split(/[-_]/).map(capitalize).join("");
