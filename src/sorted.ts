// Searches in sorted offsets (line starts): the line holding an offset is the last start at or before it.

/** The index of the last value at or before `value` in an ascending array whose first value is at most `value`. */
export function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (high - low > 1) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= value) low = middle;
    else high = middle;
  }
  return low;
}
