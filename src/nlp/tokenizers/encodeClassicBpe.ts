// The curriculum's BPE encoding: longest subword first, recursively on what is left, `<unk>` for what no subword covers.
import { END_OF_WORD } from "./learnClassicBpe.js";

/** Options of {@link encodeClassicBpe}. */
export interface EncodeClassicBpeOptions {
  /** The piece for a stretch no subword covers (default `<unk>`). */
  readonly unknown?: string;
  /** Appended to each word before matching (default `</w>`); pass `""` when words already carry it. */
  readonly endOfWord?: string;
}

const tokenizePiece = (piece: string, sorted: readonly string[], from: number, unknown: string): string[] => {
  if (piece === "") return [];
  for (let i = from; i < sorted.length; i++) {
    const token = sorted[i]!;
    if (!piece.includes(token)) continue;
    // Split around every occurrence; the stretches in between are matched with the shorter subwords that follow.
    const parts = piece.split(token);
    const out: string[] = [];
    parts.forEach((part, k) => {
      if (k > 0) out.push(token);
      out.push(...tokenizePiece(part, sorted, i + 1, unknown));
    });
    return out;
  }
  return [unknown];
};

/**
 * Splits each word into subwords as the notes teach: sort the vocabulary by length (longest first; equal lengths keep
 * the vocabulary's order), take the first subword that occurs in the word, and match the stretches on either side with
 * the remaining subwords; a stretch nothing matches becomes `<unk>`. Lengths are string lengths, `</w>` included.
 * @example
 * encodeClassicBpe(["mountain"], ["errrr</w>", "tain</w>", "moun", "est</w>", "high", "the</w>", "a</w>"]); // [["moun", "tain</w>"]]
 */
export const encodeClassicBpe = (words: readonly string[], vocabulary: readonly string[], options: EncodeClassicBpeOptions = {}): string[][] => {
  const { unknown = "<unk>", endOfWord = END_OF_WORD } = options;
  const sorted = vocabulary.map((t, i) => [t, i] as const).sort((x, y) => y[0].length - x[0].length || x[1] - y[1]).map(([t]) => t);
  if (sorted.includes("")) throw new Error("encodeClassicBpe: the vocabulary contains the empty string");
  return words.map((w) => tokenizePiece(w + endOfWord, sorted, 0, unknown));
};
