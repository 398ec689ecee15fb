// Servers that take an address tuple or a host argument: `socket.create_server`, every `*Server`
// class (`socketserver`, `http.server`, `xmlrpc.server`, gevent, local subclasses), `make_server`,
// `multiprocessing.connection.Listener` and `eventlet.listen`.
import { callTransform } from "../src/transform.js";
import { tokenFollows } from "../src/analysis/locate.js";
import type { SyntaxNode } from "../src/types.js";
import type { Analysis } from "../src/analysis/index.js";
import { argumentAt, type CallArguments } from "../src/analysis/syntax.js";
import { isFunctionCall, isServerSubclass, isSocketlessServer, mayNameServerClass, serverClassFamily } from "./shared/shapes.js";

/** The class called is not a local mock that never binds (see isSocketlessServer). */
function bindsSocket(_args: CallArguments, call: SyntaxNode, analysis: Analysis): boolean {
  return !isSocketlessServer(call.childForFieldName("function") ?? undefined, analysis);
}

export default callTransform({
  id: "stdlib-servers",
  summary: "socket.create_server(), *Server((host, port), ...) classes and make_server() on all interfaces",
  // A `*Server` subclass is defined in the file, so "Server" appears in it even when the call does not.
  needles: /Server|create_server|make_server|Listener|listen/,
  apis: [
    {
      callee: "create_server",
      address: { index: 0, keyword: "address" },
      modules: ["socket"],
      // `loop.create_server(factory, host, port)` is asyncio's, with the host elsewhere.
      when: (_args, call, analysis) => isFunctionCall(call, analysis),
      family: "family-argument",
      message: "socket.create_server() on all interfaces",
    },
    {
      // socketserver.TCPServer, http.server.HTTPServer, SimpleXMLRPCServer, gevent WSGIServer, ...
      callee: /Server$/,
      address: { index: 0, keyword: "server_address" },
      when: bindsSocket,
      family: serverClassFamily,
      message: "server bound to all interfaces",
    },
    {
      callee: /Server$/,
      // gevent's StreamServer/WSGIServer name their address `listener`.
      address: { keyword: "listener" },
      when: bindsSocket,
      family: serverClassFamily,
      message: "server bound to all interfaces",
    },
    {
      // `class Proxy(socketserver.ThreadingTCPServer)` called as `Proxy(("", 8080), Handler)`.
      callee: mayNameServerClass,
      localSubclassOf: "Server",
      address: { index: 0, keyword: "server_address" },
      when: (args, call, analysis) => isServerSubclass(call, analysis) && bindsSocket(args, call, analysis),
      // Some class here lists a `*Server` base (`TCPServer,` `TCPServer)`), or imports one under another name.
      needle: tokenFollows(/Server/, /[,)]|as\b/),
      family: serverClassFamily,
      message: "server bound to all interfaces",
    },
    {
      // wsgiref.simple_server.make_server(host, port, app); werkzeug.serving.make_server has the same shape.
      callee: "make_server",
      host: { index: 0, keyword: "host" },
      modules: ["wsgiref", "werkzeug"],
      // make_server(host, port, app, server_class=WSGIServer, handler_class=...)
      when: (args, _call, analysis) => !isSocketlessServer(argumentAt(args, 3, "server_class"), analysis),
      message: "WSGI server bound to all interfaces",
    },
    {
      callee: "Listener",
      address: { index: 0, keyword: "address" },
      modules: ["multiprocessing"],
      // Its `family` is a string ('AF_INET', 'AF_UNIX'); an address tuple is always IPv4.
      message: "multiprocessing listener bound to all interfaces",
    },
    {
      callee: "listen",
      address: { index: 0, keyword: "addr" },
      modules: ["eventlet"],
      when: (_args, call, analysis) => isFunctionCall(call, analysis),
      // eventlet.listen(addr, family=AF_INET, ...): the family may also be given by position.
      family: (call, analysis) => analysis.sockets.familyArgument(call, 1),
      message: "eventlet listening socket bound to all interfaces",
    },
  ],
});
