// The CPU layout kernels as they were before the strided-copy rewrite (element-walking references): the new kernels
// must match them bit for bit (test/ops/cpu/layoutKernels.test.ts), and bench/layoutKernels.ts times both.
import type { Kernel } from "../../../src/ops/backend.js";
import { allocFor, type AnyTypedArray } from "../../../src/ops/dtype.js";
import { nextIndex, numel, stridesOf } from "../../../src/ops/_shape.js";

type Arr = AnyTypedArray;

const SET_MIN = 32;

const outOfRange = (op: string, v: number, axis: number, size: number): never => {
  throw new Error(`${op}: index ${v} is out of range for dimension ${axis} of size ${size}`);
};

export const permuteReference: Kernel<Arr, "permute"> = ([x], { perm }, out) => {
  const src = x!.data;
  const o = allocFor(out.dtype, src.length);
  const nd = perm.length;
  if (nd === 0 || src.length === 0) { o.set(src); return o; }
  const inStrides = stridesOf(x!.shape);
  const st = perm.map((p) => inStrides[p]!);
  const shape = out.shape;
  const inner = shape[nd - 1]!;
  const is = st[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let off = 0;
  for (let p = 0; p < o.length; p += inner) {
    for (let j = 0; j < inner; j++) o[p + j] = src[off + j * is]!;
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      off += st[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= st[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return o;
};

/** Copies `len` elements src[s..] → dst[d..] (same element type). */
const copyRun = (src: Arr, s: number, dst: Arr, d: number, len: number): void => {
  if (len >= SET_MIN) (dst as Float32Array).set(src.subarray(s, s + len), d);
  else for (let i = 0; i < len; i++) dst[d + i] = src[s + i]!;
};

export const sliceReference: Kernel<Arr, "slice"> = ([x], { begin, step }, out) => {
  const src = x!.data;
  const shape = x!.shape;
  const oshape = out.shape;
  const o = allocFor(out.dtype, numel(oshape));
  if (o.length === 0) return o;
  const nd = shape.length;
  // Trailing axes taken whole with unit step are one contiguous block per position of the axes before them.
  let m = nd;
  let block = 1;
  while (m > 0 && step[m - 1] === 1 && begin[m - 1] === 0 && oshape[m - 1] === shape[m - 1]) block *= shape[--m]!;
  if (m === 0) { copyRun(src, 0, o, 0, o.length); return o; }
  const st = stridesOf(shape);
  let off = 0;
  for (let d = 0; d < m; d++) off += begin[d]! * st[d]!;
  const walkStrides = st.map((s, d) => s * step[d]!);
  const inner = oshape[m - 1]!;
  const is = walkStrides[m - 1]!;
  const rowLen = inner * block;
  const idx = new Int32Array(Math.max(m - 1, 1));
  for (let p = 0; p < o.length; p += rowLen) {
    if (is === block) copyRun(src, off, o, p, rowLen);
    else if (block === 1) for (let j = 0; j < inner; j++) o[p + j] = src[off + j * is]!;
    else for (let j = 0; j < inner; j++) copyRun(src, off + j * is, o, p + j * block, block);
    off += nextIndex(idx, oshape, walkStrides, m - 1);
  }
  return o;
};

export const padReference: Kernel<Arr, "pad"> = ([x], { widths, value }, out) => {
  const src = x!.data;
  const shape = x!.shape;
  const o = allocFor(out.dtype, numel(out.shape));
  if (value !== 0) o.fill(value); // fresh storage is already zero
  if (src.length === 0) return o;
  const nd = shape.length;
  // Unpadded trailing axes are contiguous in input and output alike, so they join the copied row.
  let m = nd;
  let run = 1;
  while (m > 0 && widths[m - 1]![0] === 0 && widths[m - 1]![1] === 0) run *= shape[--m]!;
  if (m === 0) { copyRun(src, 0, o, 0, src.length); return o; }
  const ost = stridesOf(out.shape);
  let off = 0;
  for (let d = 0; d < m; d++) off += widths[d]![0] * ost[d]!;
  const rowLen = shape[m - 1]! * run;
  const idx = new Int32Array(Math.max(m - 1, 1));
  for (let p = 0; p < src.length; p += rowLen) {
    copyRun(src, p, o, off, rowLen);
    off += nextIndex(idx, shape, ost, m - 1);
  }
  return o;
};

export const concatReference: Kernel<Arr, "concat"> = (xs, { axis }, out) => {
  const o = allocFor(out.dtype, numel(out.shape));
  const outer = numel(out.shape.slice(0, axis));
  const inner = numel(out.shape.slice(axis + 1));
  const outChunk = out.shape[axis]! * inner;
  let at = 0;
  for (const x of xs) {
    const chunk = x.shape[axis]! * inner;
    for (let p = 0; p < outer; p++) copyRun(x.data, p * chunk, o, p * outChunk + at, chunk);
    at += chunk;
  }
  return o;
};

/** Checks a 1-D index against the axis size once, before the copy loops. */
const checkIndex = (op: string, idx: Int32Array, axis: number, size: number): void => {
  for (let k = 0; k < idx.length; k++) if (idx[k]! < 0 || idx[k]! >= size) outOfRange(op, idx[k]!, axis, size);
};

/**
 * indexSelect element by element, from its definition: out[p, j, i] = x[p, idx[j], i] (not a copy of the kernel, which
 * the strided-copy rewrite left as it was: the test would otherwise compare the kernel with itself).
 */
export const indexSelectReference: Kernel<Arr, "indexSelect"> = ([x, idx], { axis }, out) => {
  const ix = idx!.data as Int32Array;
  const n = x!.shape[axis]!;
  checkIndex("indexSelect", ix, axis, n);
  const o = allocFor(out.dtype, numel(out.shape));
  const inner = numel(x!.shape.slice(axis + 1)), k = ix.length;
  for (let e = 0; e < o.length; e++) {
    const i = e % inner, j = Math.floor(e / inner) % k, p = Math.floor(e / (inner * k));
    o[e] = x!.data[(p * n + ix[j]!) * inner + i]!;
  }
  return o;
};
