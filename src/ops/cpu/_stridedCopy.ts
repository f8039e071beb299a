// The CPU's one strided copy, under permute, slice, pad and concat: a box of elements read at one set of strides and written at another (in TypeScript, or for 4-byte elements in WebAssembly).
import { allocFor, allocUninit, type AnyTypedArray, type DType } from "../dtype.js";
import { numel, stridesOf } from "../_shape.js";
import { wasmCall } from "./_wasmCall.js";

type Arr = AnyTypedArray;

/**
 * Below this many elements a plain loop beats creating a subarray view for TypedArray.set (measured: a JS copy loop
 * costs ~1.2 ns an element whatever the run; set() ~30 ns a call plus ~0.1 ns an element).
 */
export const SET_MIN = 32;

/** Copies `len` elements src[s..] → dst[d..] (same element type). */
export const copyRun = (src: Arr, s: number, dst: Arr, d: number, len: number): void => {
  if (len >= SET_MIN) (dst as Float32Array).set(src.subarray(s, s + len), d);
  else for (let i = 0; i < len; i++) dst[d + i] = src[s + i]!;
};

/** A box after merging: sizes and both strides per axis, outermost first; no size-1 axes. */
export interface Collapsed {
  readonly shape: number[];
  readonly src: number[];
  readonly dst: number[];
}

/**
 * Drops size-1 axes and merges each axis into the one before it when both strides continue it (the outer stride is
 * the inner one times the inner size on both sides), so a permute of [16,64,4,32] by (0,2,1,3) is three loops, and a
 * slice of whole trailing axes one long run. Returns null when the box is empty.
 */
export const collapse = (shape: readonly number[], srcStrides: readonly number[], dstStrides: readonly number[]): Collapsed | null => {
  const out: Collapsed = { shape: [], src: [], dst: [] };
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 0) return null;
    if (n === 1) continue;
    const k = out.shape.length - 1;
    const ss = srcStrides[d]!, ds = dstStrides[d]!;
    if (k >= 0 && out.src[k] === ss * n && out.dst[k] === ds * n) {
      out.shape[k]! *= n;
      out.src[k] = ss;
      out.dst[k] = ds;
    } else {
      out.shape.push(n);
      out.src.push(ss);
      out.dst.push(ds);
    }
  }
  return out;
};

/** The innermost loop: contiguous runs by set() or a plain loop, strided ones by a loop with no index arrays. */
const copyRow = (src: Arr, s: number, s3: number, dst: Arr, d: number, d3: number, n3: number): void => {
  if (s3 === 1 && d3 === 1) copyRun(src, s, dst, d, n3);
  else if (d3 === 1) for (let j = 0; j < n3; j++) dst[d + j] = src[s + j * s3]!;
  else for (let j = 0; j < n3; j++) dst[d + j * d3] = src[s + j * s3]!;
};

/** Four nested loops (the collapsed rank is at most 4 in nearly every call): offsets stepped by adds, no multi-index. */
const copy4 = (src: Arr, so: number, dst: Arr, dOff: number, n: readonly number[], ss: readonly number[], ds: readonly number[], r: number): void => {
  // Axes r-4 .. r-1 (missing leading ones have size 1).
  const at = (a: readonly number[], i: number, fill: number): number => (r - 4 + i >= 0 ? a[r - 4 + i]! : fill);
  const n0 = at(n, 0, 1), n1 = at(n, 1, 1), n2 = at(n, 2, 1), n3 = at(n, 3, 1);
  const s0 = at(ss, 0, 0), s1 = at(ss, 1, 0), s2 = at(ss, 2, 0), s3 = at(ss, 3, 0);
  const d0 = at(ds, 0, 0), d1 = at(ds, 1, 0), d2 = at(ds, 2, 0), d3 = at(ds, 3, 0);
  for (let i0 = 0, a0 = so, b0 = dOff; i0 < n0; i0++, a0 += s0, b0 += d0)
    for (let i1 = 0, a1 = a0, b1 = b0; i1 < n1; i1++, a1 += s1, b1 += d1)
      for (let i2 = 0, a2 = a1, b2 = b1; i2 < n2; i2++, a2 += s2, b2 += d2) copyRow(src, a2, s3, dst, b2, d3, n3);
};

/** Loops over the axes above the last four, then copy4. */
const copyOuter = (src: Arr, so: number, dst: Arr, dOff: number, c: Collapsed, axis: number): void => {
  if (c.shape.length - axis <= 4) {
    copy4(src, so, dst, dOff, c.shape, c.src, c.dst, c.shape.length);
    return;
  }
  for (let i = 0; i < c.shape[axis]!; i++) copyOuter(src, so + i * c.src[axis]!, dst, dOff + i * c.dst[axis]!, c, axis + 1);
};

/**
 * Copies a box of `shape`: the element at multi-index i goes from src[srcOffset + Σ iₐ·srcStridesₐ] to
 * dst[dstOffset + Σ iₐ·dstStridesₐ] (strides may be negative: a reversed slice). Both arrays have the same element type.
 */
export const stridedCopy = (
  src: Arr, srcOffset: number, srcStrides: readonly number[],
  dst: Arr, dstOffset: number, dstStrides: readonly number[],
  shape: readonly number[],
): void => {
  const c = collapse(shape, srcStrides, dstStrides);
  if (c === null) return;
  if (c.shape.length === 0) dst[dstOffset] = src[srcOffset]!;
  else copyOuter(src, srcOffset, dst, dstOffset, c, 0);
};

/**
 * Boxes smaller than this are copied in TypeScript: staging through the arena costs ~2 µs a call (measured on attention
 * head splits and transposes: WebAssembly about even at 512 elements, ahead from 1,024).
 */
const WASM_MIN = 1024;

/** One box of an output being assembled: `shape` elements read from src at srcOffset + Σ iₐ·srcStridesₐ, written at dstOffset. */
export interface Part {
  readonly src: AnyTypedArray;
  readonly srcOffset: number;
  readonly srcStrides: readonly number[];
  readonly dstOffset: number;
  readonly shape: readonly number[];
}

/** The smallest and largest source offsets a collapsed box reads. */
const span = (srcOffset: number, c: Collapsed): [number, number] => {
  let lo = srcOffset, hi = srcOffset;
  c.shape.forEach((len, a) => {
    const reach = (len - 1) * c.src[a]!;
    if (reach < 0) lo += reach;
    else hi += reach;
  });
  return [lo, hi];
};

/**
 * The boxes through the WebAssembly kernel: the source span each reads is staged into the arena, the output after
 * them (filled first when `fill` is a number), the kernel copies each box, and the output is copied out (memcpy-speed
 * passes, ~0.2 ns an element each, around a kernel that moves 4×4 blocks or vectors where a TypeScript loop costs
 * ~1.2 ns an element). Sources and output living in the arena (inside step scopes) are used in place instead.
 * Null when there is no arena.
 */
const assembleWasm = (float: boolean, n: number, parts: readonly (Part & { readonly c: Collapsed })[], fill: number | null): AnyTypedArray | null => {
  const spans = parts.map((p) => span(p.srcOffset, p.c));
  return wasmCall((call) => {
    // Each source span where it lives (in place inside step scopes, else staged), in elements.
    const starts = parts.map(({ src }, q) => call.operand(src.subarray(spans[q]![0], spans[q]![1] + 1)) / 4);
    const result = call.result(float ? "float32" : "int32", n);
    const arena = call.arena, out = result.ptr / 4;
    // A view of the arena with the sources' element type (after the allocations, which may grow the memory).
    const mem = float ? arena.f32() : arena.i32();
    if (fill !== null) mem.fill(fill, out, out + n);
    parts.forEach(({ srcOffset, dstOffset, c }, q) => {
      const lo = spans[q]![0], at = starts[q]!;
      const r = c.shape.length;
      // Axes above the last four (rare after collapsing) are looped here; the kernel takes four, missing ones of size 1.
      const k = (a: readonly number[], i: number, dflt: number): number => (r - 4 + i >= 0 ? a[r - 4 + i]! : dflt);
      const run = (axis: number, so: number, dOff: number): void => {
        if (r - axis > 4) {
          for (let i = 0; i < c.shape[axis]!; i++) run(axis + 1, so + i * c.src[axis]!, dOff + i * c.dst[axis]!);
          return;
        }
        arena.exports.strided_copy((at + so - lo) * 4, (out + dOff) * 4,
          k(c.shape, 0, 1), k(c.shape, 1, 1), k(c.shape, 2, 1), k(c.shape, 3, 1),
          k(c.src, 0, 0), k(c.src, 1, 0), k(c.src, 2, 0), k(c.src, 3, 0),
          k(c.dst, 0, 0), k(c.dst, 1, 0), k(c.dst, 2, 0), k(c.dst, 3, 0));
      };
      if (r === 0) mem[out + dstOffset] = mem[at + srcOffset - lo]!;
      else run(0, srcOffset, dstOffset);
    });
    return result.finish();
  });
};

/**
 * A new array of `dtype` with `n` elements (strides `dstStrides`) made of the boxes `parts`; elements no part writes
 * hold `fill` (null: the parts cover every element). Permute and slice are one part, pad one part and a fill, concat
 * a part per input. Float32 and int32 outputs with a box whose innermost run is short or strided go through the
 * WebAssembly kernel; long contiguous runs are set() calls already.
 */
export const assemble = (dtype: DType, n: number, dstStrides: readonly number[], parts: readonly Part[], fillValue: number | null): AnyTypedArray => {
  // A fill of -0 writes +0, as the fresh zeroed storage it stands for does.
  const fill = fillValue === 0 ? 0 : fillValue;
  const live = parts.flatMap((p) => {
    const c = collapse(p.shape, p.srcStrides, dstStrides);
    return c === null ? [] : [{ ...p, c }];
  });
  const float = dtype === "float32";
  if (n >= WASM_MIN && (float || dtype === "int32") && live.every((p) => p.src instanceof (float ? Float32Array : Int32Array))) {
    const shortRuns = live.some(({ c }) => {
      const r = c.shape.length;
      return r > 0 && !(c.src[r - 1] === 1 && c.dst[r - 1] === 1 && c.shape[r - 1]! >= 64);
    });
    const o = shortRuns ? assembleWasm(float, n, live, fill) : null;
    if (o !== null) return o;
  }
  // Fresh storage is zeroed, so only a fill other than 0 is written; without one every element is written by a part.
  const o = fill === 0 ? allocFor(dtype, n) : allocUninit(dtype, n);
  if (fill !== null && fill !== 0) o.fill(fill);
  for (const p of live) stridedCopy(p.src, p.srcOffset, p.srcStrides, o, p.dstOffset, dstStrides, p.shape);
  return o;
};

/** A new contiguous array of `dtype` holding the box of `shape` read from src at srcOffset + Σ iₐ·srcStridesₐ (permute, slice). */
export const copyBox = (src: AnyTypedArray, srcOffset: number, srcStrides: readonly number[], dtype: DType, shape: readonly number[]): AnyTypedArray =>
  assemble(dtype, numel(shape), stridesOf(shape), [{ src, srcOffset, srcStrides, dstOffset: 0, shape }], null);
