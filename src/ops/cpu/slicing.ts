// CPU kernels for strided slices, constant padding and concatenation, plus the row-walking helpers they share with the indexing kernels.
import type { Kernel } from "../backend.js";
import { allocFor, allocUninit, type AnyTypedArray } from "../dtype.js";
import { numel, stridesOf } from "../_shape.js";

type Arr = AnyTypedArray;

// Below this length a plain loop beats creating a subarray view for TypedArray.set.
const SET_MIN = 32;

/** Copies `len` elements src[s..] → dst[d..] (same element type). */
export const copyRun = (src: Arr, s: number, dst: Arr, d: number, len: number): void => {
  if (len >= SET_MIN) (dst as Float32Array).set(src.subarray(s, s + len), d);
  else for (let i = 0; i < len; i++) dst[d + i] = src[s + i]!;
};

/**
 * Advances a row-major multi-index over axes [0, n) by one and returns the change in a strided offset,
 * so kernels walk rows without building index arrays per element.
 */
export const nextIndex = (idx: Int32Array, lens: ArrayLike<number>, strides: ArrayLike<number>, n: number): number => {
  let delta = 0;
  for (let d = n - 1; d >= 0; d--) {
    idx[d]!++;
    delta += strides[d]!;
    if (idx[d]! < lens[d]!) return delta;
    delta -= strides[d]! * lens[d]!;
    idx[d] = 0;
  }
  return delta;
};

export const slice: Kernel<Arr, "slice"> = ([x], { begin, step }, out) => {
  const src = x!.data;
  const shape = x!.shape;
  const oshape = out.shape;
  const o = allocUninit(out.dtype, numel(oshape)); // writes every element
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

export const pad: Kernel<Arr, "pad"> = ([x], { widths, value }, out) => {
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

export const concat: Kernel<Arr, "concat"> = (xs, { axis }, out) => {
  const o = allocUninit(out.dtype, numel(out.shape)); // the inputs tile it: every element written
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
