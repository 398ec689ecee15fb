// The prefilter's flow test (src/host-flow.ts): whether a target literal may reach a call's
// arguments, judged on the lexed text. It must say yes for every way the analysis follows a host
// (src/analysis/hosts.ts, names.ts, cli-args.ts) — else a finding is silently skipped — and it
// should say no for the empty strings most files hold for other reasons, or it saves nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { moduleLiteral, runEnding } from "./helpers/child.js";
import { lexPython } from "../src/python-lexer.js";
import { HostFlow, type HostPosition } from "../src/host-flow.js";
import { isTargetValue, parseHostPort } from "../src/analysis/syntax.js";
import { scanText } from "../src/engine.js";
import { transforms } from "../transforms/index.js";
import { DEFAULT_REWRITE } from "../src/types.js";

const body = (literal: string): string => (/^('''|""")/.test(literal) && literal.length >= 6 ? literal.slice(3, -3) : literal.slice(1, -1));
const isTarget = (literal: string): boolean => isTargetValue(body(literal));
const isHostPort = (literal: string): boolean => parseHostPort(body(literal)) !== undefined;

/**
 * Whether a target may reach the call written as `call` (its last occurrence) in `source`, in one
 * of `positions` (none given: any argument).
 */
function reaches(source: string, call: string, test = isTarget, positions: HostPosition[] = []): boolean {
  const lexed = lexPython(source);
  assert.ok(lexed, "the source lexes");
  const at = source.lastIndexOf(call);
  assert.ok(at >= 0, `${call} is in the source`);
  const open = source.indexOf("(", at);
  return new HostFlow(lexed).mayReach([open], positions, test);
}

const yes = (source: string, call: string, test = isTarget, positions: HostPosition[] = []): void =>
  assert.equal(reaches(source, call, test, positions), true, source);
const no = (source: string, call: string, test = isTarget, positions: HostPosition[] = []): void =>
  assert.equal(reaches(source, call, test, positions), false, source);

test("a target literal inside the call's parentheses reaches it, however nested or split", () => {
  yes('s.bind(("", 80))\n', "s.bind");
  yes("s.bind(\n    (  # host\n        '0.0.0.0',\n        80,\n    )\n)\n", "s.bind");
  yes('app.run(host=os.environ.get("HOST", "::"))\n', "app.run");
});

test("through names: assignment, chains, tuples, unpacking, annotations, continuations", () => {
  yes('HOST = ""\ns.bind((HOST, 80))\n', "s.bind");
  yes('DEFAULT = "0.0.0.0"\nHOST = DEFAULT\nADDR = (HOST, 80)\ns.bind(ADDR)\n', "s.bind");
  yes('A = HOST = ""\ns.bind((HOST, 80))\n', "s.bind");
  yes('HOST, PORT = "", 80\ns.bind((HOST, PORT))\n', "s.bind");
  yes('PORT, HOST = 8000, "0.0.0.0"\ns.bind((HOST, PORT))\n', "s.bind");
  yes('PORT, HOST = 8000, \\\n    "0.0.0.0"\ns.bind((HOST, PORT))\n', "s.bind");
  yes('HOST = 8000, ""\ns.bind(HOST)\n', "s.bind");
  // Keywords are keywords as written: `IF`, `NONE` and `As` are names.
  yes('IF = "0.0.0.0"\ns.bind((IF, 80))\n', "s.bind");
  yes('NONE = ""\nAs = NONE\ns.bind((As, 80))\n', "s.bind");
  yes('(HOST, PORT) = ("", 80)\ns.bind((HOST, PORT))\n', "s.bind");
  yes('HOST: str = ""\ns.bind((HOST, 80))\n', "s.bind");
  yes('HOST = \\\n    ""\ns.bind((HOST, 80))\n', "s.bind");
  yes('HOST = (\n    ""\n)\ns.bind((HOST, 80))\n', "s.bind");
  yes('if True: HOST = ""\ns.bind((HOST, 80))\n', "s.bind");
  yes('s.bind(((h := ""), 80))\n', "s.bind");
});

test("through parameter defaults, self and class attributes", () => {
  yes('def serve(host=""):\n    s.bind((host, 80))\n', "s.bind");
  yes('def serve(host: str = "0.0.0.0",\n          port=80):\n    s.bind((host, port))\n', "s.bind");
  yes(
    'class S:\n    def __init__(self, host=""):\n        self.host = host\n    def go(self):\n        self.sock.bind((self.host, 80))\n',
    "self.sock.bind",
  );
  yes('class S:\n    HOST = "::"\n    def go(self):\n        app.run(host=self.HOST)\n', "app.run");
  yes('serve = lambda host="": s.bind((host, 80))\n', "s.bind");
});

test("through environment defaults, `or`, conditionals and typer options", () => {
  yes('HOST = os.environ.get("HOST", "")\napp.run(host=HOST)\n', "app.run");
  yes('FALLBACK = "0.0.0.0"\nHOST = os.getenv("HOST", FALLBACK)\napp.run(host=HOST)\n', "app.run");
  yes('HOST = args.host or ""\napp.run(host=HOST)\n', "app.run");
  yes('HOST = "" if docker else "127.0.0.1"\napp.run(host=HOST)\n', "app.run");
  yes('def main(host: str = typer.Option("0.0.0.0")):\n    uvicorn.run(app, host=host)\n', "uvicorn.run");
});

test("through argparse and click options: dests from option strings, dashes as underscores", () => {
  yes('p.add_argument("--bind-host", default="")\nargs = p.parse_args()\napp.run(host=args.bind_host)\n', "app.run");
  yes('p.add_argument("-H", dest="host", default="0.0.0.0")\nargs = p.parse_args()\napp.run(host=args.host)\n', "app.run");
  yes('DEFAULT = ""\np.add_argument("--host", default=DEFAULT)\nargs = p.parse_args()\napp.run(host=args.host)\n', "app.run");
  yes('p.add_argument(\n    "--host",\n    default\n    ="",\n)\nargs = p.parse_args()\napp.run(host=args.host)\n', "app.run");
  yes('@click.option("--HOST", default="0.0.0.0")\ndef main(host):\n    app.run(host=host)\n', "app.run");
  yes('p.add_argument("--Bind-Host", default="")\nargs = p.parse_args()\napp.run(host=args.Bind_Host)\n', "app.run");
});

test("names are matched as Python matches them, case and all (only click lower-cases its options)", () => {
  no('certfile = ""\nCERTFILE = data_file("keycert.pem")\nServer(CERTFILE)\n', "Server");
  no('wrap(sock, certfile="")\nCERTFILE = data_file("keycert.pem")\nServer(CERTFILE)\n', "Server");
  yes('Host = ""\nServer((Host, 80))\n', "Server");
});

test("only the argument in a host position counts: the keyword if given, else the index, none past *args", () => {
  const host: HostPosition[] = [{ index: 0, keyword: "host" }];
  yes('app.run("", 5000)\n', "app.run", isTarget, host);
  yes('app.run(port=5000, host="")\n', "app.run", isTarget, host);
  yes('app.run(\n    host\n    = "")\n', "app.run", isTarget, host);
  yes('H = ""\napp.run(H)\n', "app.run", isTarget, host);
  yes('app.run(**options, host="")\n', "app.run", isTarget, host);
  no('app.run(cmd, executable="")\n', "app.run", isTarget, host);
  no('E = ""\nsubprocess.run(cmd, executable=E)\n', "subprocess.run", isTarget, host);
  no('app.run(*args, "")\n', "app.run", isTarget, host);
  no('app.run("127.0.0.1", host="")\n', "app.run", isTarget, [{ index: 0 }]);
  // The keyword wins over the index, as argumentAt decides.
  no('app.run("", host="127.0.0.1")\n', "app.run", isTarget, host);
  // A tuple in the first position is one argument; the second position is the port.
  yes('s.bind(("", 80), flags)\n', "s.bind", isTarget, [{ index: 0 }]);
  no('s.bind((h, 80), "")\n', "s.bind", isTarget, [{ index: 0 }]);
  // Several positions: any of them.
  yes('loop.create_server(f, "", 80)\n', "loop.create_server", isTarget, [{ index: 1, keyword: "host" }, { keyword: "local_addr" }]);
});

test('"host:port" literals count for host:port positions only', () => {
  yes('server.add_insecure_port("[::]:50051")\n', "server.add_insecure_port", isHostPort);
  yes('LISTEN = "0.0.0.0:%d" % port\nwaitress.serve(app, listen=LISTEN)\n', "waitress.serve", isHostPort);
  no('server.add_insecure_port("[::]:50051")\n', "server.add_insecure_port", isTarget);
});

test("when unsure it says yes: a call in an f-string's field, a call never closed", () => {
  yes('x = f"{s.bind((HOST, 80))}"\nHOST = ""\n', "s.bind");
  yes('s.bind((HOST, 80)\nHOST = ""\n', "s.bind");
});

test("empty strings used otherwise do not reach the call", () => {
  no('sep = "".join(parts)\nif name == "":\n    pass\nHOST = "localhost"\napp.run(host=HOST)\n', "app.run");
  no('"""Serves on 0.0.0.0 by default."""\nHOST = "127.0.0.1"  # not ""\napp.run(host=HOST)\n', "app.run");
  no('label.config(text="")\nHOST = "127.0.0.1"\napp.run(host=HOST)\n', "app.run");
});

test("objects, callees and the names being bound are not followed back", () => {
  // `cfg.host` is never traced through `cfg`; a call's result is never traced; `x = ...` is followed by its value only.
  no('cfg = {"host": ""}\napp.run(host=cfg.host)\n', "app.run");
  no('def pick():\n    return ""\nHOST = pick()\napp.run(host=HOST)\n', "app.run");
  no('HOST = PORT = 8000\nPORT = ""\nTIMEOUT = PORT\napp.run(host=HOST)\n', "app.run");
});

test("the whole prefilter keeps a Python 3.12 f-string file the lexer gives up on, and finds its bind", () => {
  const text = 'import socket\ns = socket.socket()\nprint(f"{d["#"]}"); s.bind(("0.0.0.0", 80))\n';
  assert.equal(lexPython(text), undefined);
  const scanned = scanText({ path: "new.py", text, eol: "\n" }, transforms, DEFAULT_REWRITE);
  assert.equal(scanned.parsed, true);
  assert.deepEqual(
    scanned.findings.map((finding) => [finding.rule, finding.status]),
    [["socket-bind", "fixable"]],
  );
});

test("from a name instead of a call (gunicorn's `bind`): its values, through the names it is set to", () => {
  const fromBind = (source: string): boolean => {
    const lexed = lexPython(source);
    assert.ok(lexed);
    return new HostFlow(lexed).mayReach([], [], isHostPort, ["bind"]);
  };
  assert.equal(fromBind('ADDRESS = "0.0.0.0:8000"\nbind = ADDRESS\n'), true);
  assert.equal(fromBind('bind, workers = ":8000", 4\n'), true);
  assert.equal(fromBind('bind = [os.environ.get("BIND", "[::]:80")]\n'), true);
  assert.equal(fromBind('sep = ":"\nbind = "127.0.0.1:8000"\n'), false);
});

test("a call's result is never followed into its arguments, except environment lookups and typer options", () => {
  const host: HostPosition[] = [{ index: 0, keyword: "host" }];
  no('app.run(resolve(""))\n', "app.run", isTarget, host);
  no('HOST = str("")\napp.run(HOST)\n', "app.run", isTarget, host);
  no('HOST = self.cls("").name\napp.run(HOST)\n', "app.run", isTarget, host);
  no('HOST = pick(DEFAULT)\nDEFAULT = ""\napp.run(HOST)\n', "app.run", isTarget, host);
  yes('HOST = os.environ.get("HOST", "")\napp.run(HOST)\n', "app.run", isTarget, host);
  yes('HOST = os.environ .get("HOST", DEFAULT)\nDEFAULT = ""\napp.run(HOST)\n', "app.run", isTarget, host);
  yes('HOST = getenv("HOST", "")\napp.run(HOST)\n', "app.run", isTarget, host);
  no('HOST = config.get("HOST", "")\napp.run(HOST)\n', "app.run", isTarget, host);
  // Parentheses after a keyword or an operator are no call.
  yes('HOST = x if (y) else ("")\napp.run(HOST)\n', "app.run", isTarget, host);
  yes('HOST = x or ("")\napp.run(HOST)\n', "app.run", isTarget, host);
});

test("a dict display's key is no value; a lambda's last default is one", () => {
  const host: HostPosition[] = [{ index: 0, keyword: "host" }];
  no('HOSTS = {"": "a", "b": 1}\napp.run(HOSTS)\n', "app.run", isTarget, host);
  yes('HOSTS = {"a": ""}\napp.run(HOSTS)\n', "app.run", isTarget, host);
  yes('serve = lambda port, host="": s.bind((host, port))\n', "s.bind", isTarget, [{ index: 0 }]);
});

test("an API for methods of objects skips calls on imported modules and bare calls, never others", () => {
  // web-run's positional `x.run("0.0.0.0", 5000)` has `modules: []`: `subprocess.run` is no server.
  const mayMatch = (text: string): boolean => transforms.find((transform) => transform.id === "web-run")!.mayMatch(text);
  assert.equal(mayMatch('import subprocess\nHOST = ""\nsubprocess.run(HOST, 5000)\n'), false);
  assert.equal(mayMatch('import subprocess as sp\nHOST = ""\nsp.run(HOST, 5000)\n'), false);
  assert.equal(mayMatch('HOST = ""\nrun(HOST, 5000)\n'), false);
  assert.equal(mayMatch('HOST = ""\napp.run(HOST, 5000)\n'), true);
  assert.equal(mayMatch('HOST = ""\nmake_app().run(HOST, 5000)\n'), true);
  assert.equal(mayMatch('HOST = ""\napps[0].run(HOST, 5000)\n'), true);
  assert.equal(mayMatch('HOST = ""\nself.app \\\n    .run(HOST, 5000)\n'), true);
  // `import` in a string or a from-import binds no module name.
  assert.equal(mayMatch('from flask import app\nDOC = """\nimport app\n"""\nHOST = ""\napp.run(HOST, 5000)\n'), true);
});

test("an address position reads a tuple: literals count inside its brackets, words outside stand for the tuple", () => {
  const address: HostPosition[] = [{ index: 0, keyword: "server_address", tuple: true }];
  // The analysis takes a host only from a tuple or list display: a bare string there is none.
  no('def start(certfile=""):\n    return EchoServer(certfile, Handler)\n', "EchoServer", isTarget, address);
  no('ADDR = ""\nTCPServer(ADDR, Handler)\n', "TCPServer", isTarget, address);
  no('user = name or ""\nTCPServer(user, Handler)\n', "TCPServer", isTarget, address);
  // Inside brackets, directly or through names; a word inside brackets is followed as a host.
  yes('TCPServer(("", 80), Handler)\n', "TCPServer", isTarget, address);
  yes('ADDR = ("0.0.0.0", 80)\nTCPServer(ADDR, Handler)\n', "TCPServer", isTarget, address);
  yes('HOST = ""\nADDR = (HOST, 80)\nTCPServer(ADDR, Handler)\n', "TCPServer", isTarget, address);
  yes('HOST = ""\nADDR = [HOST, 80]\nOTHER = ADDR\nTCPServer(OTHER, Handler)\n', "TCPServer", isTarget, address);
  yes('HOST = ""\nTCPServer((HOST if local else "::", 80), Handler)\n', "TCPServer", isTarget, address);
  yes('HOST = ""\nTCPServer(server_address=(HOST, 80), RequestHandlerClass=Handler)\n', "TCPServer", isTarget, address);
  // A name followed both ways (a tuple here, a host there) is followed both ways.
  yes('HOST = ""\nPAIR = (HOST, 80)\nALIAS = HOST\nTCPServer(PAIR if a else ALIAS, Handler)\n', "TCPServer", isTarget, address);
  // A statement's value with a comma outside brackets is a tuple without parentheses; its words are hosts.
  yes('ADDR = "", 80\nTCPServer(ADDR, Handler)\n', "TCPServer", isTarget, address);
  yes('HOST = "0.0.0.0"\nADDR = HOST, 80\nTCPServer(ADDR, Handler)\n', "TCPServer", isTarget, address);
  yes('class S:\n    def __init__(self):\n        self.addr = "", 80\n    def go(self):\n        TCPServer(self.addr, H)\n', "TCPServer", isTarget, address);
  no('ADDR = f(""), 80\nTCPServer(ADDR, Handler)\n', "TCPServer", isTarget, address);
});

test("local classes count as servers only through their bases: a `*Server` name, an import alias, another such class", () => {
  const mayMatch = (text: string): boolean => transforms.find((transform) => transform.id === "stdlib-servers")!.mayMatch(text);
  // A class with no server ancestor is never a bind, whatever it is given.
  assert.equal(mayMatch('class ftpwrapper:\n    pass\n\nftpwrapper(("", 21))\n'), false);
  assert.equal(mayMatch('class Base(object):\n    pass\nclass Wrapper(Base):\n    pass\nWrapper(("", 21))\n'), false);
  assert.equal(mayMatch('import socketserver\nclass Proxy(socketserver.ThreadingTCPServer):\n    pass\nProxy(("", 21))\n'), true);
  // The alias is read from the whole import statement, over its lines, and past a `;`.
  const aliased = 'from socketserver import (\n    BaseRequestHandler,\n    ThreadingTCPServer as Base,\n)\n';
  assert.equal(mayMatch(`${aliased}class Proxy(Base):\n    pass\nclass Deeper(Proxy):\n    pass\nDeeper(("", 21))\n`), true);
  assert.equal(mayMatch('from socketserver import TCPServer as Base; import y\nclass Proxy(Base):\n    pass\nProxy(("", 21))\n'), true);
});

test("calls the analysis rejects by the shape of their arguments are skipped, as written", () => {
  const mayMatch = (text: string): boolean => transforms.find((transform) => transform.id === "web-run")!.mayMatch(text);
  // A test runner's `run`, Tk's `bind`, a scanner's `run(callback, key)`: no port, no host, no server keyword.
  assert.equal(mayMatch('result = ""\ntest.run(result)\n'), false);
  assert.equal(mayMatch('seq = ""\nwidget.bind(seq, handler)\n'), false);
  assert.equal(mayMatch('key = ""\nModuleScanner().run(callback, key, onerror=onerror)\n'), false);
  // The shapes `when` accepts are kept: a port, a host-like name or literal, a server keyword, socketio.
  assert.equal(mayMatch('app.run("0.0.0.0", 5000)\n'), true);
  assert.equal(mayMatch('HOST = ""\napp.run(HOST)\n'), true);
  assert.equal(mayMatch('where = ""\napp.run(where, debug=True)\n'), true);
  assert.equal(mayMatch('where = ""\napp.run(where, int(sys.argv[1]))\n'), true);
  assert.equal(mayMatch('where = ""\nsocketio.run(app, where)\n'), true);
  assert.equal(mayMatch('where = ""\nself.apps["socketio"].run(app, where)\n'), true);
  assert.equal(mayMatch('where = ""\nserver.listen(8888, where)\n'), true);
  assert.equal(mayMatch('where = ""\nserver.listen(port=options.port, address=where)\n'), true);
});

test("Flask-SocketIO's receiver is looked for on the call's own logical line, over its lines", () => {
  const mayMatch = (text: string): boolean => transforms.find((transform) => transform.id === "web-run")!.mayMatch(text);
  assert.equal(mayMatch('where = ""\nserver = (socketio\n    .run(app, where))\n'), true);
  assert.equal(mayMatch('where = ""\nsio = None  # the socketio server\nrunner.run(app, where)\n'), false);
  assert.equal(mayMatch('where = ""\nrunner.run(app, where)\n'), false);
});

/** What `argumentsMay` shows of each call whose `(` is in `source`, in order: its arguments as written, and `beforeMatches(pattern)`. */
function writtenArguments(source: string, pattern = /socketio|\bsio\b/i): Array<[string[], Array<[string, string]>, boolean, boolean]> {
  const lexed = lexPython(source);
  assert.ok(lexed, "the source lexes");
  const flow = new HostFlow(lexed);
  const found: Array<[string[], Array<[string, string]>, boolean, boolean]> = [];
  for (let open = lexed.bare.indexOf("("); open >= 0; open = lexed.bare.indexOf("(", open + 1)) {
    flow.argumentsMay(open, (args) => {
      found.push([[...args.positional], [...args.keywords], args.unpacked, args.beforeMatches(pattern)]);
      return true;
    });
  }
  return found;
}

test("arguments split at the commas outside their own brackets, a call's closer found however deep or never", () => {
  assert.deepEqual(writtenArguments("f(a, (b, c), [d, e], g(h, i), k={1: 2, 3: 4}, *rest)\n")[0], [
    ["a", " (b, c)", " [d, e]", " g(h, i)"],
    [["k", "{1: 2, 3: 4}"]],
    true,
    false,
  ]);
  // Brackets pair as a stack, whatever their kinds: `]` closes `f(`.
  assert.deepEqual(writtenArguments("f(a, [b, c), d]\n")[0]![0], ["a", " [b, c)", " d"]);
  assert.deepEqual(writtenArguments("f(a, b], c)\n")[0]![0], ["a", " b"]);
  // A call never closed takes the rest of the text, split as far as it goes.
  assert.deepEqual(
    writtenArguments("f(a, g(b,\nc, (d\n").map(([positional]) => positional),
    [["a", " g(b,\nc, (d\n"], ["b", "\nc", " (d\n"], ["d\n"]],
  );
});

test("a keyword's or a default's value ends at the comma or the closer outside the brackets it opens", () => {
  no('def serve(host=(LOCAL, 1)[0], port=""):\n    s.bind((host, 80))\n', "s.bind");
  no('def serve(host=LOCAL): return ""\ns.bind((host, 80))\n', "s.bind");
  yes('def serve(host=(LOCAL, 1)[0], port=""):\n    s.bind((host, 80))\nLOCAL = ""\n', "s.bind");
  yes('def serve(port=f(1, 2), host=""):\n    s.bind((host, port))\n', "s.bind");
});

test("the calls inside a value are stepped over whole, what follows them read", () => {
  const host: HostPosition[] = [{ index: 0, keyword: "host" }];
  yes('HOST = pick(a, "") or ""\napp.run(HOST)\n', "app.run", isTarget, host);
  yes('HOST = pick(f(""), g(["x"])) or LOCAL\nLOCAL = ""\napp.run(HOST)\n', "app.run", isTarget, host);
  no('HOST = pick(f(LOCAL), [g(LOCAL)]) or "x"\nLOCAL = ""\napp.run(HOST)\n', "app.run", isTarget, host);
  // A call never closed holds the rest of the text.
  no('HOST = pick(a, ""\napp.run(host=HOST)\n', "app.run", isTarget, host);
  // Where the value is an address tuple, a comma inside a call makes no tuple: `HOST` stands for one.
  const address: HostPosition[] = [{ index: 0, keyword: "server_address", tuple: true }];
  no('HOST = ""\nADDR = pick(HOST, 80) or HOST\nTCPServer(ADDR, Handler)\n', "TCPServer", isTarget, address);
  yes('HOST = ""\nADDR = pick(HOST, 80), HOST\nTCPServer(ADDR, Handler)\n', "TCPServer", isTarget, address);
});

test("names are read whole, digits and non-ASCII letters in them, and found the same once many are followed", () => {
  yes('HÔTE = ""\napp.run(host=HÔTE)\n', "app.run");
  yes('H1 = ""\napp.run(host=H1)\n', "app.run");
  no('H1 = "localhost"\nH = ""\napp.run(host=H1)\n', "app.run");
  // Past the first words followed, every word of the text is indexed: `w0` is followed last.
  const words = Array.from({ length: 40 }, (_, i) => `w${i}`).join(" or ");
  yes(`w0 = ""\nH = ${words}\napp.run(host=H)\n`, "app.run");
  yes(`H = ${words}\napp.run(host=H)\nw0 = ""`, "app.run");
  no(`w0x = ""\n_w0 = ""\nw0_ = ""\nx.w0 = 1\nH = ${words}\napp.run(host=H)\n`, "app.run");
});

test("the receiver is looked for once per logical line, each call on it answered up to its own `(`", () => {
  const asked = (source: string, pattern?: RegExp): boolean[] => writtenArguments(source, pattern).map(([, , , before]) => before);
  assert.deepEqual(asked("x = [a.run(app, where), socketio.run(app, where), b.run(1)]\n"), [false, true, true]);
  assert.deepEqual(asked("x = [a.run(1),\n    sio.run(2),\n    b.run(3)]\nc.run(4)\n"), [false, true, true, false]);
  // A first match running past the `(` may hide another one before it.
  assert.deepEqual(asked("a = b.run(z)\n", /a.*\(z|b/), [true]);
  assert.deepEqual(asked("f.run(1) or g.run(2)\n", /\.run\(1\)|or/), [false, true]);
});

test("values reached through names that overlap past 8 times the text's length make the answer a maybe", () => {
  // Each name of the chain binds the rest of the line: 2,000 values of some 6,000 characters each.
  const names = Array.from({ length: 2000 }, (_, i) => `n${i}`);
  const source = `${names.join(" = ")} = 1\nH = ${names.join(" or ")}\nx = ""\napp.run(host=H)\n`;
  yes(source, "app.run");
  no(source.replace(names.slice(100).join(" = "), "m"), "app.run");
});

/**
 * Runs `body` in a child process over the text `text` (a JavaScript expression), given `lexed`,
 * `flow` (its HostFlow), `openings` (the `(` of its `.bind` and `.run` calls) and `isTarget`
 * (`""`), and returns what it printed. The texts are of 1 MB or more: a pass gone quadratic again
 * takes minutes there, the child is stopped after one, and the test fails instead of hanging the suite.
 */
function runOnLargeText(text: string, body: string): string {
  const script = `
    import { HostFlow } from ${moduleLiteral("src/host-flow.js")};
    import { lexPython } from ${moduleLiteral("src/python-lexer.js")};
    const isTarget = (literal) => literal === '""';
    const lexed = lexPython(${text});
    const flow = new HostFlow(lexed);
    const openings = [...lexed.bare.matchAll(/\\.(?:bind|run)\\(/g)].map((call) => call.index + call[0].length - 1);
    ${body}`;
  return runEnding(script, 60, "the pass");
}

/** Every call's arguments split, then whether `""` reaches any argument, the first one, or the first as an address tuple. */
const EVERY_CALL = `
  let split = 0;
  for (const open of openings) flow.argumentsMay(open, (args) => (split += args.positional.length, true));
  console.log(split, flow.mayReach(openings, [], isTarget), flow.mayReach(openings, [{ index: 0 }], isTarget), flow.mayReach(openings, [{ index: 0, tuple: true }], isTarget));`;

test("130,000 calls never closed, or nested 120,000 deep, are each read once", () => {
  assert.equal(runOnLargeText(`'x = ""\\n' + "s.bind(\\n".repeat(130_000)`, EVERY_CALL), "129999 false false false");
  // The innermost call holds `""` in a call whose result is never followed.
  assert.equal(runOnLargeText(`'x = ""\\n' + "s.bind(".repeat(120_000) + 'str("")' + ")".repeat(120_000)`, EVERY_CALL), "120000 false false false");
  assert.equal(runOnLargeText(`"s.bind(".repeat(120_000) + '""' + ")".repeat(120_000)`, EVERY_CALL), "120000 true true false");
});

test("a value naming one word 200,000 times is read once", () => {
  const text = `'x = ""\\nH = a' + " or a".repeat(200_000) + "\\napp.run(host=H)\\n"`;
  assert.equal(runOnLargeText(text, `console.log(flow.mayReach(openings, [{ index: 0, keyword: "host" }], isTarget))`), "false");
  assert.equal(runOnLargeText(`${text} + 'a = ""\\n'`, `console.log(flow.mayReach(openings, [{ index: 0, keyword: "host" }], isTarget))`), "true");
});

test("a value naming 120,000 words finds their values without a search of the whole text each", () => {
  const text = `'x = ""\\nH = ' + Array.from({ length: 120_000 }, (_, i) => "w" + i + "q").join(" or ") + "\\napp.run(host=H)\\n"`;
  assert.equal(runOnLargeText(text, `console.log(flow.mayReach(openings, [{ index: 0, keyword: "host" }], isTarget))`), "false");
  // The word followed last is found through the index.
  assert.equal(runOnLargeText(`${text} + 'w0q = ""\\n'`, `console.log(flow.mayReach(openings, [{ index: 0, keyword: "host" }], isTarget))`), "true");
});

test("500,000 calls on one logical line look for the receiver on it once", () => {
  // 4 MB: a search from the line's start per call takes some 20 s over 1 MB, minutes over this.
  const text = `'where = ""\\n# socketio\\ny = [' + "s.run(),".repeat(500_000) + "socketio.run(app, where)]\\n"`;
  // One pattern for all the calls, as a catalogue asks: the line's search is kept per pattern.
  const body = `const SOCKETIO = /socketio|\\bsio\\b/i;
    console.log(openings.filter((open) => flow.argumentsMay(open, (args) => args.beforeMatches(SOCKETIO))).length);`;
  assert.equal(runOnLargeText(text, body), "1");
});
