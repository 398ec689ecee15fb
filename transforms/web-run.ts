// Web frameworks and application servers started on all interfaces: Flask/Quart/Sanic/Dash
// `app.run(host=...)`, Flask-SocketIO, uvicorn, aiohttp, waitress, bottle, werkzeug, Tornado, Gradio.
import { callTransform, type BindingApi } from "../src/transform.js";
import { argumentAt, callArguments, type CallArguments } from "../src/analysis/syntax.js";
import type { Family } from "../src/analysis/families.js";
import type { SyntaxNode } from "../src/types.js";
import type { Analysis } from "../src/analysis/index.js";
import { isHostLike, isPortLike, isStringLike, mayBeHostLike, mayBePortLike, receiverOf } from "./shared/shapes.js";
import type { WrittenArguments } from "../src/host-flow.js";

/** Keywords only a development server's `run` takes: evidence that `x.run("")` starts one. */
const SERVER_RUN_KEYWORDS = ["port", "debug", "threaded", "use_reloader", "ssl_context", "workers", "load_dotenv", "access_log"];

/**
 * `app.run("0.0.0.0", 5000)`: a positional host only where the call reads as a server start, so a
 * command runner's `shell.run("")` never matches.
 */
function positionalServerRun(args: CallArguments): boolean {
  if (args.keywords.has("host")) return false;
  return isPortLike(args.positional[1]) || isHostLike(args.positional[0]) || SERVER_RUN_KEYWORDS.some((keyword) => args.keywords.has(keyword));
}

/** `positionalServerRun` as the prefilter asks it, of the arguments as written. */
function mayBePositionalServerRun(args: WrittenArguments): boolean {
  if (args.unpacked) return true;
  if (args.keywords.has("host")) return false;
  return mayBePortLike(args.positional[1]) || mayBeHostLike(args.positional[0]) || SERVER_RUN_KEYWORDS.some((keyword) => args.keywords.has(keyword));
}

/**
 * Tornado `listen(port, address)` / `bind(port, address)`: the first argument must read as a port,
 * so Tk's `widget.bind("<Key>", "")`, python-ldap's `conn.bind(dn, "")` and `sock.listen(5)` never match.
 */
function tornadoShape(args: CallArguments, _call: SyntaxNode, analysis: Analysis): boolean {
  const first = args.positional[0] ?? args.keywords.get("port");
  return !!first && isPortLike(first) && !isStringLike(first, analysis);
}

/** `tornadoShape` as the prefilter asks it, of the arguments as written. */
function mayBeTornadoShape(args: WrittenArguments): boolean {
  return args.unpacked || mayBePortLike(args.positional[0] ?? args.keywords.get("port"));
}

/** Tornado's `family` (third positional or `family=`); `AF_UNSPEC`, its default, binds IPv4 and IPv6 alike. */
function tornadoFamily(call: SyntaxNode, analysis: Analysis): Family | undefined {
  const argument = argumentAt(callArguments(call), 2, "family");
  return argument ? analysis.sockets.familyOf(argument) : undefined;
}

/** The receiver of Flask-SocketIO's `run`, as it is usually named. */
const SOCKETIO = /socketio|\bsio\b/i;

const run: BindingApi[] = [
  {
    // Flask, Quart, Sanic, Dash, Flask-SocketIO `socketio.run(app, host=...)`, uvicorn.run, bottle.run.
    callee: /^(run|run_server)$/,
    host: { keyword: "host" },
    modules: ["uvicorn", "bottle"],
    message: "web server started on all interfaces",
  },
  {
    callee: /^(run|run_server)$/,
    host: { index: 0 },
    modules: [],
    when: positionalServerRun,
    whenWritten: mayBePositionalServerRun,
    message: "web server started on all interfaces",
  },
  {
    // Flask-SocketIO: `socketio.run(app, host, port)`.
    callee: "run",
    host: { index: 1 },
    modules: [],
    when: (args, call) => !args.keywords.has("host") && SOCKETIO.test(receiverOf(call)?.text ?? ""),
    whenWritten: (args) => args.unpacked || (!args.keywords.has("host") && args.beforeMatches(SOCKETIO)),
    message: "web server started on all interfaces",
  },
];

export default callTransform({
  id: "web-run",
  summary: "web frameworks and app servers (Flask, uvicorn, aiohttp, waitress, bottle, werkzeug, Tornado, Gradio) on all interfaces",
  needles: /\b(run|run_server|Config|run_app|serve|TCPSite|run_simple|listen|bind|bind_sockets|launch)\b/,
  apis: [
    ...run,
    {
      callee: "Config",
      host: { index: 1, keyword: "host" },
      modules: ["uvicorn"],
      message: "uvicorn configured to listen on all interfaces",
    },
    {
      callee: "run_app",
      host: { keyword: "host" },
      modules: ["aiohttp"],
      message: "aiohttp application started on all interfaces",
    },
    {
      callee: "TCPSite",
      host: { index: 1, keyword: "host" },
      modules: ["aiohttp"],
      message: "aiohttp site listening on all interfaces",
    },
    {
      callee: "serve",
      host: { keyword: "host" },
      modules: ["waitress"],
      message: "waitress serving on all interfaces",
    },
    {
      // waitress.serve(app, listen="0.0.0.0:8080"): a "host:port" string.
      callee: "serve",
      hostPort: { keyword: "listen" },
      modules: ["waitress"],
      message: "waitress serving on all interfaces",
    },
    {
      callee: "run_simple",
      host: { index: 0, keyword: "hostname" },
      modules: ["werkzeug"],
      message: "werkzeug development server on all interfaces",
    },
    {
      callee: /^(listen|bind)$/,
      host: { index: 1, keyword: "address" },
      modules: [],
      when: tornadoShape,
      whenWritten: mayBeTornadoShape,
      family: tornadoFamily,
      message: "Tornado server listening on all interfaces",
    },
    {
      callee: "bind_sockets",
      host: { index: 1, keyword: "address" },
      modules: ["tornado"],
      family: tornadoFamily,
      message: "Tornado sockets bound to all interfaces",
    },
    {
      // Gradio: `demo.launch(server_name="0.0.0.0")`.
      callee: "launch",
      host: { keyword: "server_name" },
      modules: [],
      message: "Gradio app launched on all interfaces",
    },
  ],
});
