// The shared, lazily built facts about one parsed file that every transform reads.
import type Parser from "tree-sitter";
import type { RewriteOptions, SyntaxNode } from "../types.js";
import { NameIndex } from "./names.js";
import { HostResolver } from "./hosts.js";
import { OptionDefaults } from "./cli-args.js";
import { SocketFacts } from "./families.js";
import { moduleImports, osBinding, type ModuleImports, type OsBinding } from "./imports.js";
import { suppressedRows } from "./suppress.js";
import { callAt, inTreeOrder, nameSites, statementsWithKeyword } from "./locate.js";

const IMPORT_TYPES: ReadonlySet<string> = new Set(["import_statement", "import_from_statement"]);
const CLASS_TYPES: ReadonlySet<string> = new Set(["class_definition"]);

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
    return this.memo("names", () => new NameIndex(this.root, this.file.text));
  }

  get hosts(): HostResolver {
    return this.memo("hosts", () => new HostResolver(this.names, new OptionDefaults(this.root, this.names)));
  }

  get sockets(): SocketFacts {
    return this.memo("sockets", () => new SocketFacts(this.names, this.imports));
  }

  get imports(): ModuleImports {
    return this.memo("imports", () => moduleImports(this.root, statementsWithKeyword(this.root, this.file.text, "import", IMPORT_TYPES)));
  }

  get os(): OsBinding {
    return this.memo("os", () => osBinding(this.root, this.file.text, this.names));
  }

  /** 0-based rows carrying a suppression marker (SPEC §2). */
  get suppressions(): Map<number, string> {
    return this.memo("suppressions", () => suppressedRows(this.root, this.file.text));
  }

  /**
   * The calls whose callee is written with a name that passes `test` (`run` in `app.run()`; an
   * alias, not the name it stands for), in source order. Found from the text, so that finding a
   * few calls does not cost a walk over all of them.
   */
  callsNamed(test: (name: string) => boolean): SyntaxNode[] {
    const sites = this.memo("nameSites", () => nameSites(this.file.text));
    const calls: SyntaxNode[] = [];
    for (const site of sites) {
      if (!test(site.name)) continue;
      const call = callAt(this.root, site);
      if (call) calls.push(call);
    }
    return inTreeOrder(calls);
  }

  /** Every class statement, in source order. */
  get classDefinitions(): SyntaxNode[] {
    return this.memo("classDefinitions", () => statementsWithKeyword(this.root, this.file.text, "class", CLASS_TYPES));
  }

  /** Names of the classes defined anywhere in the file: a cheap test before resolving a name to one. */
  get classNames(): Set<string> {
    return this.memo("classNames", () => {
      const names = new Set<string>();
      for (const node of this.classDefinitions) {
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
