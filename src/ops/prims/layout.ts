// Rules for the data-movement primitives: reshape, permute, expand, slice, pad, concat.
import type { PrimRule } from "../rule.js";
import type { Tensor } from "../Tensor.js";
import { applyPrim } from "../apply.js";
import { sumToShape } from "../reduce.js";
import { reshape as reshapeOp, permute as permuteOp } from "../layout.js";
import { arange } from "../creation.js";

const sliceLength = (begin: number, end: number, step: number): number =>
  Math.max(0, Math.ceil((end - begin) / step));

/** Places a sliced cotangent back into zeros of the input's shape: padding for unit steps, index-add otherwise. */
const unslice = (g: Tensor, shape: readonly number[], begin: readonly number[], step: readonly number[]): Tensor => {
  let out = g;
  for (let d = 0; d < shape.length; d++) {
    const n = out.shape[d]!;
    // A full-length reversed axis still needs its cotangent reversed, so only unit steps may skip.
    if (n === shape[d] && step[d] === 1) continue;
    if (step[d] === 1) {
      const widths = shape.map((_, i) => (i === d ? [begin[d]!, shape[d]! - begin[d]! - n] as const : [0, 0] as const));
      out = applyPrim("pad", [out], { widths, value: 0 });
    } else {
      const idx = arange(begin[d]!, begin[d]! + step[d]! * n, step[d]!, { dtype: "int32", device: g.device });
      out = applyPrim("indexAdd", [out, idx], { axis: d, shape: out.shape.map((s, i) => (i === d ? shape[d]! : s)) });
    }
  }
  return out;
};

export const reshape: PrimRule<"reshape"> = {
  out: ([x], { shape }) => ({ shape, dtype: x!.dtype }),
  vjp: (g, [x]) => [reshapeOp(g, x!.shape)],
};

export const permute: PrimRule<"permute"> = {
  out: ([x], { perm }) => ({ shape: perm.map((p) => x!.shape[p]!), dtype: x!.dtype }),
  vjp: (g, _x, _y, { perm }) => {
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => (inv[p] = i));
    return [permuteOp(g, inv)];
  },
};

export const expand: PrimRule<"expand"> = {
  out: ([x], { shape }) => ({ shape, dtype: x!.dtype }),
  vjp: (g, [x]) => [sumToShape(g, x!.shape)],
};

export const slice: PrimRule<"slice"> = {
  out: ([x], { begin, end, step }) => ({
    shape: x!.shape.map((_, d) => sliceLength(begin[d]!, end[d]!, step[d]!)),
    dtype: x!.dtype,
  }),
  vjp: (g, [x], _y, { begin, step }) => [unslice(g, x!.shape, begin, step)],
};

export const pad: PrimRule<"pad"> = {
  out: ([x], { widths }) => ({ shape: x!.shape.map((d, i) => d + widths[i]![0] + widths[i]![1]), dtype: x!.dtype }),
  vjp: (g, [x], _y, { widths }) => [
    applyPrim("slice", [g], {
      begin: widths.map((w) => w[0]),
      end: widths.map((w, i) => w[0] + x!.shape[i]!),
      step: widths.map(() => 1),
    }),
  ],
};

export const concat: PrimRule<"concat"> = {
  out: (xs, { axis }) => ({
    shape: xs[0]!.shape.map((d, i) => (i === axis ? xs.reduce((s, x) => s + x.shape[axis]!, 0) : d)),
    dtype: xs[0]!.dtype,
  }),
  vjp: (g, xs, _y, { axis }) => {
    let at = 0;
    return xs.map((x) => {
      const n = x.shape[axis]!;
      const part = applyPrim("slice", [g], {
        begin: g.shape.map((_, i) => (i === axis ? at : 0)),
        end: g.shape.map((d, i) => (i === axis ? at + n : d)),
        step: g.shape.map(() => 1),
      });
      at += n;
      return part;
    });
  },
};
