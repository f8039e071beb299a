// The tokenizing operator: a stream of texts becomes a stream of id arrays.
import { map, type OperatorFunction } from "rxjs";
import type { EncodeOptions, Tokenizer } from "../tokenizers/bpeTokenizer.js";

/**
 * Encodes every text with a tokenizer, optionally ending each with an id (e.g. `<|endoftext|>` between documents).
 * @example
 * lines$.pipe(tokenize(loadTokenizer("gpt2"), { append: 50256 }));
 */
export const tokenize = (tokenizer: Tokenizer, { append, ...options }: EncodeOptions & { readonly append?: number } = {}): OperatorFunction<string, number[]> =>
  map((text) => {
    const ids = tokenizer.encode(text, options);
    if (append !== undefined) ids.push(append);
    return ids;
  });
