// Adam and AdamW (decoupled weight decay), with AMSGrad, step for step as torch.optim.Adam / AdamW.
import type { Tensor } from "../ops/Tensor.js";
import { add, div, maximum, mul, neg, sqrt, sub } from "../ops/elementwise.js";
import { zerosLike } from "../ops/creation.js";
import { treeLeavesWithPaths, treeMap, treeUnflatten, type PyTree } from "../graph/pytree.js";
import type { GradientTransformation } from "./GradientTransformation.js";
import type { LearningRate } from "./schedules.js";
import { checkCount, checkLr, checkOption, leavesLike, lrAt, nonNegative } from "./_optimizer.js";
import { fusedAdamStep, type AdamConstants } from "../ops/fusedUpdates.js";

export interface AdamOptions {
  /** Learning rate: a number, or a schedule of the step count; default 1e-3. */
  readonly lr?: LearningRate;
  /** Decay rates of the first and second moment averages; default [0.9, 0.999]. */
  readonly betas?: readonly [number, number];
  readonly eps?: number;
  /** Adam: L2 penalty added to the gradient; AdamW: decoupled decay of the weights (default 1e-2 there). */
  readonly weightDecay?: number;
  /** Normalise by the running maximum of the second moment (AMSGrad). */
  readonly amsgrad?: boolean;
  /** Ascend the objective instead of descending it. */
  readonly maximize?: boolean;
}

/** Adam's state: step count, first and second moments, and their running maximum (an empty record without amsgrad). */
export type AdamState = { readonly count: number; readonly expAvg: PyTree; readonly expAvgSq: PyTree; readonly maxExpAvgSq: PyTree };

const adamFamily = (name: "adam" | "adamw", decoupled: boolean, { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay, amsgrad = false, maximize = false }: AdamOptions & { weightDecay: number }): GradientTransformation<AdamState> => {
  checkLr(name, lr);
  checkOption(name, "betas", betas, Array.isArray(betas) && betas.length === 2, "a pair [beta1, beta2]");
  const [beta1, beta2] = betas;
  checkOption(name, "betas[0]", beta1, beta1 >= 0 && beta1 < 1, "in [0, 1)");
  checkOption(name, "betas[1]", beta2, beta2 >= 0 && beta2 < 1, "in [0, 1)");
  nonNegative(name, "eps", eps);
  nonNegative(name, "weightDecay", weightDecay);
  const zeros = (params: unknown): PyTree => treeMap((p) => zerosLike(p), params as PyTree);
  return {
    init: (params) => Object.freeze({ count: 0, expAvg: zeros(params), expAvgSq: zeros(params), maxExpAvgSq: amsgrad ? zeros(params) : {} }),
    update: (grads, state, params, opts) => {
      const count = checkCount(name, state);
      const gs = treeLeavesWithPaths(grads);
      const ps = leavesLike(name, "params", params, gs);
      const ms = leavesLike(name, "state.expAvg", state.expAvg, gs);
      const vs = leavesLike(name, "state.expAvgSq", state.expAvgSq, gs);
      const vmaxs = amsgrad ? leavesLike(name, "state.maxExpAvgSq", state.maxExpAvgSq, gs) : [];
      const rate = lrAt(name, lr, count, opts);
      // Bias corrections in float64 on the host, as PyTorch computes them from the step number.
      const step = count + 1;
      const stepSize = rate / (1 - beta1 ** step);
      const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
      const next = { m: [] as Tensor[], v: [] as Tensor[], vmax: [] as Tensor[] };
      // Rounding to nearest is symmetric and a product's sign is the xor of its operands' (zeros included), so without an
      // L2 term maximize needs no pass of its own: m takes g·(−(1 − β1)) and v takes (g·(1 − β2))·g, bit for bit the values
      // of −g. (With L2 decay, −g + p·wd is kept: folding it changes the sign of a zero moment where g and p are 0.)
      const l2 = weightDecay !== 0 && !decoupled;
      const sign = maximize && !l2 ? -1 : 1;
      const decay = weightDecay !== 0 && decoupled ? 1 - rate * weightDecay : null;
      const fused: AdamConstants = {
        l2, negate: maximize && l2, amsgrad, weightDecay, beta1, gradCoef: sign * (1 - beta1), beta2, bc2Sqrt, eps, negStepSize: -stepSize, decay,
      };
      const updates = gs.map(({ tensor: g0 }, i) => {
        const p = ps[i]!;
        // Where the device has a fused update (the CPU), the same float32 operations in the same order run as one pass,
        // bit for bit these ops' values.
        const r = fusedAdamStep(g0, p, { m: ms[i]!, v: vs[i]!, vmax: amsgrad ? vmaxs[i]! : null }, fused);
        if (r !== null) {
          next.m.push(r.state.m);
          next.v.push(r.state.v);
          if (r.state.vmax !== null) next.vmax.push(r.state.vmax);
          return r.update;
        }
        let g = maximize && l2 ? neg(g0) : g0;
        if (l2) g = add(g, mul(p, weightDecay));
        // The same operation order as torch's mul_/add_/addcmul_ so that float32 rounding matches.
        const m = add(mul(ms[i]!, beta1), mul(g, sign * (1 - beta1)));
        const v = add(mul(vs[i]!, beta2), mul(mul(g, 1 - beta2), g));
        next.m.push(m);
        next.v.push(v);
        let second = v;
        if (amsgrad) {
          second = maximum(vmaxs[i]!, v);
          next.vmax.push(second);
        }
        // Once β2^step ≤ 2^-54, 1 − β2^step is exactly 1 in float64, and x / 1 = x: skip the pass (from step ~37,400 with
        // β2 = 0.999, ~3,700 with 0.99, ~730 with 0.95).
        const denom = add(bc2Sqrt === 1 ? sqrt(second) : div(sqrt(second), bc2Sqrt), eps);
        const delta = div(mul(m, -stepSize), denom);
        // AdamW shrinks the weights first (p ← p·(1 − lr·wd)); as an update that is p·(1 − lr·wd) − p.
        return decay !== null ? add(sub(mul(p, decay), p), delta) : delta;
      });
      const tree = (xs: Tensor[]): PyTree => treeUnflatten(grads as PyTree, xs);
      return {
        updates: treeUnflatten(grads, updates),
        state: Object.freeze({ count: step, expAvg: tree(next.m), expAvgSq: tree(next.v), maxExpAvgSq: amsgrad ? tree(next.vmax) : {} }),
      };
    },
  };
};

/**
 * torch.optim.Adam as a gradient transformation (weightDecay is an L2 term added to the gradient).
 * @example
 * const opt = adam({ lr: 1e-3 });
 */
export const adam = ({ weightDecay = 0, ...opts }: AdamOptions = {}): GradientTransformation<AdamState> =>
  adamFamily("adam", false, { ...opts, weightDecay });

/**
 * torch.optim.AdamW as a gradient transformation (decoupled weight decay, default 1e-2).
 * @example
 * const opt = adamw({ lr: 3e-4, weightDecay: 0.1 });
 */
export const adamw = ({ weightDecay = 1e-2, ...opts }: AdamOptions = {}): GradientTransformation<AdamState> =>
  adamFamily("adamw", true, { ...opts, weightDecay });
