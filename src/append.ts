// Appending one array to another without a spread: `target.push(...items)` passes every item as an
// argument, and a generated file's tens of thousands of calls or findings overflow the stack.

/** Pushes every item of `items` onto `target`, in order. */
export function appendAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}
