// The WebAssembly max pooling kernels (pool.c: maxPoolIndices, row-wise gather and scatterAdd) against the TypeScript
// references bit for bit, on random geometries with NaN, ±∞, ±0 and ties, large enough to take the WebAssembly path.
import { availableParallelism } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maxPoolIndices, maxPoolIndicesReference, maxPoolIndicesWasm } from "../../../src/ops/cpu/pool.js";
import { gather, gatherReference, gatherRowsWasm, scatterAdd, scatterAddReference, scatterRowsWasm } from "../../../src/ops/cpu/indexing.js";
import { getArena } from "../../../src/ops/cpu/_wasmArena.js";
import { gemmPoolStats, setLoadProbe } from "../../../src/ops/cpu/_gemmPool.js";
import { setPoolParallelMin } from "../../../src/ops/cpu/_poolJob.js";
import { windowCount } from "../../../src/ops/_shape.js";
import type { WindowParams } from "../../../src/ops/primitive.js";
import { below, seeded } from "../../_fuzz.js";

const wasmOn = process.env["RIVULET_CPU_WASM"] !== "0";

/** Floats with many ties (a few levels), ±0, ±∞ and NaN at rate `nan`. */
const data = (next: () => number, n: number, nan: number): Float32Array => {
  const special = [0, -0, Infinity, -Infinity, NaN];
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = next();
    x[i] = r < nan ? NaN : r < 0.06 ? special[below(next, 4)]! : r < 0.5 ? below(next, 5) - 2 : next() * 8 - 4;
  }
  return x;
};

/** A random geometry: kernel 1–4, stride 1–4, dilation 1–3, padding up to half the kernel (more after, as ceil mode). */
const geometry = (next: () => number, twoByTwo: boolean): { shape: number[]; p: WindowParams } => {
  const h = 2 + below(next, 30), w = 2 + below(next, 30);
  const planes = Math.ceil(4096 / (h * w)) + below(next, 5);
  const n = 1 + below(next, 2);
  const shape = [n, Math.ceil(planes / n), h, w];
  if (twoByTwo) return { shape, p: { kernel: [2, 2], stride: [2, 2], dilation: [1, 1], padding: [0, 0, 0, 0] } };
  for (;;) {
    const kernel: [number, number] = [1 + below(next, 4), 1 + below(next, 4)];
    const stride: [number, number] = [1 + below(next, 4), 1 + below(next, 4)];
    const dilation: [number, number] = [1 + below(next, 3), 1 + below(next, 3)];
    const pt = below(next, Math.floor(kernel[0] / 2) + 1), pl = below(next, Math.floor(kernel[1] / 2) + 1);
    const padding: [number, number, number, number] = [pt, pt + below(next, stride[0]), pl, pl + below(next, stride[1])];
    const p = { kernel, stride, dilation, padding };
    if (outOf(shape, p)[0] >= 1 && outOf(shape, p)[1] >= 1) return { shape, p };
  }
};

const outOf = (shape: readonly number[], p: WindowParams): [number, number] => [
  windowCount(shape[2]!, p.kernel[0], p.stride[0], p.dilation[0], p.padding[0], p.padding[1]),
  windowCount(shape[3]!, p.kernel[1], p.stride[1], p.dilation[1], p.padding[2], p.padding[3]),
];

const indicesOf = (k: typeof maxPoolIndices, x: Float32Array, shape: number[], p: WindowParams): Int32Array => {
  const out = { shape: [shape[0]!, shape[1]!, ...outOf(shape, p)], dtype: "int32" as const };
  return k([{ data: x, shape, dtype: "float32" }], p, out) as Int32Array;
};

const bits = (a: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; length: number }): Int32Array =>
  new Int32Array(a.buffer, a.byteOffset, a.length);

const twoByTwo: WindowParams = { kernel: [2, 2], stride: [2, 2], dilation: [1, 1], padding: [0, 0, 0, 0] };

const checkTwoByTwo = (seed: number, cases: number): void => {
  const next = seeded(seed);
  for (let t = 0; t < cases; t++) {
    const { shape, p } = geometry(next, true);
    const x = data(next, shape.reduce((a, b) => a * b, 1), t % 3 === 0 ? 0 : 0.02 * t);
    expect(indicesOf(maxPoolIndices, x, shape, p), `case ${t} ${JSON.stringify(shape)}`).toEqual(indicesOf(maxPoolIndicesReference, x, shape, p));
  }
};

const checkAny = (seed: number, cases: number): void => {
  const next = seeded(seed);
  for (let t = 0; t < cases; t++) {
    const { shape, p } = geometry(next, false);
    const x = data(next, shape.reduce((a, b) => a * b, 1), (t % 4) * 0.03);
    expect(indicesOf(maxPoolIndices, x, shape, p), `case ${t} ${JSON.stringify({ shape, p })}`).toEqual(indicesOf(maxPoolIndicesReference, x, shape, p));
  }
};

const rowsCase = (next: () => number) => {
  const rows = 1 + below(next, 40), size = 1 + below(next, 300), inner = 1 + below(next, 200);
  const idx = Int32Array.from({ length: rows * inner }, () => below(next, size));
  return { rows, size, inner, idx };
};

const checkGather = (seed: number, cases: number): void => {
  const next = seeded(seed);
  for (let t = 0; t < cases; t++) {
    const { rows, size, inner, idx } = rowsCase(next);
    const x = data(next, rows * size, 0.05);
    const ins = [{ data: x, shape: [rows, size], dtype: "float32" as const }, { data: idx, shape: [rows, inner], dtype: "int32" as const }];
    const out = { shape: [rows, inner], dtype: "float32" as const };
    expect(bits(gather(ins, { axis: 1 }, out) as Float32Array)).toEqual(bits(gatherReference(ins, { axis: 1 }, out) as Float32Array));
    const xi = Int32Array.from(x, (v) => (v === v ? Math.trunc(v * 1000) : -7));
    const insI = [{ ...ins[0]!, data: xi, dtype: "int32" as const }, ins[1]!];
    const outI = { ...out, dtype: "int32" as const };
    expect(gather(insI, { axis: 1 }, outI)).toEqual(gatherReference(insI, { axis: 1 }, outI));
  }
};

const checkScatter = (seed: number, cases: number): void => {
  const next = seeded(seed);
  for (let t = 0; t < cases; t++) {
    const { rows, size, inner, idx } = rowsCase(next);
    const src = Float32Array.from({ length: rows * inner }, () => (next() - 0.5) * 10 ** below(next, 6));
    const ins = [{ data: src, shape: [rows, inner], dtype: "float32" as const }, { data: idx, shape: [rows, inner], dtype: "int32" as const }];
    const params = { axis: 1, shape: [rows, size] }, out = { shape: [rows, size], dtype: "float32" as const };
    expect(bits(scatterAdd(ins, params, out) as Float32Array)).toEqual(bits(scatterAddReference(ins, params, out) as Float32Array));
  }
};

/** Bad indices in the second of two rows (a later block when threads share the rows); the first in order is named. */
const checkErrors = (): void => {
  const idx = new Int32Array(8192).fill(1);
  idx[5000] = 3;
  const x = { data: new Float32Array(2 * 3), shape: [2, 3], dtype: "float32" as const };
  const ix = { data: idx, shape: [2, 4096], dtype: "int32" as const };
  expect(() => gather([x, ix], { axis: 1 }, { shape: [2, 4096], dtype: "float32" })).toThrow("gather: index 3 is out of range for dimension 1 of size 3");
  idx[5000] = 1, idx[7000] = -1, idx[7500] = 9;
  const src = { data: new Float32Array(8192), shape: [2, 4096], dtype: "float32" as const };
  expect(() => scatterAdd([src, ix], { axis: 1, shape: [2, 3] }, { shape: [2, 3], dtype: "float32" })).toThrow("scatterAdd: index -1 is out of range for dimension 1 of size 3");
};

describe("maxPoolIndices in WebAssembly equals the TypeScript kernel", () => {
  it.runIf(wasmOn)("takes the WebAssembly path for large float32 inputs (so the comparisons below exercise it)", () => {
    expect(getArena()).not.toBeNull();
    expect(maxPoolIndicesWasm(new Float32Array(4 * 32 * 32), 4, 32, 32, 16, 16, twoByTwo)).not.toBeNull();
  });

  it("2×2 stride 2 with odd sizes (the vector loop's tails), NaN, ±∞, ±0 and ties", () => checkTwoByTwo(11, 30));

  it("windows of every first-NaN position: the first NaN of a window wins wherever it is", () => {
    // Four windows per SIMD step; window i has NaN at the taps of i's bits, in a 2×32 input (16 windows).
    const x = new Float32Array(4096).fill(1);
    for (let win = 0; win < 16; win++)
      [0, 1, 32, 33].forEach((off, b) => { if (win & (1 << b)) x[2 * win + off] = NaN; });
    const got = indicesOf(maxPoolIndices, x, [1, 64, 2, 32], twoByTwo);
    const first = (win: number) => [0, 1, 32, 33][[0, 1, 2, 3].find((b) => win & (1 << b)) ?? 0]!;
    expect(Array.from(got.subarray(0, 16))).toEqual(Array.from({ length: 16 }, (_, win) => 2 * win + first(win)));
  });

  it("any geometry: kernel, stride, dilation, asymmetric padding (60 random cases)", () => checkAny(12, 60));

  it("an empty batch gives no indices", () => {
    expect(indicesOf(maxPoolIndices, new Float32Array(0), [0, 3, 64, 64], twoByTwo).length).toBe(0);
  });
});

describe("row-wise gather and scatterAdd in WebAssembly equal the TypeScript kernels", () => {
  it.runIf(wasmOn)("takes the WebAssembly path for 4096 indices or more", () => {
    const idx = new Int32Array(4096);
    expect(gatherRowsWasm(new Float32Array(8192), 2, idx, 4096, "float32", 1)).not.toBeNull();
    expect(scatterRowsWasm(new Float32Array(4096), 2, idx, 4096, "float32", 1)).not.toBeNull();
  });

  it("gather copies float32 bits (NaN payloads, -0) and int32 values as the reference does", () => checkGather(13, 30));
  it("scatterAdd sums repeated indices in the same order (bit for bit)", () => checkScatter(14, 30));
  it("an out-of-range index anywhere in a large index names the op, index, dimension and size", checkErrors);
});

// Every job on the worker threads (threshold 0, an idle machine whatever this one's load): blocks of planes or rows in
// any order give the same results, and a bad index in a later block is still the one reported.
describe.runIf(wasmOn && availableParallelism() > 1 && !process.env["RIVULET_CPU_THREADS"])("the pooling kernels on the worker threads", () => {
  beforeAll(() => {
    setLoadProbe(() => 0);
    setPoolParallelMin(0);
  });
  afterAll(() => {
    setPoolParallelMin();
    setLoadProbe(null);
  });

  it("equal the TypeScript kernels, and the workers take blocks", async () => {
    // A worker slow to wake leaves its blocks to the caller: repeat until one has taken some.
    const before = gemmPoolStats().workerBlocks;
    for (let t = 0; t < 20 && (t === 0 || gemmPoolStats().workerBlocks === before); t++) {
      checkTwoByTwo(20 + t, 4);
      checkAny(40 + t, 4);
      checkGather(60 + t, 4);
      checkScatter(80 + t, 4);
      checkErrors();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(gemmPoolStats().broken).toBe(false);
    expect(gemmPoolStats().workerBlocks).toBeGreaterThan(before);
  });
});
