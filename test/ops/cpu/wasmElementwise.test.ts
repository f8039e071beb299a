// The WebAssembly SIMD binary, where and unary kernels against the TypeScript reference kernels, bit for bit (tanh within ulps).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { binary, binaryReference, unary, unaryReference, where, whereReference } from "../../../src/ops/cpu/elementwise.js";
import { setElementwiseThresholds, wasmBinary, wasmBinaryOps, wasmWhere } from "../../../src/ops/cpu/_wasmElementwise.js";
import { setLoadProbe } from "../../../src/ops/cpu/_gemmPool.js";
import { broadcastShapes, numel } from "../../../src/ops/_shape.js";
import type { BinaryOp } from "../../../src/ops/primitive.js";
import { seededSigned } from "../../_fuzz.js";

const wasm = process.env["RIVULET_CPU_WASM"] !== "0";

// Every size goes through the SIMD kernel unless a test says otherwise; the large cases use the worker threads,
// which an oversubscribed machine would turn off.
beforeAll(() => {
  setLoadProbe(() => 0);
  setElementwiseThresholds({ min: 0, parallel: Infinity });
});
afterAll(() => {
  setLoadProbe(null);
  setElementwiseThresholds();
});

const specials = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 2 ** -149, -(2 ** -140), 3.4e38, -3.4e38, 0.5, 1e-30];

/** Random floats in [-4, 4) with one in eight a special value (NaN, ±Inf, ±0, subnormals, near-overflow). */
const values = (next: () => number, n: number): Float32Array =>
  Float32Array.from({ length: n }, () => (next() > 0.75 ? specials[Math.floor(((next() + 1) / 2) * specials.length)]! : 4 * next()));

/** Same bits, or both NaN (NaN payloads are not specified by the reference's float64 arithmetic). */
const expectSameBits = (got: ArrayLike<number>, want: ArrayLike<number>, what: string): void => {
  expect(got.length, what).toBe(want.length);
  const g = new Int32Array(Float32Array.from(got).buffer), w = new Int32Array(Float32Array.from(want).buffer);
  for (let i = 0; i < want.length; i++)
    if (g[i] !== w[i] && !(Number.isNaN(got[i]) && Number.isNaN(want[i])))
      expect.fail(`${what}: element ${i} is ${got[i]} (bits ${g[i]}), the reference gives ${want[i]} (bits ${w[i]})`);
};

/** A random output shape of rank ≤ 4 (odd sizes, ones, sometimes empty) and an operand shape broadcast to it. */
const shapes = (next: () => number, rank: number): number[] =>
  Array.from({ length: rank }, () => {
    const r = next();
    return r < -0.6 ? 1 : Math.floor(((r + 1) / 2) * 9) + 1;
  });
const broadcastFrom = (next: () => number, shape: readonly number[]): number[] => {
  const drop = Math.floor(((next() + 1) / 2) * (shape.length + 1)); // leading axes left out
  return shape.slice(drop).map((d) => (next() > 0.3 ? 1 : d));
};

const f32 = (data: Float32Array, shape: readonly number[]) => ({ data, shape, dtype: "float32" as const });
/** A single-element shape of the given rank ([] or [1, 1, …]). */
const t0 = (rank: number): number[] => new Array<number>(rank % 2 === 0 ? 0 : rank).fill(1);

describe.runIf(wasm)("wasm binary ops against the TypeScript reference, bit for bit", () => {
  // geluTanhGrad is computed in float32 lanes (its tests are below, with a tolerance); every other op is exact.
  const ops = (Object.keys(wasmBinaryOps) as BinaryOp[]).filter((op) => op !== "geluTanhGrad");

  it("every op has a SIMD kernel code and the table covers the float32 arithmetic, min/max and fused gradients", () => {
    expect(Object.keys(wasmBinaryOps).sort()).toEqual(["add", "div", "geluTanhGrad", "maximum", "minimum", "mul", "reluGrad", "sigmoidGrad", "sub", "tanhGrad"]);
  });

  for (const op of ops)
    it(`${op}: random shapes, every broadcast pattern (either side, both sides, 0-d, empty), NaN/±Inf/±0`, () => {
      const next = seededSigned(op.length * 31 + op.charCodeAt(0));
      for (let t = 0; t < 60; t++) {
        const rank = t % 5; // 0..4
        const out = shapes(next, rank);
        if (t % 17 === 3 && rank > 0) out[0] = 0; // empty
        let sa = t % 4 === 0 ? out : broadcastFrom(next, out), sb = t % 4 === 1 ? out : broadcastFrom(next, out);
        if (t % 6 === 5) sa = []; // a 0-d operand
        const shape = broadcastShapes(op, sa, sb);
        const a = f32(values(next, numel(sa)), sa), b = f32(values(next, numel(sb)), sb);
        const o = { shape, dtype: "float32" as const };
        const got = wasmBinary(a, b, op, o);
        expect(got, `${op} ${JSON.stringify([sa, sb])} took the SIMD kernel`).not.toBeNull();
        expectSameBits(got!, binaryReference([a, b], { op }, o), `${op} ${JSON.stringify([sa, sb])}`);
      }
    });

  it("gradients of typical activations: sigmoid/tanh outputs in (−1, 1), where the float64 evaluation matters", () => {
    const next = seededSigned(5);
    const n = 4099;
    const a = f32(Float32Array.from({ length: n }, () => next()), [n]), b = f32(values(next, n), [n]);
    for (const op of ["sigmoidGrad", "tanhGrad", "reluGrad"] as const)
      expectSameBits(binary([a, b], { op }, { shape: [n], dtype: "float32" }), binaryReference([a, b], { op }, { shape: [n], dtype: "float32" }), op);
  });

  it("pow with a single-element exponent 2 or 3 (products, as the reference), other exponents left to the reference", () => {
    const next = seededSigned(41);
    for (const shape of [[3, 5, 7], [1001], [2, 1, 9]]) {
      const a = f32(Float32Array.from({ length: numel(shape) }, (_, i) => (i % 5 === 0 ? specials[i % specials.length]! : 1e13 * next() ** 5 + next())), shape);
      const o = { shape, dtype: "float32" as const };
      for (const e of [2, 3]) {
        const b = f32(new Float32Array([e]), t0(shape.length));
        const got = wasmBinary(a, b, "pow", o);
        expect(got, `pow ${e}`).not.toBeNull();
        expectSameBits(got!, binaryReference([a, b], { op: "pow" }, o), `pow ${e} ${shape}`);
      }
      expect(wasmBinary(a, f32(new Float32Array([2.5]), []), "pow", o)).toBeNull();
    }
  });

  it("maximum/minimum keep the reference's ±0 choice (the second operand when equal) and propagate NaN", () => {
    const a = f32(new Float32Array([0, -0, NaN, 1, -Infinity, 2]), [6]), b = f32(new Float32Array([-0, 0, 1, NaN, -Infinity, 2]), [6]);
    const o = { shape: [6], dtype: "float32" as const };
    expect(Array.from(wasmBinary(a, b, "maximum", o)!).map((v) => Object.is(v, -0) ? "-0" : v)).toEqual(["-0", 0, NaN, NaN, -Infinity, 2]);
    expect(Array.from(wasmBinary(a, b, "minimum", o)!).map((v) => Object.is(v, -0) ? "-0" : v)).toEqual(["-0", 0, NaN, NaN, -Infinity, 2]);
  });

  it("GPT's shapes ([16,4,64,64] with [1,1,64,64] or a scalar), LeNet's bias, 4 axes that do not collapse", () => {
    const next = seededSigned(9);
    const cases = [
      [[16, 4, 64, 64], [1, 1, 64, 64]], [[16, 4, 64, 64], []], [[256, 6, 28, 28], [6, 1, 1]], [[64, 1], [1, 130]],
      [[3, 1, 5, 1], [1, 4, 1, 7]], [[3, 4, 5, 7], [1, 4, 1, 7]], [[3, 1, 5, 7], [3, 4, 1, 1]],
    ] as const;
    for (const [sa, sb] of cases) {
      const shape = broadcastShapes("add", sa, sb);
      const a = f32(values(next, numel(sa)), sa), b = f32(values(next, numel(sb)), sb);
      for (const op of ["add", "mul", "sub", "div"] as const)
        expectSameBits(wasmBinary(a, b, op, { shape, dtype: "float32" })!, binaryReference([a, b], { op }, { shape, dtype: "float32" }), `${op} ${sa}·${sb}`);
    }
  });

  it("worker threads give the single-threaded result bit for bit (odd sizes, broadcast rows)", () => {
    const next = seededSigned(11);
    for (const [sa, sb] of [[[300007], [300007]], [[611, 503], [503]], [[3, 257, 401], [3, 1, 401]], [[70001], []]] as const) {
      const shape = broadcastShapes("mul", sa, sb);
      const a = f32(values(next, numel(sa)), sa), b = f32(values(next, numel(sb)), sb);
      for (const op of ["mul", "tanhGrad", "maximum"] as const) {
        const o = { shape, dtype: "float32" as const };
        setElementwiseThresholds({ min: 0, parallel: 0 });
        const threaded = wasmBinary(a, b, op, o)!;
        setElementwiseThresholds({ min: 0, parallel: Infinity });
        expectSameBits(threaded, wasmBinary(a, b, op, o)!, `${op} threaded`);
        expectSameBits(threaded, binaryReference([a, b], { op }, o), `${op} reference`);
      }
    }
  });

  it("thresholds: below the minimum the reference runs (no SIMD result), from it the kernel; both agree", () => {
    setElementwiseThresholds({ min: 100, parallel: Infinity });
    try {
      for (const n of [99, 100]) {
        const next = seededSigned(n);
        const a = f32(values(next, n), [n]), b = f32(values(next, n), [n]), o = { shape: [n], dtype: "float32" as const };
        expect(wasmBinary(a, b, "add", o) === null).toBe(n < 100);
        expectSameBits(binary([a, b], { op: "add" }, o), binaryReference([a, b], { op: "add" }, o), `add of ${n}`);
      }
    } finally {
      setElementwiseThresholds({ min: 0, parallel: Infinity });
    }
  });

  it("falls back to the reference beyond 4 axes after collapsing, for other ops and for other dtypes", () => {
    const sa = [2, 1, 3, 1, 2], sb = [1, 2, 1, 3, 1], shape = [2, 2, 3, 3, 2];
    const a = f32(Float32Array.from({ length: 12 }, (_, i) => i), sa), b = f32(Float32Array.from({ length: 6 }, (_, i) => i / 7), sb);
    const o = { shape, dtype: "float32" as const };
    expect(wasmBinary(a, b, "add", o)).toBeNull();
    expectSameBits(binary([a, b], { op: "add" }, o), binaryReference([a, b], { op: "add" }, o), "rank 5");
    expect(wasmBinary(a, a, "pow", { shape: sa, dtype: "float32" })).toBeNull();
    const i = { data: new Int32Array([1, 2, 3, 4]), shape: [4], dtype: "int32" as const };
    expect(wasmBinary(i, i, "add", { shape: [4], dtype: "int32" })).toBeNull();
  });
});

describe.runIf(wasm)("wasm where against the TypeScript reference, bit for bit", () => {
  const bool = (next: () => number, shape: readonly number[]) =>
    ({ data: Uint8Array.from({ length: numel(shape) }, () => +(next() > 0)), shape, dtype: "bool" as const });

  it("random shapes and broadcast patterns of condition and both branches, scalar branches and conditions", () => {
    const next = seededSigned(21);
    for (let t = 0; t < 80; t++) {
      const out = shapes(next, t % 5);
      if (t % 19 === 7 && out.length > 0) out[out.length - 1] = 0;
      const sc = t % 5 === 0 ? out : broadcastFrom(next, out), sa = t % 7 === 0 ? [] : broadcastFrom(next, out), sb = broadcastFrom(next, out);
      const shape = broadcastShapes("where", broadcastShapes("where", sc, sa), sb);
      const c = bool(next, sc), a = f32(values(next, numel(sa)), sa), b = f32(values(next, numel(sb)), sb);
      const o = { shape, dtype: "float32" as const };
      const got = wasmWhere(c, a, b, o);
      expect(got, JSON.stringify([sc, sa, sb])).not.toBeNull();
      expectSameBits(got!, whereReference([c, a, b], {}, o), `where ${JSON.stringify([sc, sa, sb])}`);
    }
  });

  it("GPT's causal mask: [16,4,64,64] scores, a [1,1,64,64] mask and a scalar fill, threaded and not", () => {
    const next = seededSigned(22);
    const c = { data: Uint8Array.from({ length: 64 * 64 }, (_, i) => +((i % 64) <= Math.floor(i / 64))), shape: [1, 1, 64, 64], dtype: "bool" as const };
    const a = f32(values(next, 16 * 4 * 64 * 64), [16, 4, 64, 64]), b = f32(new Float32Array([-Infinity]), []);
    const o = { shape: [16, 4, 64, 64], dtype: "float32" as const };
    const want = whereReference([c, a, b], {}, o);
    expectSameBits(where([c, a, b], {}, o), want, "single thread");
    setElementwiseThresholds({ min: 0, parallel: 0 });
    try {
      expectSameBits(where([c, a, b], {}, o), want, "threads");
    } finally {
      setElementwiseThresholds({ min: 0, parallel: Infinity });
    }
  });
});

describe.runIf(wasm)("wasm tanh, neg, abs, sqrt against Math (float64) rounded to float32", () => {
  const run = (op: "tanh" | "neg" | "abs" | "sqrt", xs: Float32Array) => {
    const x = f32(xs, [xs.length]), o = { shape: [xs.length], dtype: "float32" as const };
    return { got: unary([x], { op }, o), want: unaryReference([x], { op }, o) };
  };
  const sweep = (): Float32Array => {
    const next = seededSigned(31);
    const dense = Array.from({ length: 20 * 1024 + 1 }, (_, i) => -10 + i / 1024); // every 2^-10 step in [−10, 10]
    const random = Array.from({ length: 4000 }, () => next() * 2 ** (40 * next())); // magnitudes 2^-40 .. 2^40
    return Float32Array.from([...specials, -0.625, 0.625, Math.fround(0.625) - 2 ** -24, 9.01, 1e-20, -1e-38, ...dense, ...random]);
  };

  it("tanh: within 2 float32 ulp everywhere; ±0 keep their sign, ±Inf → ±1, NaN → NaN", () => {
    const { got, want } = run("tanh", sweep());
    let worst = 0;
    for (let i = 0; i < want.length; i++) {
      const g = got[i]!, e = want[i]!;
      if (Number.isNaN(e) || e === 0 || Math.abs(e) === 1) {
        expect(Object.is(g, e) || g === e, `tanh(${e}) = ${g}`).toBe(true);
        continue;
      }
      const ulp = Math.max(Math.abs(e), 2 ** -126) * 2 ** -23;
      worst = Math.max(worst, Math.abs(g - e) / ulp);
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(Object.is(got[4], -0) && Object.is(got[3], 0)).toBe(true);
  });

  for (const op of ["neg", "abs", "sqrt"] as const)
    it(`${op}: exactly the reference (odd length, one thread and the worker threads)`, () => {
      const xs = sweep();
      const big = new Float32Array(70001);
      for (let i = 0; i < big.length; i++) big[i] = xs[i % xs.length]!;
      const { got, want } = run(op, big);
      expectSameBits(got, want, op);
      setElementwiseThresholds({ min: 0, parallel: 0 });
      try {
        expectSameBits(run(op, big).got, want, `${op} threaded`);
      } finally {
        setElementwiseThresholds({ min: 0, parallel: Infinity });
      }
    });

  it("tanh on the worker threads gives the single-threaded result bit for bit", () => {
    const xs = Float32Array.from({ length: 100003 }, (_, i) => -12 + (24 * i) / 100003);
    const single = run("tanh", xs).got;
    setElementwiseThresholds({ min: 0, parallel: 0 });
    try {
      expectSameBits(run("tanh", xs).got, single, "tanh threaded");
    } finally {
      setElementwiseThresholds({ min: 0, parallel: Infinity });
    }
  });
});

describe.runIf(wasm)("wasm tanh-approximate GELU and its gradient against the float64 reference", () => {
  const C1 = 2 * Math.sqrt(2 / Math.PI), C3 = C1 * 0.044715;
  const xs = Float32Array.from([...Array.from({ length: 40001 }, (_, i) => -20 + i / 1000), ...specials, 1e20, -1e20, -0.753, 4.962]);
  const gs = Float32Array.from(xs, (_, i) => (i % 3 === 0 ? 1 : i % 3 === 1 ? -2.5 : 0.03));
  const X = f32(xs, [xs.length]), G = f32(gs, [gs.length]), o = { shape: [xs.length], dtype: "float32" as const };
  const ulp = (v: number): number => Math.max(Math.abs(v), 2 ** -126) * 2 ** -23;

  it("geluTanh: within 2·(4 + |2u|) ulp (the rounding of 2u = x·(C1 + C3·x²) carried through the exponential); ±Inf, NaN as the reference", () => {
    const got = unary([X], { op: "geluTanh" }, o), want = unaryReference([X], { op: "geluTanh" }, o);
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!, e = want[i]!, g = got[i]!;
      if (!Number.isFinite(e)) expect(Object.is(g, e), `geluTanh(${x}) = ${g}, reference ${e}`).toBe(true);
      else expect(Math.abs(g - e), `geluTanh(${x}) = ${g}, reference ${e}`).toBeLessThanOrEqual(2 * (4 + Math.abs(x * (C1 + C3 * x * x))) * ulp(e));
    }
  });

  it("geluTanhGrad: within 4 ulp of |g| (1 − s from e^−|2u|, not by subtraction), limits past x² overflow, NaN at ±Inf", () => {
    const got = binary([X, G], { op: "geluTanhGrad" }, o), want = binaryReference([X, G], { op: "geluTanhGrad" }, o);
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!, e = want[i]!, g = got[i]!;
      if (!Number.isFinite(e)) expect(Object.is(g, e) || (Number.isNaN(g) && Number.isNaN(e)), `geluTanhGrad(${x}) = ${g}, reference ${e}`).toBe(true);
      else expect(Math.abs(g - e), `geluTanhGrad(${x}, ${gs[i]}) = ${g}, reference ${e}`).toBeLessThanOrEqual(4 * 2 ** -23 * Math.abs(gs[i]!));
    }
  });

  it("both on the worker threads give the single-threaded result bit for bit", () => {
    const single = [unary([X], { op: "geluTanh" }, o), binary([X, G], { op: "geluTanhGrad" }, o)];
    setElementwiseThresholds({ min: 0, parallel: 0 });
    try {
      expectSameBits(unary([X], { op: "geluTanh" }, o), single[0]!, "geluTanh threaded");
      expectSameBits(binary([X, G], { op: "geluTanhGrad" }, o), single[1]!, "geluTanhGrad threaded");
    } finally {
      setElementwiseThresholds({ min: 0, parallel: Infinity });
    }
  });
});
