// The broadcast copy behind the expand kernel and where's broadcasting: merged runs, WebAssembly for 4-byte elements.
import type { AnyTypedArray } from "../dtype.js";
import type { Shape } from "../_shape.js";
import { wasmCall } from "./_wasmCall.js";

type Arr = AnyTypedArray;

/** Writes `v` to o[at, at + n): a loop for the short rows of pooling windows, where a fill() call costs more than it saves. */
const fillRun = (o: Arr, v: number, at: number, n: number): void => {
  if (n < 32) for (let i = 0; i < n; i++) o[at + i] = v;
  else o.fill(v, at, at + n);
};

/** Copies src[from, from + n) to o[at, …), by element for short rows. */
const copyRun = (src: Arr, from: number, o: Arr, at: number, n: number): void => {
  if (n < 32) for (let i = 0; i < n; i++) o[at + i] = src[from + i]!;
  else o.set(src.subarray(from, from + n), at);
};

/** Repeats the block o[at, at + block) `times` times in place: short spans by element, long ones doubling the copied span (log₂ copyWithin calls). */
const repeatBlock = (o: Arr, at: number, block: number, times: number): void => {
  const total = block * times;
  if (total <= 256) {
    // A pooling window's rows: an element loop beats a builtin call per few elements.
    for (let t = at + block, end = at + total; t < end; t++) o[t] = o[t - block]!;
    return;
  }
  for (let done = block; done < total; done += Math.min(done, total - done)) o.copyWithin(at + done, at, at + Math.min(done, total - done));
};

/**
 * Broadcast copy over merged runs: a kept run walks its input rows, a broadcast run writes its first copy and then
 * repeats it with copyWithin; the last two runs are one leaf, so a short broadcast axis (a pooling window) is a plain loop.
 */
const expandRuns = (src: Arr, o: Arr, dims: readonly number[], bcast: readonly boolean[], inStride: readonly number[], outBlock: readonly number[], d: number, si: number, oi: number): void => {
  const n = dims[d]!;
  if (d === dims.length - 1) {
    if (bcast[d]) fillRun(o, src[si]!, oi, n);
    else copyRun(src, si, o, oi, n);
  } else if (bcast[d]) {
    expandRuns(src, o, dims, bcast, inStride, outBlock, d + 1, si, oi);
    repeatBlock(o, oi, outBlock[d]!, n);
  } else if (d === dims.length - 2 && bcast[d + 1]) {
    const k = dims[d + 1]!;
    for (let q = 0; q < n; q++) fillRun(o, src[si + q]!, oi + q * k, k);
  } else for (let q = 0; q < n; q++) expandRuns(src, o, dims, bcast, inStride, outBlock, d + 1, si + q * inStride[d]!, oi + q * outBlock[d]!);
};

/** Output axes as alternating runs of kept and broadcast axes (size-1 output axes dropped, neighbours merged). */
const mergeRuns = (xShape: Shape, shape: Shape): { dims: number[]; bcast: boolean[] } => {
  const lead = shape.length - xShape.length;
  const dims: number[] = [];
  const bcast: boolean[] = [];
  shape.forEach((d, i) => {
    if (d === 1) return;
    const b = i < lead || xShape[i - lead] === 1;
    if (bcast.length > 0 && bcast[bcast.length - 1] === b) dims[dims.length - 1]! *= d;
    else dims.push(d), bcast.push(b);
  });
  return { dims, bcast };
};

/** Input strides and output block sizes of the runs (a broadcast run advances the input by nothing). */
const runStrides = (dims: readonly number[], bcast: readonly boolean[]): { inStride: number[]; outBlock: number[] } => {
  const inStride = new Array<number>(dims.length).fill(1);
  const outBlock = new Array<number>(dims.length).fill(1);
  for (let d = dims.length - 2; d >= 0; d--) {
    inStride[d] = inStride[d + 1]! * (bcast[d + 1] ? 1 : dims[d + 1]!);
    outBlock[d] = outBlock[d + 1]! * dims[d + 1]!;
  }
  return { inStride, outBlock };
};

/** Outputs at least this large (4-byte elements) may be written in WebAssembly: below it, staging costs more than it saves. */
const WASM_EXPAND_MIN = 2048;
/**
 * ... and only when the innermost run is shorter than this: long rows are already copied or filled at memory speed by
 * TypeScript's builtins (`set`, `fill`, `copyWithin`: ~0.05 ns per element), which the staging copies alone would exceed.
 */
const WASM_EXPAND_ROW_MAX = 128;

/**
 * The copy in WebAssembly (_wasm/reduce.c `expand_runs`) for Float32Array or Int32Array `x` and `o` of the same
 * type, whose bits are copied unchanged (typed-array views of the arena's type: `.set` between equal types is a byte
 * copy, so NaN payloads survive). Returns false when the arena is unavailable or too small.
 */
const expandWasm = (x: Float32Array | Int32Array, o: Float32Array | Int32Array, dims: readonly number[], bcast: readonly boolean[], inStride: readonly number[], outBlock: readonly number[]): boolean =>
  wasmCall((c) => {
    const nd = dims.length, src = c.operand(x);
    // `o` is written in place when it lives in the arena (inside step scopes), else in a temporary copied into it.
    const inPlace = c.arena.owns(o.buffer), dst = inPlace ? o.byteOffset : c.temp(o.byteLength), ws = c.temp(16 * nd);
    const buffer = c.arena.buffer(); // after the allocations, which may grow the memory
    const w = new Int32Array(buffer, ws, 4 * nd);
    for (let d = 0; d < nd; d++) w[d] = dims[d]!, w[nd + d] = bcast[d] ? 1 : 0, w[2 * nd + d] = inStride[d]!, w[3 * nd + d] = outBlock[d]!;
    c.arena.exports.expand_runs(src, dst, ws, nd);
    if (!inPlace) o.set(x instanceof Float32Array ? new Float32Array(buffer, dst, o.length) : new Int32Array(buffer, dst, o.length));
    return true;
  }) ?? false;

/** The broadcast copy, through the WebAssembly kernel where `simd` allows and it pays, else in TypeScript. */
const copyBroadcast = (x: Arr, xShape: Shape, shape: Shape, o: Arr, simd: boolean): Arr => {
  if (o.length === 0) return o;
  const { dims, bcast } = mergeRuns(xShape, shape);
  if (!bcast.includes(true)) {
    o.set(x);
    return o;
  }
  const { inStride, outBlock } = runStrides(dims, bcast);
  const fourBytes = (x instanceof Float32Array && o instanceof Float32Array) || (x instanceof Int32Array && o instanceof Int32Array);
  if (simd && fourBytes && o.length >= WASM_EXPAND_MIN && dims[dims.length - 1]! < WASM_EXPAND_ROW_MAX && expandWasm(x, o, dims, bcast, inStride, outBlock)) return o;
  expandTs(x, o, dims, bcast, inStride, outBlock);
  return o;
};

/**
 * Writes `x` (of shape `xShape`) broadcast to `shape` into `o` (every element; `o` may be of another dtype, which
 * then converts as assignment does) and returns `o`. Between arrays of one type the bits are copied, NaN payloads too.
 */
export const broadcastCopy = (x: Arr, xShape: Shape, shape: Shape, o: Arr): Arr => copyBroadcast(x, xShape, shape, o, true);

/**
 * The TypeScript copy over the runs. Float32 to float32 goes through int32 views of both arrays: an element copy
 * through a JS number would turn every NaN into the canonical one, and a copy keeps bits.
 */
const expandTs = (x: Arr, o: Arr, dims: readonly number[], bcast: readonly boolean[], inStride: readonly number[], outBlock: readonly number[]): void => {
  if (x instanceof Float32Array && o instanceof Float32Array)
    expandRuns(new Int32Array(x.buffer, x.byteOffset, x.length), new Int32Array(o.buffer, o.byteOffset, o.length), dims, bcast, inStride, outBlock, 0, 0, 0);
  else expandRuns(x, o, dims, bcast, inStride, outBlock, 0, 0, 0);
};

/** broadcastCopy in TypeScript only (the reference for the WebAssembly path, and its fallback). */
export const broadcastCopyReference = (x: Arr, xShape: Shape, shape: Shape, o: Arr): Arr => copyBroadcast(x, xShape, shape, o, false);
