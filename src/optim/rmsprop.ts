// RMSprop (optionally centered, with momentum), step for step as torch.optim.RMSprop.
import type { Tensor } from "../ops/Tensor.js";
import { add, div, mul, neg, sqrt } from "../ops/elementwise.js";
import { zerosLike } from "../ops/creation.js";
import { treeLeavesWithPaths, treeMap, treeUnflatten, type PyTree } from "../graph/pytree.js";
import type { GradientTransformation } from "./GradientTransformation.js";
import type { LearningRate } from "./schedules.js";
import { checkCount, checkLr, leavesLike, lrAt, nonNegative } from "./_optimizer.js";
import { fusedRmspropStep, type RmspropConstants } from "../ops/fusedUpdates.js";

export interface RmspropOptions {
  /** Learning rate: a number, or a schedule of the step count; default 1e-2. */
  readonly lr?: LearningRate;
  /** Smoothing constant of the squared-gradient average; default 0.99. */
  readonly alpha?: number;
  readonly eps?: number;
  /** L2 penalty added to the gradient. */
  readonly weightDecay?: number;
  readonly momentum?: number;
  /** Normalise by an estimate of the gradient's variance instead of its second moment. */
  readonly centered?: boolean;
  /** Ascend the objective instead of descending it. */
  readonly maximize?: boolean;
}

/** RMSprop's state; gradAvg and momentumBuffer are empty records unless centered / momentum > 0. */
export type RmspropState = { readonly count: number; readonly squareAvg: PyTree; readonly gradAvg: PyTree; readonly momentumBuffer: PyTree };

/**
 * torch.optim.RMSprop as a gradient transformation.
 * @example
 * const opt = rmsprop({ lr: 1e-3, momentum: 0.9, centered: true });
 */
export const rmsprop = ({ lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false, maximize = false }: RmspropOptions = {}): GradientTransformation<RmspropState> => {
  const name = "rmsprop";
  checkLr(name, lr);
  nonNegative(name, "alpha", alpha);
  nonNegative(name, "eps", eps);
  nonNegative(name, "weightDecay", weightDecay);
  nonNegative(name, "momentum", momentum);
  const zeros = (params: unknown): PyTree => treeMap((p) => zerosLike(p), params as PyTree);
  return {
    init: (params) => Object.freeze({
      count: 0,
      squareAvg: zeros(params),
      gradAvg: centered ? zeros(params) : {},
      momentumBuffer: momentum > 0 ? zeros(params) : {},
    }),
    update: (grads, state, params, opts) => {
      const count = checkCount(name, state);
      const gs = treeLeavesWithPaths(grads);
      const ps = leavesLike(name, "params", params, gs);
      const sqs = leavesLike(name, "state.squareAvg", state.squareAvg, gs);
      const gas = centered ? leavesLike(name, "state.gradAvg", state.gradAvg, gs) : [];
      const bufs = momentum > 0 ? leavesLike(name, "state.momentumBuffer", state.momentumBuffer, gs) : [];
      const rate = lrAt(name, lr, count, opts);
      const next = { sq: [] as Tensor[], ga: [] as Tensor[], buf: [] as Tensor[] };
      const fused: RmspropConstants = { negate: maximize, weightDecay, alpha, eps, momentum, centered, lr: rate };
      const updates = gs.map(({ tensor: g0 }, i) => {
        // Where the device has a fused update (the CPU), the same float32 operations in the same order run as one pass,
        // bit for bit these ops' values.
        const r = fusedRmspropStep(g0, ps[i]!, { squareAvg: sqs[i]!, gradAvg: centered ? gas[i]! : null, buf: momentum > 0 ? bufs[i]! : null }, fused);
        if (r !== null) {
          next.sq.push(r.state.squareAvg);
          if (r.state.gradAvg !== null) next.ga.push(r.state.gradAvg);
          if (r.state.buf !== null) next.buf.push(r.state.buf);
          return r.update;
        }
        let g = maximize ? neg(g0) : g0;
        if (weightDecay !== 0) g = add(g, mul(ps[i]!, weightDecay));
        // Operation order follows torch's mul_/addcmul_/addcdiv_ so that float32 rounding matches.
        const sq = add(mul(sqs[i]!, alpha), mul(mul(g, 1 - alpha), g));
        next.sq.push(sq);
        let avg: Tensor;
        if (centered) {
          const ga = add(mul(gas[i]!, alpha), mul(g, 1 - alpha));
          next.ga.push(ga);
          avg = sqrt(add(sq, mul(mul(ga, -1), ga)));
        } else avg = sqrt(sq);
        avg = add(avg, eps);
        if (momentum > 0) {
          const buf = add(mul(bufs[i]!, momentum), div(g, avg));
          next.buf.push(buf);
          return mul(buf, -rate);
        }
        return div(mul(g, -rate), avg);
      });
      const tree = (xs: Tensor[]): PyTree => treeUnflatten(grads as PyTree, xs);
      return {
        updates: treeUnflatten(grads, updates),
        state: Object.freeze({
          count: count + 1,
          squareAvg: tree(next.sq),
          gradAvg: centered ? tree(next.ga) : {},
          momentumBuffer: momentum > 0 ? tree(next.buf) : {},
        }),
      };
    },
  };
};
