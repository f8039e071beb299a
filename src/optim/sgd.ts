// Stochastic gradient descent with momentum, dampening, Nesterov and weight decay, step for step as torch.optim.SGD.
import type { Tensor } from "../ops/Tensor.js";
import { add, mul, neg } from "../ops/elementwise.js";
import { zerosLike } from "../ops/creation.js";
import { treeLeavesWithPaths, treeMap, treeUnflatten, type PyTree } from "../graph/pytree.js";
import type { GradientTransformation } from "./GradientTransformation.js";
import type { LearningRate } from "./schedules.js";
import { checkCount, checkLr, checkOption, leavesLike, lrAt, nonNegative } from "./_optimizer.js";
import { fusedSgdStep, type SgdConstants } from "../ops/fusedUpdates.js";

export interface SgdOptions {
  /** Learning rate: a number, or a schedule of the step count. */
  readonly lr: LearningRate;
  readonly momentum?: number;
  readonly dampening?: number;
  readonly nesterov?: boolean;
  /** L2 penalty added to the gradient (coupled weight decay). */
  readonly weightDecay?: number;
  /** Ascend the objective instead of descending it. */
  readonly maximize?: boolean;
}

/** SGD's state: the step count, and the momentum buffers (an empty record without momentum). */
export type SgdState = { readonly count: number; readonly momentumBuffer: PyTree };

/**
 * torch.optim.SGD as a gradient transformation.
 * @example
 * const opt = sgd({ lr: 0.1, momentum: 0.9, weightDecay: 5e-4 });
 */
export const sgd = ({ lr, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0, maximize = false }: SgdOptions): GradientTransformation<SgdState> => {
  const name = "sgd";
  checkLr(name, lr);
  nonNegative(name, "momentum", momentum);
  checkOption(name, "dampening", dampening, typeof dampening === "number" && Number.isFinite(dampening), "a finite number");
  nonNegative(name, "weightDecay", weightDecay);
  if (nesterov && (momentum <= 0 || dampening !== 0))
    throw new Error(`sgd: nesterov momentum requires a momentum > 0 and zero dampening, got momentum ${momentum} and dampening ${dampening}`);
  return {
    init: (params) => Object.freeze({ count: 0, momentumBuffer: momentum !== 0 ? treeMap((p) => zerosLike(p), params as PyTree) : {} }),
    update: (grads, state, params, opts) => {
      const count = checkCount(name, state);
      const gs = treeLeavesWithPaths(grads);
      const ps = leavesLike(name, "params", params, gs);
      const bufs = momentum !== 0 ? leavesLike(name, "state.momentumBuffer", state.momentumBuffer, gs) : [];
      const rate = lrAt(name, lr, count, opts);
      const nextBufs: Tensor[] = [];
      const plainAscent = maximize && weightDecay === 0 && momentum === 0;
      const fused: SgdConstants = {
        negate: maximize && !plainAscent, weightDecay, momentum, first: count === 0, dampening, nesterov, scale: plainAscent ? rate : -rate,
      };
      const updates = gs.map(({ tensor: g }, i) => {
        // Where the device has a fused update (the CPU), the same float32 operations in the same order run as one pass,
        // bit for bit these ops' values.
        const r = fusedSgdStep(g, ps[i]!, { buf: momentum !== 0 && count !== 0 ? bufs[i]! : null }, fused);
        if (r !== null) {
          if (r.state.buf !== null) nextBufs.push(r.state.buf);
          return r.update;
        }
        // Plain SGD ascending folds the sign into the rate (−(−g)·lr is g·lr exactly) instead of a separate neg pass.
        if (plainAscent) return mul(g, rate);
        let d = maximize ? neg(g) : g;
        if (weightDecay !== 0) d = add(d, mul(ps[i]!, weightDecay));
        if (momentum !== 0) {
          // PyTorch starts the buffer at the first (decayed) gradient itself, without dampening.
          // Without dampening (the default) d·1 is skipped: the same float32 values, one pass over memory fewer.
          const buf = count === 0 ? d : add(mul(bufs[i]!, momentum), dampening === 0 ? d : mul(d, 1 - dampening));
          nextBufs.push(buf);
          d = nesterov ? add(d, mul(buf, momentum)) : buf;
        }
        return mul(d, -rate);
      });
      return {
        updates: treeUnflatten(grads, updates),
        state: Object.freeze({ count: count + 1, momentumBuffer: momentum !== 0 ? treeUnflatten(grads as PyTree, nextBufs) : {} }),
      };
    },
  };
};
