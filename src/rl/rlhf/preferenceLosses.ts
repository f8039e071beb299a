// Losses on preference pairs: Bradley–Terry for a reward model, and DPO for a policy against its reference (Rafailov et al. 2023; TRL's sigmoid loss).
import type { Tensor } from "../../ops/Tensor.js";
import { logsigmoid } from "../../ops/activation.js";

const sameShape = (op: string, xs: Readonly<Record<string, Tensor>>): void => {
  const entries = Object.entries(xs);
  const [n0, x0] = entries[0]!;
  for (const [n, x] of entries)
    if (x.ndim !== 1 || x.shape[0] !== x0.shape[0])
      throw new Error(`${op}: ${n} has shape [${x.shape.join(", ")}] but ${n0} has shape [${x0.shape.join(", ")}]; each must be [pairs]`);
};

/**
 * The Bradley–Terry loss of a reward model, mean of −log σ(r_chosen − r_rejected) over pairs.
 * @example
 * const loss = bradleyTerryLoss(reward(params, chosen), reward(params, rejected));
 */
export const bradleyTerryLoss = (chosenRewards: Tensor, rejectedRewards: Tensor): Tensor => {
  sameShape("bradleyTerryLoss", { chosenRewards, rejectedRewards });
  return logsigmoid(chosenRewards.sub(rejectedRewards)).neg().mean();
};

/** The fraction of pairs whose chosen answer scores higher than the rejected one. */
export const pairwiseAccuracy = (chosenRewards: Tensor, rejectedRewards: Tensor): number => {
  sameShape("pairwiseAccuracy", { chosenRewards, rejectedRewards });
  return chosenRewards.gt(rejectedRewards).astype("float32").mean().item();
};

/** Sequence log-likelihoods [pairs] of the chosen and rejected answers under the policy and under the frozen reference. */
export interface DpoInputs {
  readonly policyChosen: Tensor;
  readonly policyRejected: Tensor;
  readonly referenceChosen: Tensor;
  readonly referenceRejected: Tensor;
}

/** DPO's loss and its implicit rewards β·(log π − log π_ref) of each answer (TRL logs them as rewards/chosen, rewards/rejected). */
export interface DpoLoss {
  readonly loss: Tensor;
  readonly chosenRewards: Tensor;
  readonly rejectedRewards: Tensor;
}

/**
 * Direct preference optimisation: mean over pairs of −log σ(β·((log π_c − log π_r) − (log π_ref,c − log π_ref,r))), with
 * TRL's label smoothing (conservative DPO) as an option. β defaults to TRL's 0.1.
 * @example
 * const { loss } = dpoLoss({ policyChosen, policyRejected, referenceChosen, referenceRejected }, { beta: 0.1 });
 */
export const dpoLoss = (inputs: DpoInputs, { beta = 0.1, labelSmoothing = 0 }: { readonly beta?: number; readonly labelSmoothing?: number } = {}): DpoLoss => {
  sameShape("dpoLoss", { ...inputs });
  if (!(beta > 0)) throw new Error(`dpoLoss: beta must be positive, got ${beta}`);
  if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) throw new Error(`dpoLoss: labelSmoothing must be in [0, 0.5), got ${labelSmoothing}`);
  const { policyChosen, policyRejected, referenceChosen, referenceRejected } = inputs;
  const logits = policyChosen.sub(policyRejected).sub(referenceChosen.sub(referenceRejected)).mul(beta);
  let losses = logsigmoid(logits).neg().mul(1 - labelSmoothing);
  if (labelSmoothing > 0) losses = losses.sub(logsigmoid(logits.neg()).mul(labelSmoothing));
  return {
    loss: losses.mean(),
    chosenRewards: policyChosen.sub(referenceChosen).mul(beta),
    rejectedRewards: policyRejected.sub(referenceRejected).mul(beta),
  };
};
