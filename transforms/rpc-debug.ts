// Side doors a service opens besides its main port: gRPC servers, remote debuggers (debugpy,
// ptvsd), Prometheus metrics endpoints and RPyC servers, bound to all interfaces.
import { callTransform } from "../src/transform.js";
import { isFunctionCall } from "./shared/shapes.js";

export default callTransform({
  id: "rpc-debug",
  summary: "gRPC add_insecure_port, debugpy/ptvsd, prometheus_client and RPyC servers on all interfaces",
  needles: /add_insecure_port|add_secure_port|listen|enable_attach|start_http_server|start_wsgi_server|Server/,
  apis: [
    {
      // grpc.server(...).add_insecure_port("[::]:50051"), also grpc.aio servers.
      callee: /^add_(insecure|secure)_port$/,
      hostPort: { index: 0, keyword: "address" },
      modules: [],
      message: "gRPC server listening on all interfaces",
    },
    {
      callee: "listen",
      address: { index: 0, keyword: "address" },
      modules: ["debugpy"],
      when: (_args, call, analysis) => isFunctionCall(call, analysis),
      message: "remote debugger listening on all interfaces: anyone who reaches it can run code",
    },
    {
      callee: "enable_attach",
      address: { index: 0, keyword: "address" },
      modules: ["ptvsd"],
      message: "remote debugger listening on all interfaces: anyone who reaches it can run code",
    },
    {
      // prometheus_client.start_http_server(port, addr="0.0.0.0"); its default is all interfaces too.
      callee: /^start_(http|wsgi)_server$/,
      host: { index: 1, keyword: "addr" },
      modules: ["prometheus_client"],
      message: "metrics endpoint on all interfaces",
    },
    {
      // rpyc.utils.server.ThreadedServer(Service, hostname="0.0.0.0", port=18861)
      callee: /Server$/,
      host: { keyword: "hostname" },
      modules: ["rpyc"],
      message: "RPyC server listening on all interfaces",
    },
  ],
});
