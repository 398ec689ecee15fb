// Twisted servers: `reactor.listenTCP/listenUDP/listenSSL(..., interface=...)`, the server
// endpoints and `twisted.application.internet.TCPServer(..., interface=...)`.
import { callTransform, type BindingApi } from "../src/transform.js";

const message = "Twisted server listening on all interfaces";

/** Each API with the position of its `interface` argument. */
const listeners: Array<[string, number, string[]]> = [
  ["listenTCP", 3, []],
  ["listenUDP", 2, []],
  ["listenSSL", 4, []],
  ["TCPServer", 3, ["twisted"]],
  ["UDPServer", 2, ["twisted"]],
  ["SSLServer", 4, ["twisted"]],
  ["TCP4ServerEndpoint", 3, ["twisted"]],
  ["SSL4ServerEndpoint", 4, ["twisted"]],
];

const apis: BindingApi[] = listeners.map(([callee, index, modules]) => ({
  callee,
  host: { index, keyword: "interface" },
  modules,
  message,
}));

apis.push({
  callee: "TCP6ServerEndpoint",
  host: { index: 3, keyword: "interface" },
  modules: ["twisted"],
  family: () => ({ kind: "ipv6" }),
  message,
});

export default callTransform({
  id: "twisted",
  summary: "Twisted listenTCP/listenUDP/listenSSL, server endpoints and internet.*Server on all interfaces",
  needles: /listenTCP|listenUDP|listenSSL|ServerEndpoint|TCPServer|UDPServer|SSLServer/,
  apis,
});
