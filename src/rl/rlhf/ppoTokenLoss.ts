// The PPO loss of RLHF over response tokens (TRL's PPOTrainer.loss): clipped policy surrogate plus a clipped value loss, with its statistics.
import type { Tensor } from "../../ops/Tensor.js";
import { maximum, minimum } from "../../ops/elementwise.js";
import { maskedMean } from "./maskedStats.js";

/** What one minibatch of rollouts holds, each [batch, tokens] (advantages and returns from `tokenAdvantages`). */
export interface TokenRollout {
  readonly oldLogprobs: Tensor;
  readonly oldValues: Tensor;
  readonly advantages: Tensor;
  readonly returns: Tensor;
  readonly mask: Tensor;
}

/** Options of `ppoTokenLoss` (TRL's PPOConfig defaults). */
export interface PpoTokenLossOptions {
  /** Policy ratio clip ε (cliprange, 0.2). */
  readonly clipRange?: number;
  /** Value clip around the old values (cliprange_value, 0.2). */
  readonly clipRangeValue?: number;
  /** Weight of the value loss (vf_coef, 0.1). */
  readonly vfCoef?: number;
}

/** The loss to differentiate and what TRL logs beside it (each a scalar tensor). */
export interface PpoTokenLoss {
  readonly loss: Tensor;
  readonly policyLoss: Tensor;
  readonly valueLoss: Tensor;
  readonly clipFraction: Tensor;
  readonly valueClipFraction: Tensor;
  /** ½·mean((log π − log π_old)²). */
  readonly approxKl: Tensor;
}

/**
 * PPO's objective on tokens given the new log-probabilities and values of the same responses: max(−A·ρ, −A·clip(ρ, 1±ε))
 * and ½·max((V − R)², (clip(V, V_old ± ε_v) − R)²), each averaged over the masked tokens; loss = policy + vfCoef·value.
 * @example
 * const [l] = valueAndGrad((p) => ppoTokenLoss(rollout, newLogprobs(p), newValues(p)).loss)(params);
 */
export const ppoTokenLoss = (rollout: TokenRollout, logprobs: Tensor, values: Tensor, { clipRange = 0.2, clipRangeValue = 0.2, vfCoef = 0.1 }: PpoTokenLossOptions = {}): PpoTokenLoss => {
  const { oldLogprobs, oldValues, advantages, returns, mask } = rollout;
  for (const [name, x] of Object.entries({ oldValues, advantages, returns, mask, logprobs, values }))
    if (x.shape.length !== 2 || x.shape[0] !== oldLogprobs.shape[0] || x.shape[1] !== oldLogprobs.shape[1])
      throw new Error(`ppoTokenLoss: ${name} has shape [${x.shape.join(", ")}], but oldLogprobs is [${oldLogprobs.shape.join(", ")}]; all must be [batch, tokens]`);
  const m = mask.astype("float32");
  // Masked as TRL masks them before clipping (outside the mask nothing counts either way).
  const old = oldValues.mul(m);
  const clippedValues = minimum(maximum(values, old.sub(clipRangeValue)), old.add(clipRangeValue));
  const vfLosses1 = values.sub(returns).square();
  const vfLosses2 = clippedValues.sub(returns).square();
  const valueLoss = maskedMean(maximum(vfLosses1, vfLosses2), m).mul(0.5);
  const ratio = logprobs.sub(oldLogprobs).exp();
  const pgLosses1 = advantages.neg().mul(ratio);
  const pgLosses2 = advantages.neg().mul(ratio.clamp(1 - clipRange, 1 + clipRange));
  const policyLoss = maskedMean(maximum(pgLosses1, pgLosses2), m);
  return {
    loss: policyLoss.add(valueLoss.mul(vfCoef)),
    policyLoss,
    valueLoss,
    clipFraction: maskedMean(pgLosses2.gt(pgLosses1).astype("float32"), m),
    valueClipFraction: maskedMean(vfLosses2.gt(vfLosses1).astype("float32"), m),
    approxKl: maskedMean(logprobs.sub(oldLogprobs).square(), m).mul(0.5),
  };
};
