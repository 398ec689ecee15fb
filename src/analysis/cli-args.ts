// Hosts that come from a command-line option's default: `args.host` after
// `parser.add_argument("--host", default="0.0.0.0")`, and a parameter filled by click's
// `@click.option("--host", default="0.0.0.0")`. The default is the literal to rewrite.
import type { SyntaxNode } from "../types.js";
import type { Binding, NameIndex } from "./names.js";
import { callArguments, calleeName, stringParts, unparenthesize } from "./syntax.js";
import { parentOf } from "./ancestry.js";

const PARSE_CALLS = new Set(["parse_args", "parse_intermixed_args"]);
const CLICK_DECORATORS = new Set(["option", "argument"]);

export class OptionDefaults {
  private addArgumentCalls: SyntaxNode[] | undefined;

  constructor(
    private readonly root: SyntaxNode,
    private readonly names: NameIndex,
  ) {}

  /**
   * For `args.<dest>` where every binding of `args` is `<parser>.parse_args(...)`: one binding per
   * `add_argument` call in this file with that dest, its value the `default=` (the call itself when
   * there is none, whose value is then no address). Undefined when `args` is not such a namespace.
   */
  argparseDest(object: SyntaxNode, dest: string): Binding[] | undefined {
    const bindings = this.names.resolve(object.text, object);
    if (!bindings || bindings.length === 0) return undefined;
    const parsed = bindings.every((binding) => {
      const value = binding.value && unparenthesize(binding.value);
      return value?.type === "call" && PARSE_CALLS.has(calleeName(value) ?? "");
    });
    if (!parsed) return undefined;
    this.addArgumentCalls ??= this.root.descendantsOfType("call").filter((call) => calleeName(call) === "add_argument");
    const matching = this.addArgumentCalls.filter((call) => argparseDest(call) === dest);
    if (matching.length === 0) return undefined;
    return matching.map((call) => ({ node: call, value: callArguments(call).keywords.get("default") ?? call }));
  }

  /** For a parameter of a function decorated with `@click.option(...)` naming it: its default. */
  clickParameter(parameter: SyntaxNode, name: string): Binding | undefined {
    const parameters = parentOf(parameter);
    if (parameters?.type !== "parameters") return undefined;
    const definition = parentOf(parameters);
    const decorated = definition && parentOf(definition);
    if (definition?.type !== "function_definition" || decorated?.type !== "decorated_definition") return undefined;
    for (const decorator of decorated.namedChildren) {
      if (decorator.type !== "decorator") continue;
      const call = unparenthesize(decorator.namedChildren[0] ?? decorator);
      if (call.type !== "call" || !CLICK_DECORATORS.has(calleeName(call) ?? "")) continue;
      if (clickName(call) !== name) continue;
      const value = callArguments(call).keywords.get("default");
      return { node: call, value: value ?? call };
    }
    return undefined;
  }
}

function declaredNames(call: SyntaxNode): string[] {
  return callArguments(call)
    .positional.map((argument) => stringParts(argument)?.value)
    .filter((value): value is string => value !== undefined);
}

/** argparse: `dest=`, else the first long option, else the first short one, dashes as underscores. */
function argparseDest(call: SyntaxNode): string | undefined {
  const dest = callArguments(call).keywords.get("dest");
  if (dest) return stringParts(dest)?.value;
  const names = declaredNames(call);
  const chosen = names.find((name) => name.startsWith("--")) ?? names[0];
  return chosen?.replace(/^-+/, "").replace(/-/g, "_");
}

/** click: a declared name without dashes, else the first long option, else the first short one. */
function clickName(call: SyntaxNode): string | undefined {
  const names = declaredNames(call);
  const chosen = names.find((name) => !name.startsWith("-")) ?? names.find((name) => name.startsWith("--")) ?? names[0];
  return chosen?.replace(/^-+/, "").replace(/-/g, "_").toLowerCase();
}
