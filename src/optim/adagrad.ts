// Adagrad with learning-rate decay and an initial accumulator, step for step as torch.optim.Adagrad.
import { add, div, mul, neg, sqrt } from "../ops/elementwise.js";
import { fullLike } from "../ops/creation.js";
import { treeLeavesWithPaths, treeMap, treeUnflatten, type PyTree } from "../graph/pytree.js";
import type { GradientTransformation } from "./GradientTransformation.js";
import type { LearningRate } from "./schedules.js";
import { checkCount, checkLr, leavesLike, lrAt, nonNegative } from "./_optimizer.js";
import { fusedAdagradStep } from "../ops/fusedUpdates.js";

export interface AdagradOptions {
  /** Learning rate: a number, or a schedule of the step count; default 1e-2. */
  readonly lr?: LearningRate;
  /** The lr at step t is lr / (1 + t·lrDecay). */
  readonly lrDecay?: number;
  /** L2 penalty added to the gradient. */
  readonly weightDecay?: number;
  /** Starting value of the sum of squared gradients. */
  readonly initialAccumulatorValue?: number;
  readonly eps?: number;
  /** Ascend the objective instead of descending it. */
  readonly maximize?: boolean;
}

/** Adagrad's state: the step count and the running sum of squared gradients. */
export type AdagradState = { readonly count: number; readonly sum: PyTree };

/**
 * torch.optim.Adagrad as a gradient transformation.
 * @example
 * const opt = adagrad({ lr: 0.1 });
 */
export const adagrad = ({ lr = 1e-2, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10, maximize = false }: AdagradOptions = {}): GradientTransformation<AdagradState> => {
  const name = "adagrad";
  checkLr(name, lr);
  nonNegative(name, "lrDecay", lrDecay);
  nonNegative(name, "weightDecay", weightDecay);
  nonNegative(name, "initialAccumulatorValue", initialAccumulatorValue);
  nonNegative(name, "eps", eps);
  return {
    init: (params) => Object.freeze({ count: 0, sum: treeMap((p) => fullLike(p, initialAccumulatorValue), params as PyTree) }),
    update: (grads, state, params, opts) => {
      const count = checkCount(name, state);
      const gs = treeLeavesWithPaths(grads);
      const ps = leavesLike(name, "params", params, gs);
      const sums = leavesLike(name, "state.sum", state.sum, gs);
      const clr = lrAt(name, lr, count, opts) / (1 + count * lrDecay);
      const steps = sums.map((s, i) => {
        const g0 = gs[i]!.tensor;
        // Where the device has a fused update (the CPU), the same float32 operations in the same order run as one pass,
        // bit for bit these ops' values.
        const r = fusedAdagradStep(g0, ps[i]!, { sum: s }, { negate: maximize, weightDecay, clr, eps });
        if (r !== null) return { sum: r.state.sum, update: r.update };
        let g = maximize ? neg(g0) : g0;
        if (weightDecay !== 0) g = add(g, mul(ps[i]!, weightDecay));
        const sum = add(s, mul(g, g));
        return { sum, update: div(mul(g, -clr), add(sqrt(sum), eps)) };
      });
      return {
        updates: treeUnflatten(grads, steps.map((x) => x.update)),
        state: Object.freeze({ count: count + 1, sum: treeUnflatten(grads as PyTree, steps.map((x) => x.sum)) }),
      };
    },
  };
};
