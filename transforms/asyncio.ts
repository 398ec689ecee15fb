// asyncio servers: `asyncio.start_server(cb, host, port)`, `<loop>.create_server(factory, host,
// port)`, `<loop>.create_datagram_endpoint(factory, local_addr=(host, port))`, and websockets'
// `serve(handler, host, port)`, which passes its host and `family=` straight to `create_server`.
import { callTransform } from "../src/transform.js";

export default callTransform({
  id: "asyncio",
  summary: "asyncio start_server / create_server / create_datagram_endpoint and websockets.serve on all interfaces",
  needles: /start_server|create_server|create_datagram_endpoint|serve/,
  apis: [
    {
      callee: "start_server",
      host: { index: 1, keyword: "host" },
      modules: ["asyncio"],
      family: "family-argument",
      message: "asyncio server listening on all interfaces",
    },
    {
      // Only the event loop's method: `socket.create_server(addr)` has no host argument.
      callee: "create_server",
      host: { index: 1, keyword: "host" },
      modules: [],
      family: "family-argument",
      message: "asyncio server listening on all interfaces",
    },
    {
      callee: "create_datagram_endpoint",
      address: { index: 1, keyword: "local_addr" },
      modules: [],
      family: "family-argument",
      message: "asyncio datagram endpoint bound to all interfaces",
    },
    {
      callee: "serve",
      host: { index: 1, keyword: "host" },
      modules: ["websockets"],
      family: "family-argument",
      message: "websockets server listening on all interfaces",
    },
  ],
});
