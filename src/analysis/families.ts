// What kind of socket a bind applies to: its address family (an IPv6 socket must get "::1", never
// "127.0.0.1") and whether it joins a multicast group or broadcasts (then loopback would break it).
import type { SyntaxNode } from "../types.js";
import type { NameIndex, Scope } from "./names.js";
import type { ModuleImports } from "./imports.js";
import { argumentAt, callArguments, calleeName, dottedName, unparenthesize } from "./syntax.js";

export type Family =
  | { kind: "ipv4" }
  | { kind: "ipv6" }
  /** Either IPv4 or IPv6, resolved by the address itself (`AF_UNSPEC`). */
  | { kind: "unspecified" }
  /** A named family other than IPv4/IPv6 (`AF_UNIX`, `PF_CAN`): its addresses are not IP hosts. */
  | { kind: "not-ip" }
  /** The socket's family is an expression we cannot resolve: neither default is known to be right. */
  | { kind: "unresolved"; expression: string };

const GROUP_OPTIONS = ["IP_ADD_MEMBERSHIP", "IPV6_JOIN_GROUP", "IPV6_ADD_MEMBERSHIP", "MCAST_JOIN_GROUP"];

export class SocketFacts {
  constructor(
    private readonly names: NameIndex,
    private readonly imports: ModuleImports,
  ) {}

  /** `socket.socket(...)`, `socket(...)` after `from socket import socket`, or any alias of it. */
  isSocketConstructor(node: SyntaxNode): boolean {
    if (node.type !== "call") return false;
    const fn = node.childForFieldName("function");
    if (fn?.type === "identifier") {
      const qualified = this.imports.qualified.get(fn.text);
      return qualified ? qualified.endsWith(".socket") && !this.imports.modules.has(fn.text) : fn.text === "socket";
    }
    return calleeName(node) === "socket";
  }

  /** The family an `AF_*` expression names, following names assigned in this file. */
  familyOf(expression: SyntaxNode, depth = 0): Family {
    const node = unparenthesize(expression);
    const name = dottedName(node);
    if (name) {
      const last = name.split(".").pop()!;
      if (last === "AF_INET6" || last === "PF_INET6") return { kind: "ipv6" };
      if (last === "AF_INET" || last === "PF_INET") return { kind: "ipv4" };
      // AF_UNSPEC (asyncio's and Tornado's default) means IPv4 and IPv6 alike: the literal decides.
      if (last === "AF_UNSPEC" || last === "PF_UNSPEC") return { kind: "unspecified" };
      // AF_UNIX, AF_CAN, AF_PACKET, AF_BLUETOOTH...: not an IP socket, so no IP address to fix.
      if (/^[AP]F_[A-Z0-9_]+$/.test(last)) return { kind: "not-ip" };
      if (node.type === "identifier" && depth < 4) {
        const bindings = this.names.resolve(node.text, node);
        const values = bindings?.map((binding) => binding.value);
        if (values && values.length > 0 && values.every((value) => value !== undefined)) {
          const families = values.map((value) => this.familyOf(value!, depth + 1));
          if (families.every((family) => family.kind === families[0]!.kind && family.kind !== "unresolved")) return families[0]!;
        }
      }
    }
    return { kind: "unresolved", expression: node.text };
  }

  /** The family of the `family=` argument of an API call, if it has one. */
  familyArgument(call: SyntaxNode, index?: number): Family | undefined {
    const argument = argumentAt(callArguments(call), index, "family");
    return argument ? this.familyOf(argument) : undefined;
  }

  /**
   * The family of the socket named by `receiver` (`s`, `self.sock`) as created in the scope of
   * `use` (or, for `self.x`, in any method of the class); undefined when no creation is seen.
   */
  socketFamily(receiver: SyntaxNode, use: SyntaxNode): Family | undefined {
    const inline = unparenthesize(receiver);
    const values = inline.type === "call" ? [inline] : this.assignedValues(receiver, use);
    const creations = values.map((value) => unparenthesize(value)).filter((value) => this.isSocketConstructor(value));
    if (creations.length === 0) return undefined;
    const families = creations.map((call) => argumentAt(callArguments(call), 0, "family"));
    const resolved = families.map((argument): Family => (argument ? this.familyOf(argument) : { kind: "ipv4" }));
    const first = resolved[0]!;
    if (resolved.every((family) => family.kind === first.kind)) return first;
    return { kind: "unresolved", expression: families.find(Boolean)?.text ?? receiver.text };
  }

  /** Why binding this socket to loopback would break it (multicast or broadcast), if it would. */
  loopbackBreaks(receiver: SyntaxNode, use: SyntaxNode): string | undefined {
    for (const scope of this.scopesFor(receiver, use)) {
      for (const call of scope.socketOptionCalls) {
        if (calleeName(call) !== "setsockopt") continue;
        const object = call.childForFieldName("function")?.childForFieldName("object");
        if (object?.text !== receiver.text) continue;
        const argumentsText = call.childForFieldName("arguments")?.text ?? "";
        const group = GROUP_OPTIONS.find((option) => argumentsText.includes(option));
        if (group) return `the socket joins a multicast group (${group}); bound to loopback it would receive no group traffic`;
        if (argumentsText.includes("SO_BROADCAST")) {
          return "the socket enables SO_BROADCAST; bound to loopback it could not receive broadcasts";
        }
      }
    }
    return undefined;
  }

  private assignedValues(receiver: SyntaxNode, use: SyntaxNode): SyntaxNode[] {
    return this.scopesFor(receiver, use).flatMap((scope) => scope.assignedExpressions.get(receiver.text) ?? []);
  }

  /** The scope of the use; for `self.x`, every method of the class, where `__init__` may create it. */
  private scopesFor(receiver: SyntaxNode, use: SyntaxNode): Scope[] {
    const scope = this.names.scopeOf(use);
    const owner = this.names.classOf(scope);
    const object = receiver.type === "attribute" ? receiver.childForFieldName("object") : null;
    if (owner && object?.type === "identifier" && (object.text === "self" || object.text === "cls")) {
      return this.names.methodsOf(owner);
    }
    return [scope];
  }
}
