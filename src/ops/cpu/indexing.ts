// CPU kernels for gather/scatter-add, index-select/index-add (float32 rows in WebAssembly) and a stable argsort (merge sort on index arrays).
import type { Kernel } from "../backend.js";
import { allocFor, dtypeOfArray, type AnyTypedArray, type DType } from "../dtype.js";
import { nextIndex, numel, stridesOf, type Shape } from "../_shape.js";
import { copyRun } from "./_stridedCopy.js";
import { wasmCall } from "./_wasmCall.js";
import { POOL_GATHER, POOL_SCATTER, runPool } from "./_poolJob.js";

type Arr = AnyTypedArray;

const outOfRange = (op: string, v: number, axis: number, size: number): never => {
  throw new Error(`${op}: index ${v} is out of range for dimension ${axis} of size ${size}`);
};

/**
 * Shared walk of gather and scatterAdd over the index tensor's rows: `data` is the tensor indexed along
 * `axis` (x for gather, the output for scatterAdd), `flat` the one laid out like the index.
 */
const gatherScatter = (op: "gather" | "scatterAdd", data: Arr, dataShape: Shape, idx: Int32Array, idxShape: Shape, flat: Arr, axis: number): void => {
  const nd = idxShape.length;
  if (idx.length === 0) return;
  const st = stridesOf(dataShape);
  const size = dataShape[axis]!;
  const sa = st[axis]!;
  // The indexed axis contributes idx·stride instead of its own position.
  const walk = st.map((s, d) => (d === axis ? 0 : s));
  const inner = idxShape[nd - 1]!;
  const sl = walk[nd - 1]!;
  const pos = new Int32Array(Math.max(nd - 1, 1));
  let off = 0;
  for (let p = 0; p < idx.length; p += inner) {
    for (let j = 0; j < inner; j++) {
      const v = idx[p + j]!;
      if (v < 0 || v >= size) outOfRange(op, v, axis, size);
      if (op === "gather") flat[p + j] = data[off + j * sl + v * sa]!;
      else data[off + j * sl + v * sa] += flat[p + j]!;
    }
    off += nextIndex(pos, idxShape, walk, nd - 1);
  }
};

/** True when `axis` is the last one and the index has the data's leading dimensions: rows then pair up one to one. */
const rowWise = (dataShape: Shape, idxShape: Shape, axis: number): boolean =>
  axis === dataShape.length - 1 && dataShape.length === idxShape.length && idxShape.every((d, i) => i === axis || d === dataShape[i]);

/**
 * Gather along the last axis row by row (max pooling's values from the flattened planes, a cross-entropy's target
 * logits): no multi-index walk, one bounds test per element.
 */
const gatherRows = (x: Arr, size: number, idx: Int32Array, inner: number, o: Arr, axis: number): void => {
  for (let p = 0, xb = 0; p < idx.length; p += inner, xb += size)
    for (let j = p; j < p + inner; j++) {
      const v = idx[j]!;
      if (v < 0 || v >= size) outOfRange("gather", v, axis, size);
      o[j] = x[xb + v]!;
    }
};

/** scatterAdd along the last axis row by row (the gradient of gatherRows). */
const scatterRows = (o: Arr, size: number, idx: Int32Array, inner: number, src: Arr, axis: number): void => {
  for (let p = 0, ob = 0; p < idx.length; p += inner, ob += size)
    for (let j = p; j < p + inner; j++) {
      const v = idx[j]!;
      if (v < 0 || v >= size) outOfRange("scatterAdd", v, axis, size);
      o[ob + v] += src[j]!;
    }
};

/** Index tensors smaller than this are walked in TypeScript: staging into the arena costs a few microseconds a call. */
const ROWS_WASM_MIN = 4096;
/** From this many elements touched the worker threads share the rows (memory-bound, as maxPoolIndices: see pool.ts). */
const ROWS_PARALLEL_MIN = 1 << 20;

/**
 * gatherRows in WebAssembly (pool.c's gather_rows, 4-byte elements copied as bits) for float32 or int32 data; null
 * when too small for the staging to pay or the arena cannot hold it. Throws as gatherRows does on a bad index.
 * Exported for the tests, which check that it ran.
 */
export const gatherRowsWasm = (x: Arr, size: number, idx: Int32Array, inner: number, dtype: DType, axis: number): Arr | null => {
  if (idx.length < ROWS_WASM_MIN || !(x instanceof Float32Array || x instanceof Int32Array) || dtype !== dtypeOfArray(x)) return null;
  return wasmCall((c) => {
    const src = c.operand(x), ix = c.operand(idx), o = c.result(dtype, idx.length);
    const job = { op: POOL_GATHER, x: src, o: o.ptr, aux: ix, n: idx.length / inner, h: size, w: inner };
    const bad = runPool(c, job, idx.length, ROWS_PARALLEL_MIN);
    if (bad >= 0) outOfRange("gather", idx[bad]!, axis, size);
    return o.finish();
  });
};

/**
 * scatterRows in WebAssembly (pool.c's scatter_add_rows: the same float32 adds in the same order) for float32 data;
 * null when too small for the staging to pay or the arena cannot hold it. Throws as scatterRows does on a bad index.
 * Exported for the tests, which check that it ran.
 */
export const scatterRowsWasm = (src: Arr, size: number, idx: Int32Array, inner: number, dtype: DType, axis: number): Arr | null => {
  if (idx.length < ROWS_WASM_MIN || !(src instanceof Float32Array) || dtype !== "float32") return null;
  return wasmCall((c) => {
    const s = c.operand(src, idx.length), ix = c.operand(idx), o = c.result(dtype, (idx.length / inner) * size); // zeroed row by row in the kernel
    const job = { op: POOL_SCATTER, x: s, o: o.ptr, aux: ix, n: idx.length / inner, h: size, w: inner };
    const bad = runPool(c, job, idx.length + (idx.length / inner) * size, ROWS_PARALLEL_MIN);
    if (bad >= 0) outOfRange("scatterAdd", idx[bad]!, axis, size);
    return o.finish();
  });
};

export const gather: Kernel<Arr, "gather"> = (inputs, params, out) => {
  const [x, idx] = inputs, ix = idx!.data as Int32Array, { axis } = params;
  const fast = rowWise(x!.shape, idx!.shape, axis) && ix.length > 0
    ? gatherRowsWasm(x!.data, x!.shape[axis]!, ix, idx!.shape[axis]!, out.dtype, axis) : null;
  return fast ?? gatherReference(inputs, params, out);
};

export const scatterAdd: Kernel<Arr, "scatterAdd"> = (inputs, params, out) => {
  const [src, idx] = inputs, ix = idx!.data as Int32Array, { axis, shape } = params;
  const fast = rowWise(shape, idx!.shape, axis) && ix.length > 0
    ? scatterRowsWasm(src!.data, shape[axis]!, ix, idx!.shape[axis]!, out.dtype, axis) : null;
  return fast ?? scatterAddReference(inputs, params, out);
};

/** The TypeScript gather (the reference the WebAssembly rows are tested against, and their fallback). */
export const gatherReference: Kernel<Arr, "gather"> = ([x, idx], { axis }, out) => {
  const o = allocFor(out.dtype, numel(out.shape));
  const ix = idx!.data as Int32Array;
  if (rowWise(x!.shape, idx!.shape, axis) && ix.length > 0) gatherRows(x!.data, x!.shape[axis]!, ix, idx!.shape[axis]!, o, axis);
  else gatherScatter("gather", x!.data, x!.shape, ix, idx!.shape, o, axis);
  return o;
};

/** The TypeScript scatterAdd (the reference the WebAssembly rows are tested against, and their fallback). */
export const scatterAddReference: Kernel<Arr, "scatterAdd"> = ([src, idx], { axis, shape }, out) => {
  const o = allocFor(out.dtype, numel(shape));
  const ix = idx!.data as Int32Array;
  if (rowWise(shape, idx!.shape, axis) && ix.length > 0) scatterRows(o, shape[axis]!, ix, idx!.shape[axis]!, src!.data, axis);
  else gatherScatter("scatterAdd", o, shape, ix, idx!.shape, src!.data, axis);
  return o;
};

/** Checks a 1-D index against the axis size once, before the copy loops. */
const checkIndex = (op: string, idx: Int32Array, axis: number, size: number): void => {
  for (let k = 0; k < idx.length; k++) if (idx[k]! < 0 || idx[k]! >= size) outOfRange(op, idx[k]!, axis, size);
};

export const indexSelect: Kernel<Arr, "indexSelect"> = ([x, idx], { axis }, out) => {
  const src = x!.data;
  const ix = idx!.data as Int32Array;
  const n = x!.shape[axis]!;
  checkIndex("indexSelect", ix, axis, n);
  const o = allocFor(out.dtype, numel(out.shape));
  const outer = numel(x!.shape.slice(0, axis));
  const inner = numel(x!.shape.slice(axis + 1));
  const k = ix.length;
  for (let p = 0; p < outer; p++)
    for (let j = 0; j < k; j++) copyRun(src, (p * n + ix[j]!) * inner, o, (p * k + j) * inner, inner);
  return o;
};

/** Sources smaller than this are added in TypeScript: staging through the arena costs a few microseconds a call. */
const WASM_MIN = 4096;

/**
 * indexAdd of float32 rows in WebAssembly (vector adds, in the same order as the loop below, so bit for bit the same):
 * worth it when the output is not much larger than the source, since the whole output is zeroed and copied out.
 */
const indexAddWasm = (s: Float32Array, ix: Int32Array, outer: number, n: number, inner: number): AnyTypedArray | null => {
  const outLen = outer * n * inner;
  if (s.length < WASM_MIN || outLen > 4 * s.length) return null;
  return wasmCall((c) => {
    const src = c.operand(s), idx = c.operand(ix), out = c.result("float32", outLen, true);
    c.arena.exports.index_add_rows(src, idx, out.ptr, outer, n, ix.length, inner);
    return out.finish();
  });
};

export const indexAdd: Kernel<Arr, "indexAdd"> = ([src, idx], { axis, shape }, out) => {
  const s = src!.data, ix = idx!.data as Int32Array, n = shape[axis]!;
  checkIndex("indexAdd", ix, axis, n);
  const outer = numel(shape.slice(0, axis)), inner = numel(shape.slice(axis + 1));
  const fast = s instanceof Float32Array && out.dtype === "float32" ? indexAddWasm(s, ix, outer, n, inner) : null;
  return fast ?? indexAddRows(s, ix, outer, n, inner, out.dtype);
};

/** The TypeScript indexAdd (the reference the WebAssembly rows are tested against). */
export const indexAddReference: Kernel<Arr, "indexAdd"> = ([src, idx], { axis, shape }, out) => {
  const ix = idx!.data as Int32Array, n = shape[axis]!;
  checkIndex("indexAdd", ix, axis, n);
  return indexAddRows(src!.data, ix, numel(shape.slice(0, axis)), n, numel(shape.slice(axis + 1)), out.dtype);
};

/** Adds the k rows of s ([outer, k, inner]) into a zeroed [outer, n, inner] at rows ix (checked), in order. */
const indexAddRows = (s: Arr, ix: Int32Array, outer: number, n: number, inner: number, dtype: DType): Arr => {
  const o = allocFor(dtype, outer * n * inner);
  const k = ix.length;
  for (let p = 0; p < outer; p++)
    for (let j = 0; j < k; j++) {
      const d = (p * n + ix[j]!) * inner;
      const b = (p * k + j) * inner;
      for (let i = 0; i < inner; i++) o[d + i] += s[b + i]!;
    }
  return o;
};

// NaN sorts as the largest value (first when descending), as torch.sort does.
const before = (a: number, b: number, descending: boolean): boolean =>
  descending ? a > b || (a !== a && b === b) : a < b || (b !== b && a === a);

const RUN = 16;

/**
 * Stable sort of perm[0..n) by vals[perm[i]]: insertion sort on short runs, then bottom-up merges
 * that take from the right run only when strictly before, so equal keys keep their order.
 * Returns whichever of perm/tmp holds the result.
 */
const mergeSort = (perm: Int32Array, tmp: Int32Array, vals: Float64Array, n: number, descending: boolean): Int32Array => {
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const p = perm[i]!;
      const v = vals[p]!;
      let j = i;
      while (j > lo && before(v, vals[perm[j - 1]!]!, descending)) { perm[j] = perm[j - 1]!; j--; }
      perm[j] = p;
    }
  }
  let a = perm;
  let b = tmp;
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) b[k++] = before(vals[a[j]!]!, vals[a[i]!]!, descending) ? a[j++]! : a[i++]!;
      while (i < mid) b[k++] = a[i++]!;
      while (j < hi) b[k++] = a[j++]!;
    }
    [a, b] = [b, a];
  }
  return a;
};

export const argsort: Kernel<Arr, "argsort"> = ([x], { axis, descending }, out) => {
  const src = x!.data;
  const o = allocFor(out.dtype, src.length);
  const n = x!.shape[axis] ?? 1;
  if (src.length === 0) return o;
  const outer = numel(x!.shape.slice(0, axis));
  const inner = numel(x!.shape.slice(axis + 1));
  const vals = new Float64Array(n);
  const perm = new Int32Array(n);
  const tmp = new Int32Array(n);
  for (let p = 0; p < outer; p++)
    for (let i = 0; i < inner; i++) {
      const base = p * n * inner + i;
      for (let k = 0; k < n; k++) { vals[k] = src[base + k * inner]!; perm[k] = k; }
      const sorted = mergeSort(perm, tmp, vals, n, descending);
      for (let k = 0; k < n; k++) o[base + k * inner] = sorted[k]!;
    }
  return o;
};
