// BPE training that scales to real corpora: counted words, incremental pair counts, a pair → words index and a priority queue (as HF's BpeTrainer).
import { PairHeap } from "./_pairHeap.js";
import type { BpeModel } from "./bpeTokenizer.js";
import { BYTE_TO_UNICODE, UNICODE_TO_BYTE } from "./byteToUnicode.js";
import { END_OF_WORD } from "./learnClassicBpe.js";
import { GPT2_PATTERN } from "./pretokenizePatterns.js";
import { TokenizerError } from "./TokenizerError.js";

/** Options of {@link trainBpe}. */
export interface TrainBpeOptions {
  /** Stop when the vocabulary (special tokens, initial symbols, merged tokens) has this many tokens. */
  readonly vocabSize: number;
  /** `"byte-level"` (GPT-2: the 256 bytes are the initial symbols) or `"classic"` (the notes: characters plus `</w>`). */
  readonly mode?: "byte-level" | "classic";
  /** Stop when the most frequent pair occurs fewer times than this (default 2: a pair seen once is not merged). */
  readonly minFrequency?: number;
  /** Special tokens, given the first ids (as HF does). */
  readonly specialTokens?: readonly string[];
  /** Stop after this many merges. */
  readonly maxMerges?: number;
  /** The pre-tokenisation regex the words were counted with (byte-level; stored in the model). */
  readonly pattern?: string;
}

/** A trained BPE: tokens by id (GPT-2 characters in byte-level mode), merges in order, and for byte-level mode a model. */
export interface TrainedBpe {
  readonly vocabulary: readonly string[];
  readonly merges: readonly (readonly [string, string])[];
  /** The byte-level model (encode with `bpeTokenizer(model)`, save with `toTokenizerJson(model)`); absent in classic mode. */
  readonly model?: BpeModel;
}

const MAX_OFFSET = 2 ** 20;
const utf8 = new TextEncoder();

/**
 * Learns BPE merges from word counts. Each merge takes the most frequent adjacent pair; ties go to the pair that occurs
 * first, scanning words in the order of `wordCounts` and each word left to right — the same merges, in the same order,
 * as the notes' recount-everything loop ({@link learnClassicBpe} in classic mode), but each merge only touches the words
 * that contain its pair, found through a pair → words index, with candidates kept in a priority queue.
 * @example
 * const trained = trainBpe(countWords(lines), { vocabSize: 1000, specialTokens: ["<|endoftext|>"] });
 * const tok = bpeTokenizer(trained.model!);
 */
export const trainBpe = (wordCounts: ReadonlyMap<string, number>, options: TrainBpeOptions): TrainedBpe => {
  const { vocabSize, mode = "byte-level", minFrequency = 2, specialTokens = [], maxMerges = Infinity, pattern = GPT2_PATTERN } = options;
  if (!(Number.isInteger(vocabSize) && vocabSize > 0)) throw new TokenizerError({ message: `trainBpe: vocabSize must be a positive integer, got ${vocabSize}` });
  if (vocabSize > 2 ** 21) throw new TokenizerError({ message: `trainBpe: vocabSize must be at most ${2 ** 21}, got ${vocabSize}` });
  const oldKeys: number[] = [];
  const hit: number[] = []; // per symbol of the word being merged: 1 where a merge site is
  const fresh: number[] = []; // per symbol after merging: 1 for the merged token
  // Vocabulary: special tokens first, then the initial symbols, then one token per merge.
  const vocabulary: string[] = [...specialTokens];
  const idOf = new Map<string, number>(vocabulary.map((t, i) => [t, i]));
  if (idOf.size !== vocabulary.length) throw new TokenizerError({ message: "trainBpe: specialTokens has a duplicate" });
  const addToken = (t: string): number => {
    let id = idOf.get(t);
    if (id === undefined) {
      id = vocabulary.length;
      vocabulary.push(t);
      idOf.set(t, id);
    }
    return id;
  };
  if (mode === "byte-level") for (const c of BYTE_TO_UNICODE) addToken(c);

  // Words as symbol ids, with each symbol's offset in the original word (stable under merges, for the tie-break).
  const symbols: number[][] = [];
  const offsets: number[][] = [];
  const freqs: number[] = [];
  for (const [word, freq] of wordCounts) {
    if (!(Number.isInteger(freq) && freq > 0)) throw new TokenizerError({ message: `trainBpe: the count of ${JSON.stringify(word)} must be a positive integer, got ${freq}` });
    const units = mode === "byte-level" ? Array.from(utf8.encode(word), (b) => BYTE_TO_UNICODE[b]!) : [...Array.from(word), END_OF_WORD];
    if (word === "" || (mode === "classic" && /\s/u.test(word))) throw new TokenizerError({ message: `trainBpe: word ${JSON.stringify(word)} is empty or (classic mode) contains whitespace` });
    symbols.push(units.map(addToken));
    offsets.push(units.map((_, i) => Math.min(i, MAX_OFFSET - 1)));
    freqs.push(freq);
  }

  // A pair of ids packs into one number, a * pair + b; below 2^30 it is a small integer, V8's fastest Map key.
  const maxIds = Math.max(vocabSize, vocabulary.length);
  if (maxIds > 2 ** 21) throw new TokenizerError({ message: `trainBpe: more than ${2 ** 21} symbols (${vocabulary.length} distinct characters)` });
  const pair = maxIds <= 2 ** 15 ? 2 ** 15 : 2 ** 21;
  const counts = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  symbols.forEach((s, w) => {
    for (let i = 0; i + 1 < s.length; i++) {
      const key = s[i]! * pair + s[i + 1]!;
      counts.set(key, (counts.get(key) ?? 0) + freqs[w]!);
      let set = where.get(key);
      if (set === undefined) where.set(key, (set = new Set()));
      set.add(w);
    }
  });
  /** Where a pair first occurs now: (word index, offset of its left symbol), packed so smaller is earlier. */
  const firstOccurrence = (key: number): number => {
    let w = Infinity;
    for (const x of where.get(key) ?? []) if (x < w) w = x;
    if (w === Infinity) return Infinity;
    const s = symbols[w]!;
    const a = Math.floor(key / pair);
    const b = key % pair;
    for (let i = 0; i + 1 < s.length; i++) if (s[i] === a && s[i + 1] === b) return w * MAX_OFFSET + offsets[w]![i]!;
    return Infinity;
  };
  const heap = new PairHeap();
  for (const [key, count] of counts) heap.push({ key, count, first: firstOccurrence(key) });

  const merges: [string, string][] = [];
  while (merges.length < maxMerges && vocabulary.length < vocabSize) {
    const top = heap.pop();
    if (top === undefined) break;
    const count = counts.get(top.key) ?? 0;
    // Counts of existing pairs only fall and first occurrences only move later, so a stale entry is too optimistic:
    // refresh it and put it back.
    if (count !== top.count) {
      if (count > 0) heap.push({ key: top.key, count, first: firstOccurrence(top.key) });
      continue;
    }
    const first = firstOccurrence(top.key);
    if (first !== top.first) {
      heap.push({ key: top.key, count, first });
      continue;
    }
    if (count < minFrequency) break;
    const a = Math.floor(top.key / pair);
    const b = top.key % pair;
    const merged = addToken(vocabulary[a]! + vocabulary[b]!);
    merges.push([vocabulary[a]!, vocabulary[b]!]);

    const touched = new Set<number>();
    for (const w of where.get(top.key)!) {
      const sym = symbols[w]!;
      const off = offsets[w]!;
      const freq = freqs[w]!;
      let len = sym.length;
      let has = false;
      for (let i = 0; i + 1 < len; i++) if (sym[i] === a && sym[i + 1] === b) has = true;
      if (!has) continue;
      // Only pairs touching a merge site change: take those out, merge in place (left to right, no overlaps), put the
      // new ones (with the merged token) in. Pairs away from every site are the same before and after.
      hit.length = 0;
      for (let i = 0; i < len; i++) hit.push(0);
      for (let i = 0; i + 1 < len; i++) if (sym[i] === a && sym[i + 1] === b) (hit[i] = hit[i + 1] = 1), i++;
      oldKeys.length = 0;
      for (let i = 0; i + 1 < len; i++) {
        if (hit[i] === 0 && hit[i + 1] === 0) continue;
        const key = sym[i]! * pair + sym[i + 1]!;
        counts.set(key, counts.get(key)! - freq);
        oldKeys.push(key);
      }
      fresh.length = 0;
      let out = 0;
      for (let i = 0; i < len; i++, out++) {
        off[out] = off[i]!;
        if (i + 1 < len && hit[i] === 1 && sym[i] === a && sym[i + 1] === b) {
          sym[out] = merged;
          fresh.push(1);
          i++;
        } else {
          sym[out] = sym[i]!;
          fresh.push(0);
        }
      }
      sym.length = off.length = len = out;
      for (let i = 0; i + 1 < len; i++) {
        if (fresh[i] === 0 && fresh[i + 1] === 0) continue;
        const key = sym[i]! * pair + sym[i + 1]!;
        counts.set(key, (counts.get(key) ?? 0) + freq);
        let set = where.get(key);
        if (set === undefined) where.set(key, (set = new Set()));
        set.add(w);
        touched.add(key);
      }
      // Pairs the word no longer has leave the index (words are short: a linear search is cheapest).
      for (const key of oldKeys) {
        if (key === top.key) continue;
        let still = false;
        for (let i = 0; i + 1 < len && !still; i++) still = sym[i]! * pair + sym[i + 1]! === key;
        if (!still) {
          const set = where.get(key);
          set?.delete(w);
          // Forget pairs that occur nowhere any more (memory: most pairs ever seen die out as merges proceed).
          if (set?.size === 0) where.delete(key);
          if (counts.get(key) === 0) counts.delete(key);
        }
      }
    }
    counts.delete(top.key);
    where.delete(top.key);
    // Pairs with the new token are new pairs: they enter the queue with their full count.
    for (const key of touched) {
      const c = counts.get(key)!;
      if (c > 0) heap.push({ key, count: c, first: firstOccurrence(key) });
    }
  }

  if (mode === "classic") return { vocabulary, merges };
  const tokens = vocabulary.map((t, id) => (id < specialTokens.length ? undefined : Uint8Array.from(t, (c) => UNICODE_TO_BYTE.get(c)!)));
  const model: BpeModel = {
    tokens,
    merges: merges.map(([x, y]) => [idOf.get(x)!, idOf.get(y)!] as const),
    pattern,
    specialTokens: new Map(specialTokens.map((t, i) => [t, i])),
    addPrefixSpace: false,
    defaultAllowedSpecial: "all",
  };
  return { vocabulary, merges, model };
};
