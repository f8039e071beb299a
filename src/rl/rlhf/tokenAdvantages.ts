// GAE over the tokens of a response (TRL's PPOTrainer: values and rewards masked, γ = 1, λ = 0.95 by default), then whitened.
import type { Tensor } from "../../ops/Tensor.js";
import { stack } from "../../ops/join.js";
import { zeros } from "../../ops/creation.js";
import { maskedWhiten } from "./maskedStats.js";

/** Whitened advantages (for the policy loss) and returns (the value head's targets), each [batch, tokens]. */
export interface TokenAdvantages {
  readonly advantages: Tensor;
  readonly returns: Tensor;
}

/**
 * Generalised advantage estimation along the token axis: δ_t = r_t + γ·V_{t+1} − V_t, A_t = δ_t + γλ·A_{t+1}, with values
 * and rewards zeroed outside `mask`; returns = A + V; the advantages are then whitened over the masked tokens.
 * @example
 * const { advantages, returns } = tokenAdvantages(values, rewards, mask);
 */
export const tokenAdvantages = (values: Tensor, rewards: Tensor, mask: Tensor, { gamma = 1, lam = 0.95 }: { readonly gamma?: number; readonly lam?: number } = {}): TokenAdvantages => {
  if (values.ndim !== 2 || [rewards, mask].some((x) => x.ndim !== 2 || x.shape[0] !== values.shape[0] || x.shape[1] !== values.shape[1]))
    throw new Error(`tokenAdvantages: values, rewards and mask must all be [batch, tokens], got [${values.shape.join(", ")}], [${rewards.shape.join(", ")}], [${mask.shape.join(", ")}]`);
  const m = mask.astype("float32");
  const v = values.mul(m);
  const r = rewards.mul(m);
  const [batch, tokens] = v.shape as [number, number];
  const reversed: Tensor[] = [];
  let next: Tensor = zeros([batch]);
  for (let t = tokens - 1; t >= 0; t--) {
    const nextValue = t < tokens - 1 ? v.select(1, t + 1) : zeros([batch]);
    const delta = r.select(1, t).add(nextValue.mul(gamma)).sub(v.select(1, t));
    next = delta.add(next.mul(gamma * lam));
    reversed.push(next);
  }
  const advantages = stack(reversed.reverse(), 1);
  return { advantages: maskedWhiten(advantages, m), returns: advantages.add(v) };
};
