// `<sock>.bind((host, port))`: a raw socket bound to all interfaces. The family comes from the
// socket's creation in the same scope; multicast and broadcast sockets are left to a person.
import { callTransform } from "../src/transform.js";

export default callTransform({
  id: "socket-bind",
  summary: "socket.bind() on an address tuple whose host is all interfaces",
  needles: /\.bind\s*\(/,
  apis: [
    {
      callee: "bind",
      address: { index: 0 },
      // Only a tuple/list address is a socket address: Tk's `widget.bind("<Key>", cb)` never matches.
      family: "receiver-socket",
      message: "socket bound to all interfaces",
    },
  ],
});
