// Token ids → text as they arrive: an operator that emits each piece of text once its UTF-8 bytes are complete.
import { Observable, type OperatorFunction } from "rxjs";
import type { Tokenizer } from "./tokenizers/bpeTokenizer.js";

/**
 * Decodes a stream of token ids into a stream of text pieces. A byte-level BPE token can end in the middle of a UTF-8
 * character (an emoji spans several tokens); its bytes are held back until the character is complete, so pieces
 * joined equal `tokenizer.decode(allIds)`. Bytes still incomplete when the stream ends become U+FFFD, as in `decode`.
 * Ids that produce no complete character yet emit nothing.
 * @example
 * generate(lm, tokenizer.encode("The"), { maxTokens: 20, temperature: 0 }).pipe(decodeStream(tokenizer)).subscribe((s) => process.stdout.write(s));
 */
export const decodeStream = (tokenizer: Tokenizer): OperatorFunction<number, string> => (source) =>
  new Observable<string>((subscriber) => {
    const decoder = new TextDecoder("utf-8", { fatal: false });
    return source.subscribe({
      next: (id) => {
        try {
          const piece = decoder.decode(tokenizer.decodeBytes([id]), { stream: true });
          if (piece !== "") subscriber.next(piece);
        } catch (e) {
          subscriber.error(e);
        }
      },
      error: (e: unknown) => subscriber.error(e),
      complete: () => {
        const rest = decoder.decode();
        if (rest !== "") subscriber.next(rest);
        subscriber.complete();
      },
    });
  });
