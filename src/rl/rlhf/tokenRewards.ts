// RLHF's per-token rewards: a KL penalty to the reference model at every response token, plus the reward model's score at the last one.
import type { Tensor } from "../../ops/Tensor.js";
import { arange } from "../../ops/creation.js";
import { oneHot } from "../../ops/oneHot.js";

/** The shaped rewards, and the KL part alone (TRL's non_score_reward). */
export interface TokenRewards {
  /** [batch, tokens]: −β·(log π − log π_ref) at each response token, with the score added at the last one. */
  readonly rewards: Tensor;
  /** [batch, tokens]: −β·(log π − log π_ref). */
  readonly klRewards: Tensor;
}

/**
 * Per-token rewards for PPO on a language model (TRL's compute_rewards, `kl_penalty="kl"`): `scores` [batch] from the
 * reward model, the policy's and reference model's log-probabilities of the response tokens [batch, tokens], the
 * response mask [batch, tokens] (1 on response tokens) and the KL coefficient β.
 * @example
 * const { rewards } = klPenalizedRewards(scores, logprobs, refLogprobs, mask, kl.value);
 */
export const klPenalizedRewards = (scores: Tensor, logprobs: Tensor, refLogprobs: Tensor, mask: Tensor, klCoef: number): TokenRewards => {
  const [b, t] = logprobs.shape;
  const same = (x: Tensor) => x.ndim === 2 && x.shape[0] === b && x.shape[1] === t;
  if (logprobs.ndim !== 2 || !same(refLogprobs) || !same(mask) || scores.ndim !== 1 || scores.shape[0] !== b)
    throw new Error(`klPenalizedRewards: expected scores [batch], logprobs, refLogprobs and mask [batch, tokens], got scores [${scores.shape.join(", ")}], logprobs [${logprobs.shape.join(", ")}], refLogprobs [${refLogprobs.shape.join(", ")}], mask [${mask.shape.join(", ")}]`);
  const klRewards = logprobs.sub(refLogprobs).mul(-klCoef);
  // The last response token of each row: the largest position t+1 where the mask is 1 (argmax of mask·(t+1)).
  const last = mask.astype("float32").mul(arange(1, t! + 1)).argmax(1).astype("int32");
  const atLast = oneHot(last, t).astype("float32");
  return { rewards: klRewards.add(atLast.mul(scores.unsqueeze(1))), klRewards };
};
