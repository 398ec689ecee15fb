// CherryPy configuration: a `'server.socket_host': <host>` entry in any dict literal (config.update,
// quickstart/tree.mount configs, nested sections) and `cherrypy.server.socket_host = <host>`.
import type { Transform } from "../src/transform.js";
import type { Finding, SyntaxNode } from "../src/types.js";
import type { Analysis } from "../src/analysis/index.js";
import { mayHoldHostLiteral } from "../src/prefilter.js";
import { buildFinding } from "../src/rewrite.js";
import { stringParts } from "../src/analysis/syntax.js";

const RULE = "cherrypy";
const KEY = "server.socket_host";

function isKey(node: SyntaxNode | null): boolean {
  return !!node && stringParts(node)?.value === KEY;
}

/** The host expressions CherryPy is configured with in this file. */
function hostExpressions(analysis: Analysis): SyntaxNode[] {
  const hosts: SyntaxNode[] = [];
  for (const node of analysis.root.descendantsOfType(["pair", "assignment"])) {
    if (node.type === "pair") {
      const value = node.childForFieldName("value");
      if (value && isKey(node.childForFieldName("key"))) hosts.push(value);
      continue;
    }
    const left = node.childForFieldName("left");
    let right = node.childForFieldName("right");
    // `cherrypy.server.socket_host = host = "0.0.0.0"`: every target gets the innermost value.
    while (right?.type === "assignment") right = right.childForFieldName("right");
    if (!left || !right) continue;
    // `cherrypy.server.socket_host = ...`, `server.socket_host = ...` on a cherrypy Server object.
    const attribute = left.type === "attribute" && left.childForFieldName("attribute")?.text === "socket_host";
    // `cherrypy.config["server.socket_host"] = ...`
    const subscript = left.type === "subscript" && isKey(left.childForFieldName("subscript"));
    if (attribute || subscript) hosts.push(right);
  }
  return hosts;
}

const cherrypy: Transform = {
  id: RULE,
  summary: "CherryPy `server.socket_host` configured to all interfaces",
  mayMatch: (text) => mayHoldHostLiteral(text, "target", (code) => code.includes("socket_host")),
  find(analysis) {
    const findings: Finding[] = [];
    for (const expression of hostExpressions(analysis)) {
      for (const site of analysis.hosts.host(expression)) {
        findings.push(buildFinding(site, { rule: RULE, message: "CherryPy server listening on all interfaces" }, analysis));
      }
    }
    return findings;
  },
};

export default cherrypy;
