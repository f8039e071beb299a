// CPU im2col (unfold) and col2im (fold) over NCHW tensors: the basis of convolution and pooling.
import type { Kernel } from "../backend.js";
import type { WindowParams } from "../primitive.js";
import { allocFor, type AnyTypedArray } from "../dtype.js";
import { numel, windowCount } from "../_shape.js";
import { wasmCall } from "./_wasmCall.js";
import { runWindowJob } from "./_gemmPool.js";

/** Outputs smaller than this many floats are not worth waking the worker threads for. */
const PARALLEL_MIN = 1 << 16;

type Arr = AnyTypedArray;

/** Window positions per axis and, per kernel column, the run of output columns that read inside the input. */
interface Layout {
  readonly oh: number;
  readonly ow: number;
  /** Input column of output column 0 for kernel column j (may be negative: left padding). */
  readonly colOff: Int32Array;
  /** Output columns [lo[j], hi[j]) read inside the input; the rest read padding. */
  readonly lo: Int32Array;
  readonly hi: Int32Array;
}

const layout = (h: number, w: number, p: WindowParams): Layout => {
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.stride;
  const [dh, dw] = p.dilation;
  const [pt, pb, pl, pr] = p.padding;
  const oh = Math.max(0, windowCount(h, kh, sh, dh, pt, pb));
  const ow = Math.max(0, windowCount(w, kw, sw, dw, pl, pr));
  const colOff = new Int32Array(kw);
  const lo = new Int32Array(kw);
  const hi = new Int32Array(kw);
  for (let j = 0; j < kw; j++) {
    const off = j * dw - pl;
    colOff[j] = off;
    // Solve 0 <= q·sw + off < w for the output column q once per kernel column, not per element.
    const a = Math.min(ow, Math.max(0, Math.ceil(-off / sw)));
    lo[j] = a;
    hi[j] = Math.max(a, Math.min(ow, Math.ceil((w - off) / sw)));
  }
  return { oh, ow, colOff, lo, hi };
};

/** The TypeScript reference im2col. */
export const unfoldReference: Kernel<Arr, "unfold"> = ([x], p, out) => {
  const [n, c, h, w] = x!.shape as [number, number, number, number];
  const [kh, kw] = p.kernel;
  const sh = p.stride[0];
  const sw = p.stride[1];
  const dh = p.dilation[0];
  const pt = p.padding[0];
  const { oh, ow, colOff, lo, hi } = layout(h, w, p);
  const src = x!.data;
  const dst = allocFor(out.dtype, numel(out.shape));
  const value = p.value;
  const fillPad = value !== 0; // fresh storage is already zero
  const L = oh * ow;
  const plane = h * w;
  for (let pc = 0; pc < n * c; pc++) {
    const sPlane = pc * plane;
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++) {
        const rowBase = ((pc * kh + i) * kw + j) * L;
        const a = lo[j]!;
        const b = hi[j]!;
        const off = colOff[j]!;
        for (let y = 0; y < oh; y++) {
          const d = rowBase + y * ow;
          const ih = y * sh - pt + i * dh;
          if (ih < 0 || ih >= h) {
            if (fillPad) dst.fill(value, d, d + ow);
            continue;
          }
          if (fillPad) {
            dst.fill(value, d, d + a);
            dst.fill(value, d + b, d + ow);
          }
          const s = sPlane + ih * w + off;
          // Stride 1: a contiguous input row; long ones are one set() (a builtin memcpy), short ones a loop.
          if (sw === 1 && b - a >= 32) dst.set(src.subarray(s + a, s + b), d + a);
          else if (sw === 1) for (let q = a; q < b; q++) dst[d + q] = src[s + q]!;
          else for (let q = a; q < b; q++) dst[d + q] = src[s + q * sw]!;
        }
      }
  }
  return dst;
};

/** The TypeScript reference col2im. */
export const foldReference: Kernel<Arr, "fold"> = ([col], p, out) => {
  const [n, c, h, w] = out.shape as [number, number, number, number];
  const [kh, kw] = p.kernel;
  const sh = p.stride[0];
  const sw = p.stride[1];
  const dh = p.dilation[0];
  const pt = p.padding[0];
  const { oh, ow, colOff, lo, hi } = layout(h, w, p);
  const src = col!.data;
  const dst = allocFor(out.dtype, numel(out.shape));
  const L = oh * ow;
  const plane = h * w;
  for (let pc = 0; pc < n * c; pc++) {
    const dPlane = pc * plane;
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++) {
        const rowBase = ((pc * kh + i) * kw + j) * L;
        const a = lo[j]!;
        const b = hi[j]!;
        const off = colOff[j]!;
        for (let y = 0; y < oh; y++) {
          const ih = y * sh - pt + i * dh;
          // Contributions that land in the padding have no input element to go to: dropped.
          if (ih < 0 || ih >= h) continue;
          const s = rowBase + y * ow;
          const d = dPlane + ih * w + off;
          if (sw === 1) for (let q = a; q < b; q++) dst[d + q] += src[s + q]!;
          else for (let q = a; q < b; q++) dst[d + q * sw] += src[s + q]!;
        }
      }
  }
  return dst;
};

/** im2col: the WebAssembly SIMD kernel for float32 (input and columns in place when resident in the arena, else staged and copied out), else the reference. */
export const unfold: Kernel<Arr, "unfold"> = (inputs, p, out) => {
  const x = inputs[0]!, src = x.data;
  if (src instanceof Float32Array && out.dtype === "float32") {
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const { oh, ow } = layout(h, w, p);
    const inLen = n * c * h * w, outLen = numel(out.shape);
    const fast = wasmCall((call) => {
      const arena = call.arena, dst = call.result("float32", outLen);
      const args = [call.operand(src, inLen), dst.ptr, n * c, h, w, p.kernel[0], p.kernel[1], p.stride[0], p.stride[1],
        p.dilation[0], p.dilation[1], p.padding[0], p.padding[2], oh, ow] as const;
      if (outLen < PARALLEL_MIN || !runWindowJob(arena, false, ...args, p.value)) arena.exports.unfold(...args, p.value);
      return dst.finish();
    });
    if (fast !== null) return fast;
  }
  return unfoldReference(inputs, p, out);
};

/** col2im: the WebAssembly SIMD kernel for float32, else the reference. */
export const fold: Kernel<Arr, "fold"> = (inputs, p, out) => {
  const src = inputs[0]!.data;
  if (src instanceof Float32Array && out.dtype === "float32") {
    const [n, c, h, w] = out.shape as [number, number, number, number];
    const { oh, ow } = layout(h, w, p);
    const inLen = n * c * p.kernel[0] * p.kernel[1] * oh * ow, outLen = n * c * h * w;
    const fast = wasmCall((call) => {
      const arena = call.arena, dst = call.result("float32", outLen, true);
      const args = [call.operand(src, inLen), dst.ptr, n * c, h, w, p.kernel[0], p.kernel[1], p.stride[0], p.stride[1],
        p.dilation[0], p.dilation[1], p.padding[0], p.padding[2], oh, ow] as const;
      if (inLen < PARALLEL_MIN || !runWindowJob(arena, true, ...args, 0)) {
        call.f32().fill(0, dst.ptr / 4, dst.ptr / 4 + outLen); // a failed threaded run may have added some planes
        arena.exports.fold(...args);
      }
      return dst.finish();
    });
    if (fast !== null) return fast;
  }
  return foldReference(inputs, p, out);
};
