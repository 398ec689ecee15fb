// A generated stand-in for an installed Python, for machines without one: packages of modules built
// from realistic pieces (imports, docstrings, classes, subprocess and server calls, empty strings),
// a few of which bind to all interfaces. Deterministic, so runs on one machine compare.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** mulberry32: a small seeded generator, so the same corpus comes out every time. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const IMPORTS = ["import os", "import sys", "import re", "import json", "import logging", "import socket", "import subprocess", "from typing import Any, Optional", "from pathlib import Path", "import threading"];

/** Pieces before QUIET_FROM hold what keeps a file past the prefilter (`''`, `run(`). */
const QUIET_FROM = 2;
const PIECES: Array<(n: number) => string> = [
  (n) => `def helper_${n}(value, default=''):\n    """Return the value, or the default when it is empty."""\n    if value == '':\n        return default\n    return ''.join(str(part) for part in value)\n`,
  (n) => `def run_tool_${n}(args):\n    result = subprocess.run(["tool", *args], capture_output=True, text=True, check=False)\n    if result.returncode != 0:\n        logging.warning("tool failed: %s", result.stderr)\n    return result.stdout.split("\\n")[::2]\n`,
  (n) => `class Widget${n}:\n    """A small object with state."""\n\n    def __init__(self, name, size=0):\n        self.name = name\n        self.size = size\n        self.items = []\n\n    def add(self, item):\n        # Keep items sorted by name.\n        self.items.append(item)\n        self.items.sort(key=lambda i: i.name)\n        return len(self.items)\n\n    def __repr__(self):\n        return f"Widget{n}({self.name!r}, {self.size})"\n`,
  (n) => `SETTINGS_${n} = {\n    "name": "service-${n}",\n    "timeout": ${n % 60},\n    "retries": 3,\n    "tags": ["a", "b"],\n}\n`,
  (n) => `async def fetch_${n}(session, url):\n    async with session.get(url) as response:\n        data = await response.text()\n        return json.loads(data or "{}")\n`,
  (n) => `def parse_${n}(text):\n    """Split 'key: value' lines into a dict."""\n    out = {}\n    for line in text.splitlines():\n        if not line.strip() or line.startswith("#"):\n            continue\n        key, _, value = line.partition(":")\n        out[key.strip()] = value.strip()\n    return out\n`,
  (n) => `def connect_${n}(host="localhost", port=${8000 + (n % 1000)}):\n    sock = socket.create_connection((host, port), timeout=5)\n    sock.sendall(b"ping")\n    return sock.recv(1024)\n`,
  (n) => `# ${"-".repeat(70)}\n# Section ${n}: helpers that read files.\n# ${"-".repeat(70)}\n\ndef read_${n}(path):\n    with open(path, encoding="utf-8") as handle:\n        return handle.read()\n`,
];

/** What a few files do: bind to all interfaces, the way servers and tests really do it. */
const BINDS: Array<(n: number) => string> = [
  (n) => `def serve_${n}():\n    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n    s.bind(("0.0.0.0", ${9000 + n % 500}))\n    s.listen(5)\n    return s\n`,
  (n) => `from http.server import HTTPServer, SimpleHTTPRequestHandler\n\n\ndef main_${n}():\n    HTTPServer(("", 8000), SimpleHTTPRequestHandler).serve_forever()\n`,
  (n) => `from flask import Flask\n\napp = Flask(__name__)\n\n\nif __name__ == "__main__":\n    app.run(host="0.0.0.0", port=${5000 + n % 100})\n`,
];

/** Writes about `files` modules totalling about `bytes` into `dir`; returns what was written. */
export function generateCorpus(dir: string, files: number, bytes: number): { bytes: number; lines: number } {
  const next = random(0x5eed);
  const average = bytes / files;
  let written = 0;
  let lines = 0;
  for (let i = 0; i < files; i++) {
    // Sizes spread like a real library's: many small modules, a few very large ones.
    const target = Math.max(200, Math.round(average * -Math.log(1 - next() * 0.999)));
    const imports = IMPORTS.filter(() => next() < 0.35);
    let text = `"""Module ${i}: generated for the bindfix benchmark."""\n${imports.join("\n")}\nimport socket\nimport subprocess\nimport logging\nimport json\n\n`;
    let n = i * 1000;
    // About one module in nine calls `run(...)` near an empty string, as in a real library: the
    // files a prefilter cannot rule out. The others use the remaining pieces.
    const pieces = next() < 0.11 ? PIECES : PIECES.slice(QUIET_FROM);
    while (text.length < target) text += "\n\n" + pieces[Math.floor(next() * pieces.length)]!(n++);
    if (next() < 0.004) text += "\n\n" + BINDS[Math.floor(next() * BINDS.length)]!(n++);
    const file = path.join(dir, `pkg${String(Math.floor(i / 60)).padStart(3, "0")}`, `module_${String(i).padStart(5, "0")}.py`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    written += Buffer.byteLength(text);
    lines += text.split("\n").length - 1;
  }
  return { bytes: written, lines };
}
