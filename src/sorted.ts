// Searches in ascending offsets (line starts, string starts): the line holding an offset is the
// last start at or before it; the first string at or after an offset is where a range's begin.

/**
 * The index of the last value at or before `value` in an ascending array, searching from index
 * `from` on (its value must be at most `value`; 0 by default, whose value must be too).
 */
export function lastAtOrBefore(sorted: readonly number[], value: number, from = 0): number {
  let low = from;
  let high = sorted.length;
  while (high - low > 1) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= value) low = middle;
    else high = middle;
  }
  return low;
}

/** The index of the first value at or after `value` in an ascending array (its length when none is). */
export function firstAtOrAfter(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
