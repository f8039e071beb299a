// CPU reductions: one axis at a time over an [outer, R, inner] view, accumulating in float64 for sums.
import type { Kernel } from "../backend.js";
import { allocFor, type AnyTypedArray } from "../dtype.js";
import type { ReduceOp } from "../primitive.js";
import { numel, type Shape } from "../_shape.js";

type Arr = AnyTypedArray;

const split = (shape: Shape, axis: number) => ({
  outer: numel(shape.slice(0, axis)),
  r: shape[axis]!,
  inner: numel(shape.slice(axis + 1)),
});

const init: Record<ReduceOp, number> = { sum: 0, prod: 1, max: -Infinity, min: Infinity };

const reduceAxis = (x: Arr, shape: Shape, axis: number, op: ReduceOp): Float64Array => {
  const { outer, r, inner } = split(shape, axis);
  const o = new Float64Array(outer * inner).fill(init[op]);
  for (let p = 0; p < outer; p++) {
    const base = p * r * inner;
    const ob = p * inner;
    for (let k = 0; k < r; k++) {
      const xb = base + k * inner;
      switch (op) {
        case "sum": for (let i = 0; i < inner; i++) o[ob + i] += x[xb + i]!; break;
        case "prod": for (let i = 0; i < inner; i++) o[ob + i] *= x[xb + i]!; break;
        // `v !== v` lets a NaN win and then stick, as PyTorch's max/min propagate NaN.
        case "max": for (let i = 0; i < inner; i++) { const v = x[xb + i]!; if (v > o[ob + i]! || v !== v) o[ob + i] = v; } break;
        case "min": for (let i = 0; i < inner; i++) { const v = x[xb + i]!; if (v < o[ob + i]! || v !== v) o[ob + i] = v; } break;
      }
    }
  }
  return o;
};

export const reduce: Kernel<Arr, "reduce"> = ([x], { op, axes }, out) => {
  let data: Arr | Float64Array = x!.data;
  let shape = [...x!.shape];
  // Reduce the last listed axis first so earlier axis numbers stay valid as dimensions become 1.
  for (let i = axes.length - 1; i >= 0; i--) {
    const a = axes[i]!;
    data = reduceAxis(data as Arr, shape, a, op);
    shape[a] = 1;
  }
  const o = allocFor(out.dtype, numel(out.shape));
  if (axes.length === 0) o.set(x!.data);
  else o.set(data as Float64Array);
  return o;
};

export const argReduce: Kernel<Arr, "argReduce"> = ([x], { op, axis }, out) => {
  const src = x!.data;
  const { outer, r, inner } = split(x!.shape, axis);
  const o = new Int32Array(numel(out.shape));
  const better = op === "argmax" ? (v: number, b: number) => v > b || (v !== v && b === b) : (v: number, b: number) => v < b || (v !== v && b === b);
  for (let p = 0; p < outer; p++)
    for (let i = 0; i < inner; i++) {
      let best = src[p * r * inner + i]!;
      let bi = 0;
      for (let k = 1; k < r; k++) {
        const v = src[(p * r + k) * inner + i]!;
        if (better(v, best)) { best = v; bi = k; }
      }
      o[p * inner + i] = bi;
    }
  return o;
};

export const cumsum: Kernel<Arr, "cumsum"> = ([x], { axis, reverse }, out) => {
  const src = x!.data;
  const { outer, r, inner } = split(x!.shape, axis);
  const o = allocFor(out.dtype, src.length);
  const acc = new Float64Array(inner);
  for (let p = 0; p < outer; p++) {
    acc.fill(0);
    for (let kk = 0; kk < r; kk++) {
      const k = reverse ? r - 1 - kk : kk;
      const b = (p * r + k) * inner;
      for (let i = 0; i < inner; i++) o[b + i] = acc[i] += src[b + i]!;
    }
  }
  return o;
};
