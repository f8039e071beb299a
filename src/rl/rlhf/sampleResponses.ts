// Responses sampled from a causal LM for a batch of prompts, gathered into one list of token ids per prompt.
import { lastValueFrom, reduce } from "rxjs";
import type { Key } from "../../ops/random.js";
import { generateBatch, type CausalLm } from "../../nlp/generate.js";

/**
 * Samples `maxTokens` tokens after each prompt (temperature 1 and no truncation by default, so the tokens follow the
 * model's own distribution, as PPO's ratio assumes); a sequence that hits a stop token ends early.
 * @example
 * const responses = await sampleResponses(lm, [[464, 2068], [40]], { maxTokens: 16, key: key(0) });
 */
export const sampleResponses = async (lm: CausalLm, prompts: readonly (readonly number[])[], { maxTokens, key, temperature = 1, stop }: { readonly maxTokens: number; readonly key: Key; readonly temperature?: number; readonly stop?: readonly number[] }): Promise<number[][]> =>
  lastValueFrom(
    generateBatch(lm, prompts, { maxTokens, key, temperature, ...(stop ? { stop } : {}) }).pipe(
      reduce((acc, step) => acc.map((r, b) => (step[b] === null || step[b] === undefined ? r : [...r, step[b]!])), prompts.map(() => [] as number[])),
    ),
    { defaultValue: prompts.map(() => [] as number[]) },
  );
