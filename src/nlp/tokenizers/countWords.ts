// Word counting for BPE training: pre-tokenise text (GPT-2's regex for byte-level BPE, whitespace for classic BPE) and count each piece.
import { GPT2_PATTERN, pretokenizeRegExp } from "./pretokenizePatterns.js";

/** Options of {@link countWords}. */
export interface CountWordsOptions {
  /** `"byte-level"` splits with `pattern` (default GPT-2's), `"classic"` on whitespace (the notes' words). */
  readonly mode?: "byte-level" | "classic";
  /** The pre-tokenisation regex for byte-level mode. */
  readonly pattern?: string;
}

/**
 * Counts the words (pre-tokenised pieces) of some texts, in order of first appearance; adds to `into` when given.
 * @example
 * countWords(["low lower low"], { mode: "classic" }); // Map { "low" => 2, "lower" => 1 }
 */
export const countWords = (texts: Iterable<string>, options: CountWordsOptions = {}, into = new Map<string, number>()): Map<string, number> => {
  const { mode = "byte-level", pattern = GPT2_PATTERN } = options;
  const regex = mode === "classic" ? /\S+/gu : pretokenizeRegExp(pattern);
  for (const text of texts) {
    for (const m of text.matchAll(regex)) {
      const w = m[0];
      into.set(w, (into.get(w) ?? 0) + 1);
    }
  }
  return into;
};
