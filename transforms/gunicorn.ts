// gunicorn configuration modules: `bind = "0.0.0.0:8000"` (or a list of such strings) at module
// level, in a file that is a gunicorn config by its name or by the other settings it assigns.
import type { Transform } from "../src/transform.js";
import type { Analysis } from "../src/analysis/index.js";
import type { Finding, SyntaxNode } from "../src/types.js";
import { mayHoldHostLiteral, mayReachName } from "../src/prefilter.js";
import { tokenFollows } from "../src/analysis/locate.js";
import { buildFinding } from "../src/rewrite.js";
import { unparenthesize } from "../src/analysis/syntax.js";
import { appendAll } from "../src/append.js";

const RULE = "gunicorn";

/** gunicorn.conf.py, gunicorn_config.py, gunicorn-prod.py, ... */
const CONFIG_FILE = /(^|[\\/])gunicorn[^\\/]*\.pyw?$/i;

/**
 * Settings (and server hooks) that mark a module as a gunicorn config when it also assigns `bind`;
 * `bind` alone is too common a name to say so.
 */
const SETTINGS = new Set([
  "workers", "worker_class", "threads", "timeout", "graceful_timeout", "keepalive", "accesslog", "errorlog",
  "loglevel", "access_log_format", "preload_app", "wsgi_app", "daemon", "pidfile", "worker_connections",
  "max_requests", "max_requests_jitter", "backlog", "proc_name", "raw_env", "capture_output", "forwarded_allow_ips",
  "worker_tmp_dir", "limit_request_line", "certfile", "keyfile", "reload", "chdir",
  "on_starting", "when_ready", "pre_fork", "post_fork", "post_worker_init", "worker_int", "worker_abort", "on_exit",
]);

/** The name `bind` where a binding puts it: before `=`, `:`, `+=`, or inside a target list. */
const BIND_TARGET = tokenFollows(/\bbind/, /[=:,)\]]|\+=/);
/** `bind += [...]`: values the prefilter's flow test does not follow (it reads `=` only). */
const BIND_EXTENDED = tokenFollows(/\bbind/, /\+=/);

function isGunicornConfig(analysis: Analysis): boolean {
  if (CONFIG_FILE.test(analysis.file.path)) return true;
  const assigned = analysis.names.module.bindings;
  return [...SETTINGS].some((name) => assigned.has(name));
}

/** The values assigned to `bind` at module level: `bind = ...`, and each string of `bind += [...]`. */
function boundValues(analysis: Analysis): SyntaxNode[] {
  const values: SyntaxNode[] = [];
  for (const binding of analysis.names.module.bindings.get("bind") ?? []) {
    let value = binding.value;
    if (!value && binding.node.type === "augmented_assignment" && binding.node.childForFieldName("operator")?.text === "+=") {
      value = binding.node.childForFieldName("right") ?? undefined;
    }
    if (!value) continue;
    const inner = unparenthesize(value);
    const elements = inner.type === "list" || inner.type === "tuple" ? inner.namedChildren.filter((child) => child.type !== "comment") : [inner];
    appendAll(values, elements);
  }
  return values;
}

const gunicorn: Transform = {
  id: RULE,
  summary: "gunicorn config `bind = \"0.0.0.0:8000\"` (string, list, environment default)",
  // `bind` as an assignment target (`bind =`, `bind: str =`, `bind +=`, `bind, workers =`, `as bind:`).
  // And a literal that reads as a "host:port" on an all-interfaces host (`"0.0.0.0:8000"`, `":8000"`),
  // that may be what `bind` is set to.
  mayMatch: (text) => mayHoldHostLiteral(text, "hostPort", BIND_TARGET) && (BIND_EXTENDED(text) || mayReachName(text, "bind", "hostPort")),
  find(analysis) {
    const values = boundValues(analysis);
    if (values.length === 0 || !isGunicornConfig(analysis)) return [];
    const findings: Finding[] = [];
    for (const value of values) {
      for (const site of analysis.hosts.hostPort(value)) {
        findings.push(buildFinding(site, { rule: RULE, message: "gunicorn bound to all interfaces" }, analysis));
      }
    }
    return findings;
  },
};

export default gunicorn;
