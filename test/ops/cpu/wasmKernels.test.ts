// The WebAssembly SIMD kernels against the TypeScript reference kernels on random shapes, and the committed module.
import { describe, expect, it } from "vitest";
import { gemmReference, gemmWasm } from "../../../src/ops/cpu/matmul.js";
import { getArena } from "../../../src/ops/cpu/_wasmArena.js";

// Deterministic uniform floats in [-1, 1) (mulberry32).
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
};

describe("wasm gemm against the TypeScript reference GEMM", () => {
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
