// The accepted name nearest a mistyped one (Levenshtein distance), for "did you mean" hints in usage errors.

const distance = (a: string, b: string): number => {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
};

/**
 * The candidate closest to `name` when it is close enough to be a typo (at most a third of its letters differ), else undefined.
 * @example
 * closest("lenett", ["lenet", "alexnet"]); // "lenet"
 */
export const closest = (name: string, candidates: readonly string[]): string | undefined => {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(1, Math.round(name.length / 3)) ? best : undefined;
};
