// Rules for reduce, argReduce and cumsum.
import type { PrimRule } from "../rule.js";
import * as E from "../elementwise.js";
import { cumsum as cumsumOp, sum } from "../reduce.js";
import { expand } from "../layout.js";

export const reduce: PrimRule<"reduce"> = {
  out: ([x], { axes }) => ({ shape: x!.shape.map((d, i) => (axes.includes(i) ? 1 : d)), dtype: x!.dtype }),
  vjp: (g, [x], y, { op, axes }) => {
    const ge = expand(g, x!.shape);
    switch (op) {
      case "sum":
        return [ge];
      case "prod":
        return [E.div(E.mul(ge, y), x!)];
      case "max":
      case "min": {
        // Ties share the gradient evenly, as torch.amax/amin do.
        const mask = E.cast(E.eq(x!, y), g.dtype);
        return [E.div(E.mul(ge, mask), sum(mask, axes, { keepdim: true }))];
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
