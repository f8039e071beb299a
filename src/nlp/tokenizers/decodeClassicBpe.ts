// The curriculum's BPE decoding: concatenate subwords until one ends with the end-of-word marker.
import { END_OF_WORD } from "./learnClassicBpe.js";

/**
 * Joins subwords into words: pieces are concatenated until one ends with `</w>`, which closes the word (the marker is
 * kept, as the notes print it). Pieces after the last marker form a final, unfinished word.
 * @example
 * decodeClassicBpe(["moun", "tain</w>", "high", "the</w>"]); // ["mountain</w>", "highthe</w>"]
 */
export const decodeClassicBpe = (pieces: readonly string[], { endOfWord = END_OF_WORD }: { readonly endOfWord?: string } = {}): string[] => {
  const words: string[] = [];
  let current = "";
  for (const piece of pieces) {
    current += piece;
    if (piece.endsWith(endOfWord)) {
      words.push(current);
      current = "";
    }
  }
  if (current !== "") words.push(current);
  return words;
};
