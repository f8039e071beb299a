// Log-probabilities a language model gives the tokens it was shown: per token, and summed over a sequence's response tokens.
import type { Tensor } from "../../ops/Tensor.js";
import { logSoftmax } from "../../ops/activation.js";
import { gather } from "../../ops/indexing.js";

const checkIds = (op: string, logits: Tensor, ids: Tensor): void => {
  if (logits.ndim !== 3 || ids.ndim !== 2 || logits.shape[0] !== ids.shape[0] || logits.shape[1] !== ids.shape[1])
    throw new Error(`${op}: expected logits [batch, tokens, vocab] and ids [batch, tokens] with the same batch and tokens, got logits [${logits.shape.join(", ")}] and ids [${ids.shape.join(", ")}]`);
  if (ids.dtype !== "int32") throw new Error(`${op}: ids must be int32, got ${ids.dtype}`);
};

/**
 * log p(ids[b, t]) under `logits[b, t]` (TRL's logprobs_from_logits): [batch, tokens, vocab] and [batch, tokens] → [batch, tokens].
 * Shift first for a causal LM: the logits at position t score the token at t + 1.
 * @example
 * const lp = tokenLogprobs(logits.slice(null, [0, -1]), ids.slice(null, [1, null]));
 */
export const tokenLogprobs = (logits: Tensor, ids: Tensor): Tensor => {
  checkIds("tokenLogprobs", logits, ids);
  return gather(logSoftmax(logits, -1), 2, ids.unsqueeze(-1)).squeeze(-1);
};

/** Σ over tokens where `mask` is 1 of log p(token): a sequence's log-likelihood, as DPO and reward models use it. [batch]. */
export const sequenceLogprobs = (logits: Tensor, ids: Tensor, mask: Tensor): Tensor => tokenLogprobs(logits, ids).mul(mask.astype("float32")).sum(-1);

/** The entropy of each position's next-token distribution, −Σ p log p: [batch, tokens, vocab] → [batch, tokens]. */
export const entropyFromLogits = (logits: Tensor): Tensor => {
  const logp = logSoftmax(logits, -1);
  return logp.exp().mul(logp).sum(-1).neg();
};
