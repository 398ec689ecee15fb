// The young generation of the heap stays at the size V8 starts it with, for the command line only
// (the API leaves its host's V8 as it is). A run allocates texts and views that die at once; V8
// grows the young generation as it sees that allocation, though little of it survives, and every
// page it grows into is memory touched for the first time. Kept at its first size, the whole
// installed Python's dry run peaks at 143 MB instead of 166 MB on Node 20, 160 instead of 183 on
// Node 24 and 158 instead of 186 on Node 26, in the same time, and the standard library's in one
// thread at 95 MB instead of 119, 4% faster (medians of 7–15 alternating runs, docs/performance.md).
//
// V8 puts a growth factor under 2 back to 2 whenever it configures a heap (`Heap::ConfigureHeap`),
// a worker's included, for the whole process: set only before the early worker started, the flag
// changed nothing in runs that share the files. So it is set again once each worker is online.
import v8 from "node:v8";
import { givenNodeFlags, mentionsFlag } from "./tiering.js";

const NO_GROWTH = "--semi-space-growth-factor=1";

/** The flag this process chose, to set again after each worker's heap is configured. */
let chosen: string | undefined;

/**
 * Keeps the young generation at its first size, unless the user sized it themselves (any
 * `semi-space` flag on the command line or in NODE_OPTIONS). Returns the flag set, if any.
 */
export function keepYoungGenerationSmall(userFlags: string = givenNodeFlags(), setFlag: (flag: string) => void = v8.setFlagsFromString): string | undefined {
  if (mentionsFlag(userFlags, "semi-space")) return undefined;
  chosen = NO_GROWTH;
  setFlag(NO_GROWTH);
  return NO_GROWTH;
}

/** Sets the flag again, if this process chose it: for when a worker's heap has been configured (its `online` event). */
export function restoreYoungGenerationFlag(setFlag: (flag: string) => void = v8.setFlagsFromString): void {
  if (chosen) setFlag(chosen);
}
