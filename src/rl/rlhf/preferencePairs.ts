// Preference pairs made from a language model's own samples and a labeller: two responses per prompt, the preferred one first.
import { foldIn, type Key } from "../../ops/random.js";
import type { CausalLm } from "../../nlp/generate.js";
import type { Tokenizer } from "../../nlp/tokenizers/bpeTokenizer.js";
import type { Preferring } from "./keywordPreference.js";
import { sampleResponses } from "./sampleResponses.js";

/** A comparison in token ids (and the texts, to show): `chosen` was preferred over `rejected` for `prompt`. */
export interface TokenPair {
  readonly prompt: readonly number[];
  readonly chosen: readonly number[];
  readonly rejected: readonly number[];
  readonly text: { readonly prompt: string; readonly chosen: string; readonly rejected: string };
}

/**
 * Samples two responses per prompt from `lm` and orders each pair by `prefer` on the decoded response; pairs the
 * labeller cannot tell apart (equal scores) are left out.
 * @example
 * const pairs = await preferencePairs(lm, tok, prompts, { responseTokens: 16, prefer: keywordPreference(["module"]), key: key(1) });
 */
export const preferencePairs = async (
  lm: CausalLm,
  tokenizer: Tokenizer,
  prompts: readonly (readonly number[])[],
  { responseTokens, prefer, key }: { readonly responseTokens: number; readonly prefer: Preferring; readonly key: Key },
): Promise<TokenPair[]> => {
  const [a, b] = await Promise.all([0, 1].map((i) => sampleResponses(lm, prompts, { maxTokens: responseTokens, key: foldIn(key, i) })));
  const pairs: TokenPair[] = [];
  prompts.forEach((prompt, i) => {
    const [ra, rb] = [a![i]!, b![i]!];
    const [ta, tb] = [tokenizer.decode(ra), tokenizer.decode(rb)];
    const [sa, sb] = [prefer(ta), prefer(tb)];
    if (sa === sb) return;
    const text = { prompt: tokenizer.decode([...prompt]), chosen: sa > sb ? ta : tb, rejected: sa > sb ? tb : ta };
    pairs.push({ prompt, chosen: sa > sb ? ra : rb, rejected: sa > sb ? rb : ra, text });
  });
  return pairs;
};
