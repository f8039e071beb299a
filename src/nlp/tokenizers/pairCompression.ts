// Byte pair encoding as the data-compression algorithm it started as (Gage, 1994): the notes' "abbabyabya" example.

/** One replacement: the most frequent adjacent pair, how often it occurred, the new unit and the data after it. */
export interface PairCompressionStep {
  readonly pair: string;
  readonly count: number;
  readonly replacement: string;
  readonly data: string;
}

/**
 * Repeatedly replaces the most frequent adjacent pair of units with a new unit not in the data; stops when the
 * replacements run out or no pair occurs more than once. Ties go to the pair that occurs first in the data.
 * @example
 * compressPairs("abbabyabya", { replacements: ["Z", "Y"] }).map((s) => s.data); // ["ZbZyZya", "ZbYYa"]
 */
export const compressPairs = (data: string, { replacements }: { readonly replacements: readonly string[] }): readonly PairCompressionStep[] => {
  const steps: PairCompressionStep[] = [];
  let units = Array.from(data);
  for (const replacement of replacements) {
    if (units.includes(replacement)) throw new Error(`compressPairs: replacement ${JSON.stringify(replacement)} already occurs in the data`);
    // Count adjacent pairs in order of first occurrence (Map keeps insertion order, so the first maximum wins ties).
    const counts = new Map<string, number>();
    for (let i = 0; i + 1 < units.length; i++) {
      const pair = units[i]! + units[i + 1]!;
      counts.set(pair, (counts.get(pair) ?? 0) + 1);
    }
    let best = "";
    let bestCount = 1;
    for (const [pair, count] of counts) if (count > bestCount) [best, bestCount] = [pair, count];
    if (best === "") break;
    // Replace left to right without overlaps, as a compressor must (the replaced units are gone).
    const next: string[] = [];
    for (let i = 0; i < units.length; i++) {
      if (i + 1 < units.length && units[i]! + units[i + 1]! === best) {
        next.push(replacement);
        i++;
      } else next.push(units[i]!);
    }
    units = next;
    steps.push({ pair: best, count: bestCount, replacement, data: units.join("") });
  }
  return steps;
};
