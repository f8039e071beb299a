// CPU kernels for maxPoolIndices: one pass over each window of each plane, no im2col (a special case for 2×2 stride 2), in WebAssembly (pool.c) with this TypeScript reference.
import type { CompositeKernel, OutSpec } from "../backend.js";
import type { AnyTypedArray } from "../dtype.js";
import type { WindowParams } from "../primitive.js";
import { wasmCall } from "./_wasmCall.js";
import { POOL_2X2, POOL_ANY, runPool } from "./_poolJob.js";

type Arr = AnyTypedArray;

/*
 * Branch-free selection for 2×2: on random data (a convolution's output) a compare-and-branch per element
 * mispredicts about half the time, measured 3× slower than computing the winner's offset from comparisons used as
 * 0/1. NaN, which must win (the first one), is rare: a window holding one is scanned again.
 */

/** Offset of the first NaN among a window's taps (row-major), or -1. */
const firstNaN = (x: Arr, base: number, offsets: readonly number[]): number => {
  for (const at of offsets) if (x[base + at]! !== x[base + at]!) return at;
  return -1;
};

/**
 * 2×2 windows with stride 2 and no padding (every CNN's pooling layer): the top pair's winner (the right one only
 * when strictly greater), the bottom pair's, then the bottom one only when strictly greater than the top one.
 */
const pool2x2 = (x: Arr, o: Int32Array, planes: number, h: number, w: number, oh: number, ow: number): void => {
  for (let p = 0, q = 0; p < planes; p++) {
    const base = p * h * w;
    for (let y = 0; y < oh; y++) {
      const r0 = 2 * y * w;
      const t0 = base + r0;
      const b0 = t0 + w;
      for (let z = 0, c = 0; z < ow; z++, q++, c += 2) {
        const a = x[t0 + c]!, b = x[t0 + c + 1]!, d = x[b0 + c]!, e = x[b0 + c + 1]!;
        if (a !== a || b !== b || d !== d || e !== e) {
          o[q] = r0 + c + firstNaN(x, t0 + c, [0, 1, w, w + 1]);
          continue;
        }
        const top = +(b > a);
        const bottom = +(e > d);
        const down = +(x[b0 + c + bottom]! > x[t0 + c + top]!);
        o[q] = r0 + c + top + down * (w + bottom - top);
      }
    }
  }
};

/** Per output position along one axis: the window's start and its first and one-past-last taps inside [0, size). */
interface Taps {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly start: Int32Array;
}

const taps = (out: number, size: number, k: number, s: number, d: number, before: number): Taps => {
  const lo = new Int32Array(out);
  const hi = new Int32Array(out);
  const start = new Int32Array(out);
  for (let i = 0; i < out; i++) {
    const s0 = i * s - before;
    start[i] = s0;
    lo[i] = s0 >= 0 ? 0 : Math.ceil(-s0 / d);
    hi[i] = Math.min(k, Math.ceil((size - s0) / d));
  }
  return { lo, hi, start };
};

/**
 * Any geometry: each window scans its in-input taps in row-major order, starting from the first (the padding is
 * -∞, which never replaces anything, so PyTorch's scan from -∞ at the first input position ends the same way).
 * Branch-free selection measured no faster here: the reload of the best value is a dependency chain per tap.
 */
const poolAny = (x: Arr, o: Int32Array, planes: number, h: number, w: number, oh: number, ow: number, p: WindowParams): void => {
  const [kh, kw] = p.kernel;
  const [dh, dw] = p.dilation;
  const rows = taps(oh, h, kh, p.stride[0], dh, p.padding[0]);
  const cols = taps(ow, w, kw, p.stride[1], dw, p.padding[2]);
  for (let pl = 0, q = 0; pl < planes; pl++) {
    const base = pl * h * w;
    for (let y = 0; y < oh; y++) {
      const i0 = rows.lo[y]!, i1 = rows.hi[y]!, h0 = rows.start[y]!;
      for (let z = 0; z < ow; z++, q++) {
        const j0 = cols.lo[z]!, j1 = cols.hi[z]!, w0 = cols.start[z]!;
        let bi = (h0 + i0 * dh) * w + w0 + j0 * dw;
        let best = x[base + bi]!;
        for (let i = i0; i < i1; i++) {
          const row = (h0 + i * dh) * w + w0;
          for (let j = j0; j < j1; j++) {
            const at = row + j * dw;
            const v = x[base + at]!;
            if (v > best || (v !== v && best === best)) best = v, bi = at;
          }
        }
        o[q] = bi;
      }
    }
  }
};

/** Inputs smaller than this are pooled in TypeScript: staging them into the arena costs a few microseconds a call. */
const WASM_MIN = 4096;
/**
 * From this many input elements the worker threads share the planes: the kernel is memory-bound (~0.2 ns an input
 * element on one thread), and two threads measured no faster on [64, 32, 32, 32] at load 5, so only the largest
 * inputs, as for the binary ops (_wasmElementwise.ts), pay for the wake-up (tens of µs).
 */
const PARALLEL_MIN = 1 << 20;

/** True for 2×2 windows with stride 2, no padding and no dilation (the SIMD and branch-free special case). */
const is2x2 = (p: WindowParams): boolean =>
  p.padding.every((v) => v === 0) && p.dilation[0] === 1 && p.dilation[1] === 1 &&
  p.kernel[0] === 2 && p.kernel[1] === 2 && p.stride[0] === 2 && p.stride[1] === 2;

/**
 * The same indices from the WebAssembly kernels (pool.c: four 2×2 windows per SIMD step, other geometries as the
 * scalar loop below in C; planes shared by the threads from PARALLEL_MIN inputs), for float32 inputs large enough to
 * pay for staging; null otherwise or when the arena cannot hold them (exported for the tests, which check that it ran).
 */
export const maxPoolIndicesWasm = (x: Arr, planes: number, h: number, w: number, oh: number, ow: number, p: WindowParams): Int32Array | null => {
  if (!(x instanceof Float32Array) || x.length < WASM_MIN) return null;
  return wasmCall((c) => {
    const src = c.operand(x), o = c.result("int32", planes * oh * ow);
    const aux = is2x2(p) ? 0 : c.temp(3 * (oh + ow) * 4);
    runPool(c, { op: is2x2(p) ? POOL_2X2 : POOL_ANY, x: src, o: o.ptr, aux, n: planes, h, w, oh, ow, window: p }, x.length, PARALLEL_MIN);
    return o.finish() as Int32Array;
  });
};

/** The TypeScript kernel (the reference the WebAssembly one is tested against, and its fallback). */
export const maxPoolIndicesReference: CompositeKernel<Arr, "maxPoolIndices"> = ([x], p, out: OutSpec) => {
  const [n, c, h, w] = x!.shape as [number, number, number, number];
  const [oh, ow] = [out.shape[2]!, out.shape[3]!];
  const o = new Int32Array(n * c * oh * ow);
  if (o.length === 0) return o;
  if (is2x2(p)) pool2x2(x!.data, o, n * c, h, w, oh, ow);
  else poolAny(x!.data, o, n * c, h, w, oh, ow, p);
  return o;
};

export const maxPoolIndices: CompositeKernel<Arr, "maxPoolIndices"> = (inputs, p, out: OutSpec) => {
  const [n, c, h, w] = inputs[0]!.shape as [number, number, number, number];
  const [oh, ow] = [out.shape[2]!, out.shape[3]!];
  if (n * c * oh * ow === 0) return new Int32Array(0);
  return maxPoolIndicesWasm(inputs[0]!.data, n * c, h, w, oh, ow, p) ?? maxPoolIndicesReference(inputs, p, out);
};
