// The WebAssembly SIMD kernels against the TypeScript reference kernels on random shapes, and the committed module.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gemmReference, gemmWasm } from "../../../src/ops/cpu/matmul.js";
import { getArena } from "../../../src/ops/cpu/_wasmArena.js";
import { setLoadProbe } from "../../../src/ops/cpu/_gemmPool.js";
import { fold, foldReference, unfold, unfoldReference } from "../../../src/ops/cpu/window.js";
import { unary, unaryReference } from "../../../src/ops/cpu/elementwise.js";
import { setElementwiseThresholds } from "../../../src/ops/cpu/_wasmElementwise.js";
import { windowCount } from "../../../src/ops/_shape.js";
import { seededSigned } from "../../_fuzz.js";

// Deterministic uniform floats in [-1, 1) (mulberry32).
const rng = seededSigned;

// RIVULET_CPU_WASM=0 turns the WebAssembly kernels off (the TypeScript ones then run everywhere): nothing to compare.
const wasm = process.env["RIVULET_CPU_WASM"] !== "0";

// The large cases below are split across the worker threads, which an oversubscribed machine would turn off.
beforeAll(() => setLoadProbe(() => 0));
afterAll(() => setLoadProbe(null));

describe.runIf(wasm)("wasm gemm against the TypeScript reference GEMM", () => {
  it("the shared arena is available in Node", () => {
    expect(getArena()).not.toBeNull();
  });

  it("random shapes: odd sizes, 1×N, N×1, k past one cache block, transposed operands, broadcast batches", () => {
    const next = rng(7);
    const dim = (): number => {
      const r = next();
      return r < -0.8 ? 1 : Math.floor(((r + 1) / 2) ** 2 * 300) + 1; // many small, some up to 300
    };
    for (let t = 0; t < 40; t++) {
      const m = dim(), k = t % 10 === 0 ? 257 + t : dim(), n = dim();
      const transA = next() > 0, transB = next() > 0;
      const ba = t % 3 === 0 ? 1 : 2, bb = t % 3 === 1 ? 1 : 2, batch = 2;
      const A = Float32Array.from({ length: ba * m * k }, next), B = Float32Array.from({ length: bb * k * n }, next);
      const got = gemmWasm(A, ba, transA, B, bb, transB, batch, m, k, n);
      expect(got).not.toBeNull();
      const want = new Float32Array(batch * m * n);
      for (let b = 0; b < batch; b++)
        gemmReference(A, ba === 1 ? 0 : b * m * k, transA, B, bb === 1 ? 0 : b * k * n, transB, want, b * m * n, m, k, n);
      // |a|, |b| < 1: float32 accumulation errs by at most about k·2^-24 per product summed
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got![i]! - want[i]!));
      expect(worst, JSON.stringify({ m, k, n, transA, transB, ba, bb })).toBeLessThan((k + 2) * k * 2 ** -24);
    }
  });

  it("empty operands: m, n or k of 0", () => {
    expect(gemmWasm(new Float32Array(0), 1, false, new Float32Array(20), 1, false, 1, 0, 4, 5)!.length).toBe(0);
    expect(gemmWasm(new Float32Array(12), 1, false, new Float32Array(0), 1, false, 1, 3, 4, 0)!.length).toBe(0);
    expect(Array.from(gemmWasm(new Float32Array(0), 1, true, new Float32Array(0), 1, true, 2, 9, 0, 11)!)).toEqual(new Array(198).fill(0));
  });

  it("operands longer than the product reads (a subarray's tail) are ignored", () => {
    const A = Float32Array.from({ length: 40 }, (_, i) => i), B = Float32Array.from({ length: 40 }, (_, i) => 1 - i);
    const got = gemmWasm(A, 1, false, B, 1, false, 1, 3, 4, 5)!;
    const want = new Float32Array(15);
    gemmReference(A, 0, false, B, 0, false, want, 0, 3, 4, 5);
    expect(Array.from(got)).toEqual(Array.from(want)); // small integers: exact in any order
  });
});

describe.runIf(wasm)("wasm im2col (unfold) and col2im (fold) against the TypeScript references", () => {
  type Win = { kernel: [number, number]; stride: [number, number]; dilation: [number, number]; padding: [number, number, number, number] };
  const cases: [number[], Win][] = [
    [[2, 3, 9, 11], { kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padding: [1, 1, 1, 1] }],
    [[1, 2, 28, 28], { kernel: [5, 5], stride: [1, 1], dilation: [1, 1], padding: [2, 2, 2, 2] }],
    [[3, 4, 10, 13], { kernel: [2, 2], stride: [2, 2], dilation: [1, 1], padding: [0, 1, 0, 1] }], // ceil-mode pooling
    [[1, 3, 12, 7], { kernel: [3, 2], stride: [2, 3], dilation: [2, 1], padding: [2, 1, 0, 3] }],
    [[2, 1, 1, 17], { kernel: [1, 4], stride: [1, 1], dilation: [1, 3], padding: [0, 0, 5, 5] }], // a 1×N signal
    [[1, 1, 5, 1], { kernel: [2, 1], stride: [1, 1], dilation: [1, 1], padding: [0, 0, 0, 0] }], // an N×1 column
    [[0, 3, 8, 8], { kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padding: [1, 1, 1, 1] }], // empty batch
    [[4, 3, 28, 28], { kernel: [5, 5], stride: [1, 1], dilation: [1, 1], padding: [2, 2, 2, 2] }], // split across threads
    [[5, 7, 16, 16], { kernel: [3, 3], stride: [2, 2], dilation: [1, 1], padding: [1, 1, 1, 1] }], // threads, strided
    [[1, 2, 9, 45], { kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padding: [1, 1, 0, 0] }], // rows of 43: the reference's set()
  ];
  const next = rng(11);
  for (const [shape, win] of cases)
    it(`x ${JSON.stringify(shape)} ${JSON.stringify(win)}`, () => {
      const [n, c, h, w] = shape as [number, number, number, number];
      const oh = windowCount(h, win.kernel[0], win.stride[0], win.dilation[0], win.padding[0], win.padding[1]);
      const ow = windowCount(w, win.kernel[1], win.stride[1], win.dilation[1], win.padding[2], win.padding[3]);
      const colShape = [n, c * win.kernel[0] * win.kernel[1], oh * ow];
      const x = { data: Float32Array.from({ length: n * c * h * w }, next), shape, dtype: "float32" as const };
      for (const value of [0, -Infinity]) {
        const p = { ...win, value }, o = { shape: colShape, dtype: "float32" as const };
        expect(Array.from(unfold([x], p, o))).toEqual(Array.from(unfoldReference([x], p, o)));
      }
      const cols = { data: Float32Array.from({ length: colShape[0]! * colShape[1]! * colShape[2]! }, next), shape: colShape, dtype: "float32" as const };
      const p = { ...win, size: [h, w] as [number, number] }, o = { shape, dtype: "float32" as const };
      const got = fold([cols], p, o), want = foldReference([cols], p, o);
      expect(got.length).toBe(want.length);
      // overlapping windows are summed in the same order by both
      expect(Array.from(got)).toEqual(Array.from(want));
    });
});

describe.runIf(wasm)("wasm exp and sigmoid against the TypeScript reference (Math.exp in float64)", () => {
  for (const op of ["exp", "sigmoid"] as const)
    it(`${op}: within 4 float32 ulp over [-110, 110], exact specials, an odd length split across threads`, () => {
      const xs = Float32Array.from({ length: 70003 }, (_, i) => -110 + (220 * i) / 70003);
      xs.set([NaN, Infinity, -Infinity, 0, -0, 88.72, 88.73, -87.4, -103.5, 1e-8, -1e-8], 0);
      const x = { data: xs, shape: [xs.length], dtype: "float32" as const }, o = { shape: [xs.length], dtype: "float32" as const };
      setElementwiseThresholds({ parallel: 0 }); // split across the threads whatever the default threshold
      const got = unary([x], { op }, o), want = unaryReference([x], { op }, o);
      setElementwiseThresholds();
      for (let i = 0; i < xs.length; i++) {
        const g = got[i]!, e = want[i]!;
        if (Number.isNaN(e) || !Number.isFinite(e) || e === 0) {
          expect(g, `${op}(${xs[i]})`).toBe(e);
          continue;
        }
        // one float32 ulp of e, floored at the smallest normal (results below it are subnormal: absolute error)
        const ulp = Math.max(Math.abs(e), 2 ** -126) * 2 ** -23;
        expect(Math.abs(g - e) / ulp, `${op}(${xs[i]}) = ${e}, got ${g}`).toBeLessThanOrEqual(4);
      }
    });

  it("exp of a causal-masked softmax's rows: -∞ and below -104 give exactly 0 in vectors of them and mixed with others", () => {
    // Row i of 61 (odd, so rows straddle vectors differently) keeps i + 1 values in (-6, 0]; the rest -∞, -1e30 or -104.5.
    const masked = [-Infinity, -1e30, -104.5];
    const xs = Float32Array.from({ length: 61 * 61 }, (_, k) => {
      const i = Math.floor(k / 61), j = k % 61;
      return j <= i ? -((k * 7919) % 6007) / 1000 : masked[k % 3]!;
    });
    const x = { data: xs, shape: [61, 61], dtype: "float32" as const }, o = { shape: [61, 61], dtype: "float32" as const };
    const got = unary([x], { op: "exp" }, o), want = unaryReference([x], { op: "exp" }, o);
    for (let k = 0; k < xs.length; k++) {
      if (want[k] === 0) expect(Object.is(got[k], 0), `exp(${xs[k]}) = +0, got ${got[k]}`).toBe(true);
      else expect(Math.abs(got[k]! - want[k]!) / (want[k]! * 2 ** -23), `exp(${xs[k]})`).toBeLessThanOrEqual(4);
    }
  });
});
