// Turns a host site into a finding with its edit: status (suppressed / manual / fixable), the safe
// default for the socket's family, the literal's own quote character, and the file's `os` name.
import type { Finding, RewriteOptions, SyntaxNode } from "./types.js";
import type { Analysis } from "./analysis/index.js";
import type { Family } from "./analysis/families.js";
import type { HostSite } from "./analysis/hosts.js";
import { enclosingStatement, isIpv6Spelling, rawString } from "./analysis/syntax.js";

export interface FindingSpec {
  rule: string;
  message: string;
  /** What the API or the socket says about the address family, when anything. */
  family?: Family;
  /** A reason the bind must not move to loopback (multicast, broadcast). */
  manual?: string;
}

export function buildFinding(site: HostSite, spec: FindingSpec, analysis: Analysis): Finding {
  const base = { rule: spec.rule, start: site.literal.startIndex, end: site.literal.endIndex, host: site.value, message: spec.message };
  const marker = suppressionFor(site, analysis.suppressions);
  if (marker) return { ...base, status: "suppressed", reason: `suppressed by \`# ${marker}\``, edits: [], requires: [] };
  const manual =
    site.manual ??
    spec.manual ??
    (spec.family?.kind === "unresolved"
      ? `the address family \`${spec.family.expression}\` cannot be resolved, so neither loopback default is known to be right`
      : undefined);
  if (manual) return { ...base, status: "manual", reason: manual, edits: [], requires: [] };

  const ipv6 = spec.family?.kind === "ipv6" || site.bracketed === true || isIpv6Spelling(site.value);
  const text = replacementText(site, ipv6, analysis.options, analysis.os.name);
  const requires: Finding["requires"] = site.form === "plain" ? ["os"] : [];
  return { ...base, status: "fixable", edits: [{ start: base.start, end: base.end, text }], requires };
}

/** The source text that replaces the literal. */
export function replacementText(site: HostSite, ipv6: boolean, options: RewriteOptions, osName: string): string {
  const parts = rawString(site.literal)!;
  const quote = parts.quote[0]!;
  const fallback = ipv6 ? options.defaultHost6 : options.defaultHost;
  const quoted = (value: string): string => `${quote}${value}${quote}`;
  if (site.form === "env-default") {
    // Keep the user's literal (prefix, quotes) and change only its value.
    const host = site.bracketed ? `[${fallback}]` : fallback;
    const value = site.port === undefined ? host : `${host}:${site.port}`;
    const opening = site.literal.text.slice(0, parts.prefix.length + parts.quote.length);
    return opening + value + parts.quote;
  }
  const lookup = `${osName}.environ.get(${quoted(options.envVar)}, ${quoted(fallback)})`;
  if (site.port === undefined && !site.bracketed) return lookup;
  // `"[::]"` keeps its brackets; `"0.0.0.0:" + port` keeps its bare colon (port ""); the rest of an
  // f-string keeps its prefix and quotes, since its replacement fields may contain the quote character.
  const tail = site.port === undefined ? "" : `:${site.port}`;
  const rest = (value: string): string => (parts.interpolated ? `${parts.prefix}${parts.quote}${value}${parts.quote}` : quoted(value));
  return site.bracketed ? `${quoted("[")} + ${lookup} + ${rest(`]${tail}`)}` : `${lookup} + ${rest(tail)}`;
}

function suppressionFor(site: HostSite, rows: Map<number, string>): string | undefined {
  if (rows.size === 0) return undefined;
  const candidates = new Set<number>();
  const add = (node: SyntaxNode): void => {
    candidates.add(node.startPosition.row);
    candidates.add(enclosingStatement(node).startPosition.row);
  };
  add(site.literal);
  site.anchors.forEach(add);
  for (const row of candidates) {
    const marker = rows.get(row);
    if (marker) return marker;
  }
  return undefined;
}
