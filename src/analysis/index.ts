// The shared, lazily built facts about one parsed file that every transform reads.
import type Parser from "tree-sitter";
import type { RewriteOptions, SyntaxNode } from "../types.js";
import { NameIndex } from "./names.js";
import { HostResolver } from "./hosts.js";
import { OptionDefaults } from "./cli-args.js";
import { SocketFacts } from "./families.js";
import { moduleImports, osBinding, type ModuleImports, type OsBinding } from "./imports.js";
import { suppressedRows } from "./suppress.js";
import { calleeName } from "./syntax.js";

export interface ParsedFile {
  /** Display path (relative, `/` separators); transforms may look at the file name (gunicorn). */
  path: string;
  text: string;
  tree: Parser.Tree;
}

export class Analysis {
  private cache = new Map<string, unknown>();

  constructor(
    readonly file: ParsedFile,
    readonly options: RewriteOptions,
  ) {}

  get root(): SyntaxNode {
    // Each `rootNode` read crosses into native code and builds a new node object.
    return this.memo("root", () => this.file.tree.rootNode);
  }

  get names(): NameIndex {
    return this.memo("names", () => new NameIndex(this.root));
  }

  get hosts(): HostResolver {
    return this.memo("hosts", () => new HostResolver(this.names, new OptionDefaults(this.root, this.names)));
  }

  get sockets(): SocketFacts {
    return this.memo("sockets", () => new SocketFacts(this.names, this.imports));
  }

  get imports(): ModuleImports {
    return this.memo("imports", () => moduleImports(this.root));
  }

  get os(): OsBinding {
    return this.memo("os", () => osBinding(this.root, this.file.text, this.names));
  }

  /** 0-based rows carrying a suppression marker (SPEC §2). */
  get suppressions(): Map<number, string> {
    return this.memo("suppressions", () => suppressedRows(this.root));
  }

  /** Every call in the file, in source order. */
  get calls(): SyntaxNode[] {
    return this.memo("calls", () => this.root.descendantsOfType("call"));
  }

  /** The name each of `calls` is written with (`run` in `app.run()`), read once for every transform. */
  get calleeNames(): Array<string | undefined> {
    return this.memo("calleeNames", () => this.calls.map(calleeName));
  }

  /** Names of the classes defined anywhere in the file: a cheap test before resolving a name to one. */
  get classNames(): Set<string> {
    return this.memo("classNames", () => {
      const names = new Set<string>();
      for (const node of this.root.descendantsOfType("class_definition")) {
        const name = node.childForFieldName("name");
        if (name) names.add(name.text);
      }
      return names;
    });
  }

  /** What a callee name refers to through the module's imports (`HS` → `http.server.HTTPServer`). */
  qualifiedName(local: string): string | undefined {
    return this.imports.qualified.get(local);
  }

  private memo<T>(key: string, build: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, build());
    return this.cache.get(key) as T;
  }
}
