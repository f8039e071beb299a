// How a policy does against the reward model and how far it moved from the reference: sampled responses scored, and their KL.
import type { Tensor } from "../../ops/Tensor.js";
import type { Key } from "../../ops/random.js";
import type { Module, Params } from "../../nn/Module.js";
import type { CausalLm } from "../../nlp/generate.js";
import type { RewardInput } from "./rewardModel.js";
import { sampleResponses } from "./sampleResponses.js";
import { sequences, type Sequences } from "./_sequences.js";
import { tokenLogprobs } from "./tokenLogprobs.js";

/** Mean reward-model score of the policy's samples and the mean KL (summed over response tokens) to the reference. */
export interface PolicyReport {
  readonly reward: number;
  readonly kl: number;
  readonly responses: readonly (readonly number[])[];
}

/** Log-probabilities of each sequence's response tokens under `lm`, [B, L−1] (zero outside the response mask). */
export const responseLogprobs = (lm: CausalLm, s: Sequences): Tensor => {
  const l = s.ids.shape[1]!;
  const { logits } = lm.module.forward(lm.params, { ids: s.ids, attentionMask: s.attention });
  return tokenLogprobs(logits.slice(null, [0, l - 1]), s.ids.slice(null, [1, l])).mul(s.responseMask);
};

/**
 * Samples a response per prompt from `policy`, scores it with the reward model and measures KL(π‖π_ref) on the sample
 * (Σ over its tokens of log π − log π_ref, averaged over prompts; TRL's objective/kl).
 * @example
 * const before = await evaluatePolicy(lm, lm, rm, rmParams, prompts, { responseTokens: 16, key: key(9) });
 */
export const evaluatePolicy = async (
  policy: CausalLm,
  reference: CausalLm,
  rewardModel: Module<RewardInput, Tensor>,
  rewardParams: Params,
  prompts: readonly (readonly number[])[],
  { responseTokens, key }: { readonly responseTokens: number; readonly key: Key },
): Promise<PolicyReport> => {
  const responses = await sampleResponses(policy, prompts, { maxTokens: responseTokens, key });
  const s = sequences(prompts, responses);
  const scores = rewardModel.forward(rewardParams, { ids: s.ids, attentionMask: s.attention });
  const kl = responseLogprobs(policy, s).sub(responseLogprobs(reference, s)).sum(-1).mean();
  return { reward: scores.mean().item(), kl: kl.item(), responses };
};
