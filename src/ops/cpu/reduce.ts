// CPU reductions: one pass over the input in storage order, accumulating each output in float64 (sums: in the row-major order of its reduced elements).
//
// float32 inputs of at least WASM_REDUCE_MIN elements run in WebAssembly SIMD (_wasm/reduce.c): still float64
// accumulation and bit for bit the order below, except that a sum over the innermost axis of rows of 16 or more
// elements adds element i into lane i mod 8 of 8 float64 partial sums, then combines them (about 1e-16 relative from
// the sequential sum, which float32 rounding of the result almost always hides). max/min are exact either way; in such
// lane-reduced rows a zero result may have the other sign than the reference's (first of -0 and +0 in order), and a
// NaN result may have other payload bits. `reduceReference` is the TypeScript kernel.
import type { Kernel } from "../backend.js";
import { allocFor, type AnyTypedArray } from "../dtype.js";
import type { ReduceOp } from "../primitive.js";
import { nextIndex, numel, type Shape } from "../_shape.js";
import { wasmCall } from "./_wasmCall.js";

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

// The two leaf blocks every reduction is made of, written out per op: a switch or a closure call inside these loops
// (run every 2 elements for a 2×2 pooling window) costs more than the arithmetic. Each output still combines its
// elements in their order in storage. NaN wins and then sticks (`v !== v`), as PyTorch's max/min propagate NaN.

/** A leaf [K, R] (innermost axis reduced): acc[o + k] combined with the k-th of K contiguous rows of R. */
type RowsReduced = (x: ArrayLike<number>, s: number, acc: Float64Array, o: number, k: number, r: number) => void;
/** A leaf [R, K] (innermost axis kept): R contiguous rows of K combined into acc[o, o + K). */
type RowsIntoRow = RowsReduced;

const sumRows: RowsReduced = (x, s, acc, o, k, r) => {
  for (let q = 0; q < k; q++, s += r) { let a = acc[o + q]!; for (let i = 0; i < r; i++) a += x[s + i]!; acc[o + q] = a; }
};
const prodRows: RowsReduced = (x, s, acc, o, k, r) => {
  for (let q = 0; q < k; q++, s += r) { let a = acc[o + q]!; for (let i = 0; i < r; i++) a *= x[s + i]!; acc[o + q] = a; }
};
const maxRows: RowsReduced = (x, s, acc, o, k, r) => {
  for (let q = 0; q < k; q++, s += r) {
    let a = acc[o + q]!;
    for (let i = 0; i < r; i++) { const v = x[s + i]!; if (v > a || v !== v) a = v; }
    acc[o + q] = a;
  }
};
const minRows: RowsReduced = (x, s, acc, o, k, r) => {
  for (let q = 0; q < k; q++, s += r) {
    let a = acc[o + q]!;
    for (let i = 0; i < r; i++) { const v = x[s + i]!; if (v < a || v !== v) a = v; }
    acc[o + q] = a;
  }
};

/**
 * Rows into one row: up to 16 rows are summed column by column in a register (one load and store of acc per column);
 * longer stacks go row by row, so the rows' cache lines are not re-read per column.
 */
const sumInto: RowsIntoRow = (x, s, acc, o, r, k) => {
  if (r <= 16) {
    for (let i = 0; i < k; i++) { let a = acc[o + i]!; for (let q = 0, t = s + i; q < r; q++, t += k) a += x[t]!; acc[o + i] = a; }
  } else for (let q = 0; q < r; q++, s += k) for (let i = 0; i < k; i++) acc[o + i] += x[s + i]!;
};
const prodInto: RowsIntoRow = (x, s, acc, o, r, k) => {
  for (let q = 0; q < r; q++, s += k) for (let i = 0; i < k; i++) acc[o + i] *= x[s + i]!;
};
const maxInto: RowsIntoRow = (x, s, acc, o, r, k) => {
  for (let q = 0; q < r; q++, s += k) for (let i = 0; i < k; i++) { const v = x[s + i]!; if (v > acc[o + i]! || v !== v) acc[o + i] = v; }
};
const minInto: RowsIntoRow = (x, s, acc, o, r, k) => {
  for (let q = 0; q < r; q++, s += k) for (let i = 0; i < k; i++) { const v = x[s + i]!; if (v < acc[o + i]! || v !== v) acc[o + i] = v; }
};

/** sumRows for rows of at most 4 (pooling windows): the row length is unrolled so no inner loop runs per 2 elements. */
const sumShortRows: RowsReduced = (x, s, acc, o, k, r) => {
  if (r === 2) for (let q = 0; q < k; q++, s += 2) acc[o + q] = acc[o + q]! + x[s]! + x[s + 1]!;
  else if (r === 3) for (let q = 0; q < k; q++, s += 3) acc[o + q] = acc[o + q]! + x[s]! + x[s + 1]! + x[s + 2]!;
  else if (r === 4) for (let q = 0; q < k; q++, s += 4) acc[o + q] = acc[o + q]! + x[s]! + x[s + 1]! + x[s + 2]! + x[s + 3]!;
  else sumRows(x, s, acc, o, k, r);
};

const leaves: Record<ReduceOp, readonly [RowsReduced, RowsIntoRow]> = {
  sum: [sumRows, sumInto], prod: [prodRows, prodInto], max: [maxRows, maxInto], min: [minRows, minInto],
};

/**
 * Reduces the merged runs `dims` (alternating kept/reduced) of `x` into `acc` (one float64 per output, holding the
 * op's identity). The input is read once in storage order: the last two runs form a leaf block, the runs before them
 * are walked by an odometer that moves the output offset only along kept runs. Every output thus combines its
 * elements in their row-major order — a single sequential float64 sum, whatever the axes.
 */
const reduceRuns = (x: ArrayLike<number>, dims: readonly number[], reduced: readonly boolean[], acc: Float64Array, op: ReduceOp): void => {
  const nd = dims.length;
  const [d0, d1] = [dims[nd - 2]!, dims[nd - 1]!];
  const lastReduced = reduced[nd - 1]!;
  const leaf = d0 * d1;
  // Output strides of the outer runs (0 along reduced runs) and the output size of one leaf.
  const outStride = new Array<number>(nd).fill(0);
  let size = lastReduced ? d0 : d1;
  for (let d = nd - 3; d >= 0; d--) if (!reduced[d]) outStride[d] = size, size *= dims[d]!;
  const idx = new Int32Array(Math.max(0, nd - 2));
  const total = x.length;
  const block = leaves[op][lastReduced ? 0 : 1];
  let o = 0;
  for (let s = 0; s < total; s += leaf) {
    if (op === "sum" && lastReduced && d1 <= 4) sumShortRows(x, s, acc, o, d0, d1);
    else block(x, s, acc, o, d0, d1);
    o += nextIndex(idx, dims, outStride, nd - 2);
  }
};

/** Accumulators up to this many outputs come from one reused buffer (8 MiB at most held). */
const SCRATCH_MAX = 1 << 20;
let scratch = new Float64Array(0);

/**
 * Float64 accumulators holding `value`. Small ones reuse a module buffer: a fresh multi-megabyte Float64Array per call
 * costs more in garbage collection than the reduction itself. Kernels run synchronously, so it is never shared.
 */
const accumulators = (n: number, value: number): Float64Array => {
  if (n > SCRATCH_MAX) return new Float64Array(n).fill(value);
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length, 1024));
  return scratch.subarray(0, n).fill(value);
};

/** float32 reductions at least this large run in WebAssembly (below it, the staging copies cost more than they save). */
const WASM_REDUCE_MIN = 1024;
const wasmOp: Record<ReduceOp, number> = { sum: 0, prod: 1, max: 2, min: 3 };

/**
 * The reduction in WebAssembly SIMD over the merged runs (at least two, the last two the leaf block); null when the
 * arena is unavailable or cannot hold the operands. Staged: the input, a workspace of 3·nd ints, float64
 * accumulators, the float32 outputs.
 */
const reduceWasm = (src: Float32Array, dims: readonly number[], reduced: readonly boolean[], op: ReduceOp, nout: number): Float32Array | null =>
  wasmCall((c) => {
    const n = src.length, nd = dims.length;
    const x = c.operand(src), out = c.result("float32", nout);
    const ws = c.temp(3 * nd * 4), acc = c.temp(8 * nout); // the kernel's workspace and float64 accumulators
    const i32 = c.arena.i32(); // after the allocations, which may grow the memory
    // Output strides of the outer runs (0 along reduced runs), as reduceRuns computes them.
    let size = reduced[nd - 1] ? dims[nd - 2]! : dims[nd - 1]!;
    for (let d = nd - 1; d >= 0; d--) {
      i32[ws / 4 + d] = dims[d]!;
      i32[ws / 4 + nd + d] = d < nd - 2 && !reduced[d] ? size : 0;
      if (d < nd - 2 && !reduced[d]) size *= dims[d]!;
    }
    c.arena.exports.reduce_runs(wasmOp[op], x, n, ws, nd, reduced[nd - 1] ? 1 : 0, acc, out.ptr, nout);
    return out.finish() as Float32Array;
  });

/** The reduce kernel: float32 inputs of WASM_REDUCE_MIN elements or more in WebAssembly SIMD, the rest in TypeScript. */
export const reduce: Kernel<Arr, "reduce"> = (inputs, params, out) => {
  const src = inputs[0]!.data;
  if (src instanceof Float32Array && out.dtype === "float32" && src.length >= WASM_REDUCE_MIN) {
    const { dims, reduced } = mergeAxes(inputs[0]!.shape, params.axes);
    if (reduced.includes(true)) {
      if (dims.length === 1) dims.unshift(1), reduced.unshift(false);
      const o = reduceWasm(src, dims, reduced, params.op, numel(out.shape));
      if (o) return o;
    }
  }
  return reduceReference(inputs, params, out);
};

/** The TypeScript reference reduce kernel (and the fallback where WebAssembly is unavailable). */
export const reduceReference: Kernel<Arr, "reduce"> = ([x], { op, axes }, out) => {
  const o = allocFor(out.dtype, numel(out.shape));
  const src = x!.data;
  if (src.length === 0) {
    o.fill(init[op]); // an empty reduced axis leaves the identity (an empty kept axis leaves nothing)
    return o;
  }
  const { dims, reduced } = mergeAxes(x!.shape, axes);
  if (!reduced.includes(true)) {
    o.set(src); // only size-1 axes (or none) were reduced
    return o;
  }
  // A single reduced run becomes the leaf [1 kept, R].
  if (dims.length === 1) dims.unshift(1), reduced.unshift(false);
  const acc = accumulators(o.length, init[op]);
  reduceRuns(src, dims, reduced, acc, op);
  o.set(acc);
  return o;
};

/** First index of the max/min along the middle axis of [outer, r, inner]; NaN counts as the largest and smallest. */
export const argReduce: Kernel<Arr, "argReduce"> = ([x], { op, axis }, out) => {
  const src = x!.data;
  const { outer, r, inner } = split(x!.shape, axis);
  const o = new Int32Array(numel(out.shape));
  if (r === 0 || o.length === 0) return o;
  const max = op === "argmax";
  if (inner === 1) {
    for (let p = 0, s = 0; p < outer; p++, s += r) {
      let best = src[s]!, bi = 0;
      // Once best is NaN nothing replaces it: v > NaN and v < NaN are false, and the NaN test needs best === best.
      if (max) { for (let k = 1; k < r; k++) { const v = src[s + k]!; if (v > best || (v !== v && best === best)) best = v, bi = k; } }
      else for (let k = 1; k < r; k++) { const v = src[s + k]!; if (v < best || (v !== v && best === best)) best = v, bi = k; }
      o[p] = bi;
    }
    return o;
  }
  // inner > 1: scan whole rows, keeping the best value per column.
  const best = new Float64Array(inner);
  for (let p = 0; p < outer; p++) {
    const ob = p * inner;
    const base = p * r * inner;
    for (let i = 0; i < inner; i++) best[i] = src[base + i]!;
    for (let k = 1; k < r; k++) {
      const s = base + k * inner;
      if (max) { for (let i = 0; i < inner; i++) { const v = src[s + i]!, b = best[i]!; if (v > b || (v !== v && b === b)) best[i] = v, o[ob + i] = k; } }
      else for (let i = 0; i < inner; i++) { const v = src[s + i]!, b = best[i]!; if (v < b || (v !== v && b === b)) best[i] = v, o[ob + i] = k; }
    }
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
