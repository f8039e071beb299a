// Rules for reduce, argReduce and cumsum.
import type { PrimRule } from "../rule.js";
import type { Tensor } from "../Tensor.js";
import * as E from "../elementwise.js";
import type { ReduceOp } from "../primitive.js";
import { applyPrim } from "../apply.js";
import { cumsum as cumsumOp } from "../reduce.js";
import { expand } from "../layout.js";

// The primitive itself rather than the public sum/prod, whose empty axis list means "all axes" (PyTorch's rule).
const reduceKeep = (op: ReduceOp, t: Tensor, axes: readonly number[]): Tensor =>
  axes.length === 0 ? t : applyPrim("reduce", [t], { op, axes });

/**
 * d prod / d xᵢ = the product of the other elements, without dividing by xᵢ (y / xᵢ is NaN at xᵢ = 0):
 * with no zero in the slice it is y / xᵢ; with one zero, the product of the nonzeros at the zero and 0
 * elsewhere; with more zeros, 0 everywhere (as PyTorch's prod backward).
 */
const prodOfOthers = (x: Tensor, axes: readonly number[]): Tensor => {
  const isZero = E.eq(x, 0);
  const zeros = reduceKeep("sum", E.cast(isZero, "int32"), axes);
  const safe = E.where(isZero, 1, x);
  const nonzeroProd = expand(reduceKeep("prod", safe, axes), x.shape);
  return E.where(E.eq(zeros, 0), E.div(nonzeroProd, safe), E.where(E.logicalAnd(isZero, E.eq(zeros, 1)), nonzeroProd, 0));
};

export const reduce: PrimRule<"reduce"> = {
  out: ([x], { axes }) => ({ shape: x!.shape.map((d, i) => (axes.includes(i) ? 1 : d)), dtype: x!.dtype }),
  vjp: (g, [x], y, { op, axes }) => {
    const ge = expand(g, x!.shape);
    switch (op) {
      case "sum":
        return [ge];
      case "prod":
        return [E.mul(ge, prodOfOthers(x!, axes))];
      case "max":
      case "min": {
        // Ties share the gradient evenly, as torch.amax/amin do.
        const mask = E.cast(E.eq(x!, y), g.dtype);
        return [E.div(E.mul(ge, mask), reduceKeep("sum", mask, axes))];
      }
    }
  },
};

export const argReduce: PrimRule<"argReduce"> = {
  out: ([x], { axis }) => ({ shape: x!.shape.map((d, i) => (i === axis ? 1 : d)), dtype: "int32" }),
  vjp: () => [null],
};

export const cumsum: PrimRule<"cumsum"> = {
  out: ([x]) => ({ shape: x!.shape, dtype: x!.dtype }),
  vjp: (g, _x, _y, { axis, reverse }) => [cumsumOp(g, axis, { reverse: !reverse })],
};
