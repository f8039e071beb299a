// The curriculum's BPE vocabulary building (Sennrich et al. 2016, as the notes and Lei Mao's post teach it): characters plus `</w>`, merge the most frequent pair.

/** The end-of-word marker the notes append to every word. */
export const END_OF_WORD = "</w>";

/** One merge: the pair (two tokens), how often it occurred, and the tokens in use after it with their frequencies. */
export interface ClassicBpeMerge {
  readonly pair: readonly [string, string];
  readonly count: number;
  readonly merged: string;
  /** Every word's current segmentation, as the notes print it: `"n e w es t </w>"` → frequency. */
  readonly words: ReadonlyMap<string, number>;
  /** Tokens in use after this merge (a token disappears when every occurrence was merged away), with frequencies. */
  readonly tokens: ReadonlyMap<string, number>;
}

/** A learned classic BPE: the merges in order, and the vocabulary (the characters, `</w>` and every merged token), longest first. */
export interface ClassicBpe {
  readonly merges: readonly ClassicBpeMerge[];
  readonly vocabulary: readonly string[];
}

/** Options of {@link learnClassicBpe}. */
export interface LearnClassicBpeOptions {
  /** Stop once the vocabulary (characters, `</w>` and one token per merge) has this many tokens (the notes' "expected vocabulary size"). */
  readonly vocabSize?: number;
  /** Stop after this many merges. */
  readonly maxMerges?: number;
  /** The end-of-word marker (default `</w>`). */
  readonly endOfWord?: string;
}

const tokensOf = (words: ReadonlyMap<string, number>): Map<string, number> => {
  const tokens = new Map<string, number>();
  for (const [word, freq] of words) for (const t of word.split(" ")) tokens.set(t, (tokens.get(t) ?? 0) + freq);
  return tokens;
};

/**
 * Learns merges from word frequencies exactly as the notes do: every word becomes its characters plus `</w>`; each
 * iteration recounts adjacent pairs (weighted by word frequency) and merges the most frequent one everywhere. Stops at
 * `vocabSize` tokens (the initial characters plus one per merge, as Sennrich's and HF's trainers count), after `maxMerges`, or when the most frequent pair occurs only once.
 *
 * Tie-break: among pairs with the same count, the pair that occurs first wins, scanning the words in the order given
 * and each word left to right (so `e s` beats `s t` and `t </w>` in the notes' example, all at 9).
 * @example
 * learnClassicBpe(new Map([["low", 5], ["lower", 2], ["newest", 6], ["widest", 3]]), { maxMerges: 3 }).merges.map((m) => m.merged);
 * // ["es", "est", "est</w>"]
 */
export const learnClassicBpe = (wordCounts: ReadonlyMap<string, number>, options: LearnClassicBpeOptions = {}): ClassicBpe => {
  const { vocabSize = Infinity, maxMerges = Infinity, endOfWord = END_OF_WORD } = options;
  // Symbols are separated by spaces, as in the notes; a word containing a space cannot be represented.
  let words = new Map<string, number>();
  for (const [word, freq] of wordCounts) {
    if (word === "" || /\s/u.test(word)) throw new Error(`learnClassicBpe: word ${JSON.stringify(word)} is empty or contains whitespace`);
    if (!(Number.isInteger(freq) && freq > 0)) throw new Error(`learnClassicBpe: frequency of ${JSON.stringify(word)} must be a positive integer, got ${freq}`);
    const key = [...Array.from(word), endOfWord].join(" ");
    words.set(key, (words.get(key) ?? 0) + freq);
  }
  const merges: ClassicBpeMerge[] = [];
  let tokens = tokensOf(words);
  const vocabulary = [...tokens.keys()];
  while (merges.length < maxMerges && vocabulary.length < vocabSize) {
    const counts = new Map<string, number>();
    for (const [word, freq] of words) {
      const s = word.split(" ");
      for (let i = 0; i + 1 < s.length; i++) {
        const pair = `${s[i]} ${s[i + 1]}`;
        counts.set(pair, (counts.get(pair) ?? 0) + freq);
      }
    }
    let best = "";
    let bestCount = 1;
    for (const [pair, count] of counts) if (count > bestCount) [best, bestCount] = [pair, count];
    if (best === "") break; // the most frequent pair occurs once (or there are no pairs): nothing worth merging
    const [a, b] = best.split(" ") as [string, string];
    const next = new Map<string, number>();
    for (const [word, freq] of words) {
      const s = word.split(" ");
      const out: string[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          out.push(a + b);
          i++;
        } else out.push(s[i]!);
      }
      next.set(out.join(" "), freq);
    }
    words = next;
    tokens = tokensOf(words);
    merges.push({ pair: [a, b], count: bestCount, merged: a + b, words, tokens });
    if (!vocabulary.includes(a + b)) vocabulary.push(a + b);
  }
  // Longest first, as encoding wants it; the sort is stable, so equal lengths keep first-seen (merge) order.
  return { merges, vocabulary: vocabulary.sort((x, y) => y.length - x.length) };
};
