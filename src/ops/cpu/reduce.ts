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

/**
 * The input as alternating runs of kept and reduced axes: size-1 axes dropped, neighbours of the same kind merged
 * (reducing [0, 2, 3] of [N, C, H, W] is reducing [0, 2] of [N, C, H·W]), so each pass walks long contiguous rows.
 */
const mergeAxes = (shape: Shape, axes: readonly number[]): { dims: number[]; reduced: boolean[] } => {
  const dims: number[] = [];
  const reduced: boolean[] = [];
  shape.forEach((d, i) => {
    if (d === 1) return;
    const r = axes.includes(i);
    if (reduced.length > 0 && reduced[reduced.length - 1] === r) dims[dims.length - 1]! *= d;
    else dims.push(d), reduced.push(r);
  });
  return { dims, reduced };
};

/**
 * Reduces the middle axis of an [outer, r, inner] view, accumulating in float64. The op is chosen outside the inner
 * loops (no per-element switch or closure call); contiguous rows (inner = 1) keep the accumulator in a register.
 * NaN wins and then sticks (`v !== v`), as PyTorch's max/min propagate NaN.
 */
const reduceAxis = (x: ArrayLike<number>, outer: number, r: number, inner: number, op: ReduceOp): Float64Array => {
  const o = new Float64Array(outer * inner);
  if (inner === 1) {
    for (let p = 0, s = 0; p < outer; p++, s += r) {
      let acc = init[op];
      switch (op) {
        case "sum": for (let k = 0; k < r; k++) acc += x[s + k]!; break;
        case "prod": for (let k = 0; k < r; k++) acc *= x[s + k]!; break;
        case "max": for (let k = 0; k < r; k++) { const v = x[s + k]!; if (v > acc || v !== v) acc = v; } break;
        case "min": for (let k = 0; k < r; k++) { const v = x[s + k]!; if (v < acc || v !== v) acc = v; } break;
      }
      o[p] = acc;
    }
    return o;
  }
  o.fill(init[op]);
  for (let p = 0; p < outer; p++) {
    const ob = p * inner;
    for (let k = 0; k < r; k++) {
      const xb = (p * r + k) * inner;
      switch (op) {
        case "sum": for (let i = 0; i < inner; i++) o[ob + i] += x[xb + i]!; break;
        case "prod": for (let i = 0; i < inner; i++) o[ob + i] *= x[xb + i]!; break;
        case "max": for (let i = 0; i < inner; i++) { const v = x[xb + i]!; if (v > o[ob + i]! || v !== v) o[ob + i] = v; } break;
        case "min": for (let i = 0; i < inner; i++) { const v = x[xb + i]!; if (v < o[ob + i]! || v !== v) o[ob + i] = v; } break;
      }
    }
  }
  return o;
};

export const reduce: Kernel<Arr, "reduce"> = ([x], { op, axes }, out) => {
  const o = allocFor(out.dtype, numel(out.shape));
  if (axes.length === 0) {
    o.set(x!.data);
    return o;
  }
  const { dims, reduced } = mergeAxes(x!.shape, axes);
  let data: ArrayLike<number> = x!.data;
  // Innermost run first, so the outer runs keep their positions as reduced runs collapse to size 1.
  for (let a = dims.length - 1; a >= 0; a--) {
    if (!reduced[a]) continue;
    let outer = 1, inner = 1;
    for (let i = 0; i < a; i++) outer *= dims[i]!;
    for (let i = a + 1; i < dims.length; i++) inner *= dims[i]!;
    data = reduceAxis(data, outer, dims[a]!, inner, op);
    dims[a] = 1;
  }
  if (data === x!.data) o.set(x!.data); // only size-1 axes were reduced
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
