// The WebAssembly reduce and broadcast-copy kernels against the TypeScript references and float64 sums, on shapes large
// enough to take the WebAssembly path (reduce: ≥ 1024 inputs; expand: ≥ 2048 outputs with rows under 128).
import { describe, expect, it } from "vitest";
import { reduce, reduceReference } from "../../../src/ops/cpu/reduce.js";
import { broadcastCopy, broadcastCopyReference } from "../../../src/ops/cpu/broadcastCopy.js";
import { expand } from "../../../src/ops/cpu/layout.js";
import { getArena } from "../../../src/ops/cpu/_wasmArena.js";
import type { ReduceOp } from "../../../src/ops/primitive.js";
import { seeded } from "../../_fuzz.js";
import { amax, amin, expand as expandOp, mean, prod, sum, tensor } from "../../../src/index.js";

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const strides = (s: readonly number[]) => s.map((_, i) => numel(s.slice(i + 1)));

const keptShape = (shape: readonly number[], axes: readonly number[]) => shape.map((d, i) => (axes.includes(i) ? 1 : d));
const run = (k: typeof reduce, x: Float32Array, shape: number[], axes: number[], op: ReduceOp) =>
  k([{ data: x, shape, dtype: "float32" }], { op, axes }, { shape: keptShape(shape, axes), dtype: "float32" }) as Float32Array;

/** Each output's sequential float64 sum of its elements in row-major order (the definition the kernels approximate). */
const float64Sums = (x: Float32Array, shape: readonly number[], axes: readonly number[]): Float64Array => {
  const outSt = strides(keptShape(shape, axes)), st = strides(shape);
  const acc = new Float64Array(numel(keptShape(shape, axes)));
  for (let f = 0; f < x.length; f++) {
    let o = 0;
    for (let i = 0; i < shape.length; i++) if (!axes.includes(i)) o += (Math.floor(f / st[i]!) % shape[i]!) * outSt[i]!;
    acc[o] += x[f]!;
  }
  return acc;
};

/** Does the innermost merged run (size-1 axes dropped) hold at least 16 reduced elements, the only order change? */
const laneSummed = (shape: readonly number[], axes: readonly number[]): boolean => {
  let run = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (!axes.includes(i)) break;
    run *= shape[i]!;
  }
  return run >= 16;
};

/** One float32 unit in the last place at v. */
const ulp = (v: number): number => {
  const a = Math.abs(Math.fround(v));
  if (a === 0) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
};

/** Random floats: ±zeros, ties, magnitudes from 1e-3 to 1e4; for prod, factors near 1 so products stay finite. */
const randomData = (next: () => number, n: number, op: ReduceOp, nanRate = 0): Float32Array => {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = next();
    if (r < nanRate) a[i] = NaN;
    else if (op === "prod") a[i] = 0.9 + 0.2 * next();
    else if (r < 0.1) a[i] = next() < 0.5 ? 0 : -0;
    else if (r < 0.2) a[i] = Math.floor(next() * 5) - 2;
    else a[i] = (next() - 0.5) * 10 ** Math.floor(next() * 7 - 3);
  }
  return a;
};

/** Shapes of rank 1–5 with 1024 to ~60k elements: odd sizes, size-1 axes, long and short (2, 3) axes. */
const randomShape = (next: () => number): number[] => {
  for (;;) {
    const nd = 1 + Math.floor(next() * 5);
    const shape = Array.from({ length: nd }, () => {
      const r = next();
      return r < 0.15 ? 1 : r < 0.35 ? 2 + Math.floor(next() * 2) : r < 0.7 ? 5 + Math.floor(next() * 28) : 33 + Math.floor(next() * 300);
    });
    const n = numel(shape);
    if (n >= 1024 && n <= 60000) return shape;
  }
};

const randomAxes = (next: () => number, nd: number): number[] => {
  const axes = Array.from({ length: nd }, (_, i) => i).filter(() => next() < 0.5);
  return axes.length > 0 ? axes : [Math.floor(next() * nd)];
};

/** Same value (NaN equal to NaN; +0 and -0 told apart unless `anyZero`). */
const same = (a: number, b: number, anyZero = false): boolean => Object.is(a, b) || (a !== a && b !== b) || (anyZero && a === 0 && b === 0);

/** The first few outputs where `ok` fails, as "index: got vs want" (one expect per case keeps the tests fast). */
const mismatches = (got: Float32Array, ok: (g: number, i: number) => boolean, want: (i: number) => number): string[] => {
  const bad: string[] = [];
  for (let i = 0; i < got.length && bad.length < 5; i++) if (!ok(got[i]!, i)) bad.push(`${i}: ${got[i]} vs ${want(i)}`);
  return bad;
};

describe("WebAssembly reduce against the TypeScript reference", () => {
  // RIVULET_CPU_WASM=0 turns the WebAssembly kernels off: the comparisons below then check the reference against itself.
  it.runIf(process.env["RIVULET_CPU_WASM"] !== "0")("runs where the tests run (Node has shared WebAssembly memory), so the comparisons below exercise it", () => {
    expect(getArena()).not.toBeNull();
  });

  it("sums: bit for bit where each output's order is kept, within one float32 ulp of the float64 sum in lane-summed rows", () => {
    const next = seeded(21);
    let lanes = 0, exact = 0;
    for (let t = 0; t < 60; t++) {
      const shape = randomShape(next), axes = randomAxes(next, shape.length);
      const x = randomData(next, numel(shape), "sum");
      const got = run(reduce, x, shape, axes, "sum"), want = run(reduceReference, x, shape, axes, "sum");
      const label = `sum [${shape}] axes [${axes}]`;
      if (laneSummed(shape, axes)) {
        lanes++;
        const f64 = float64Sums(x, shape, axes);
        expect(mismatches(got, (g, i) => Math.abs(g - f64[i]!) <= ulp(f64[i]!), (i) => f64[i]!), label).toEqual([]);
      } else {
        exact++;
        expect(mismatches(got, (g, i) => same(g, want[i]!), (i) => want[i]!), label).toEqual([]);
      }
    }
    expect(lanes).toBeGreaterThan(5);
    expect(exact).toBeGreaterThan(5);
  });

  it("prod, max, min: the reference's values (max/min may differ only in the sign of a zero within a lane-reduced row)", () => {
    const next = seeded(22);
    for (let t = 0; t < 60; t++) {
      const shape = randomShape(next), axes = randomAxes(next, shape.length);
      for (const op of ["prod", "max", "min"] as const) {
        const x = randomData(next, numel(shape), op);
        const got = run(reduce, x, shape, axes, op), want = run(reduceReference, x, shape, axes, op);
        const anyZero = op !== "prod" && laneSummed(shape, axes);
        expect(mismatches(got, (g, i) => same(g, want[i]!, anyZero), (i) => want[i]!), `${op} [${shape}] axes [${axes}]`).toEqual([]);
      }
    }
  });

  it("the training steps' shapes: rows, columns, pooling windows, bias gradients, all axes", () => {
    const next = seeded(23);
    const cases: [number[], number[]][] = [
      [[16, 64, 128], [2]], [[16, 64, 40], [0, 1]], [[16, 4, 16, 64], [3]], [[64, 1024], [1]], [[1024, 33], [0]],
      [[43, 2, 14, 2], [1, 3]], [[43, 2, 13, 2], [1, 3]], [[20, 3, 9, 3], [1, 3]], [[16, 6, 28, 28], [0, 2, 3]],
      [[7, 11, 13, 3], [0, 1, 2, 3]], [[4099], [0]], [[1, 2048, 1], [1]], [[2, 1, 1024], [0, 1]],
    ];
    for (const [shape, axes] of cases)
      for (const op of ["sum", "prod", "max", "min"] as const) {
        const x = randomData(next, numel(shape), op, op === "max" || op === "min" ? 0.002 : 0);
        const got = run(reduce, x, shape, axes, op), want = run(reduceReference, x, shape, axes, op);
        const loose = laneSummed(shape, axes);
        const f64 = op === "sum" && loose ? float64Sums(x, shape, axes) : null;
        const label = `${op} [${shape}] axes [${axes}]`;
        if (f64) expect(mismatches(got, (g, i) => Math.abs(g - f64[i]!) <= ulp(f64[i]!), (i) => f64[i]!), label).toEqual([]);
        else expect(mismatches(got, (g, i) => same(g, want[i]!, loose), (i) => want[i]!), label).toEqual([]);
      }
  });

  it("sums keep each output's order where they promise to: cancelling ±1e20 terms give the reference's bits", () => {
    // In float64, (1e20 + 1) - 1e20 is 0 but 1e20 + (1 - 1e20) is 0 too, while (1e20 - 1e20) + 1 is 1: any regrouping
    // of an output's terms shows.
    const next = seeded(25);
    const terms = [1e20, -1e20, 1, -1, 3e-8, 1e10, -1e10];
    for (const [shape, axes] of [[[64, 2, 14, 2], [1, 3]], [[40, 3, 10, 3], [1, 3]], [[300, 33], [0]], [[9, 200, 7], [0, 1]], [[2000, 5], [1]]] as [number[], number[]][]) {
      const x = Float32Array.from({ length: numel(shape) }, () => terms[Math.floor(next() * terms.length)]!);
      const got = run(reduce, x, shape, axes, "sum"), want = run(reduceReference, x, shape, axes, "sum");
      expect(mismatches(got, (g, i) => same(g, want[i]!), (i) => want[i]!), `sum [${shape}] axes [${axes}]`).toEqual([]);
    }
    // By hand: one 2×2 window [[1e20, 1], [-1e20, 1]] sums to ((1e20 + 1) - 1e20) + 1 = 1 in row-major order.
    const w = new Float32Array(4096);
    w.set([1e20, 1], 0);
    w.set([-1e20, 1], 2048);
    expect(run(reduce, w, [1, 2, 1024, 2], [1, 3], "sum")[0]).toBe(1);
  });

  it("max and min: NaN anywhere in the reduced elements wins and sticks; ±Infinity are ordinary extremes", () => {
    for (const [shape, axes] of [[[8, 300], [1]], [[300, 8], [0]], [[16, 2, 40, 2], [1, 3]], [[5, 7, 40], [0, 2]]] as [number[], number[]][]) {
      const n = numel(shape);
      for (let at = 0; at < n; at += 97) {
        const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 100);
        x[at] = NaN;
        x[(at * 7 + 3) % n] = Infinity;
        x[(at * 13 + 5) % n] = -Infinity;
        for (const op of ["max", "min"] as const) {
          const got = run(reduce, x, shape, axes, op), want = run(reduceReference, x, shape, axes, op);
          expect(Array.from(got).filter((v) => v !== v).length, `${op} [${shape}] NaN at ${at}`).toBe(1);
          expect(Array.from(got), `${op} [${shape}] NaN at ${at}`).toEqual(Array.from(want));
        }
      }
    }
    // By hand: rows of 20 (lane-reduced), the NaN first, last, or absent.
    const x = new Float32Array(60).map((_, i) => i % 20);
    x[20] = NaN;
    x[59] = NaN;
    const big = new Float32Array(1200).map((_, i) => x[i % 60]!); // 60 rows of 20, three kinds repeating
    const max = run(reduce, big, [60, 20], [1], "max");
    expect(Array.from(max.slice(0, 3))).toEqual([19, NaN, NaN]);
  });

  it("sums accumulate in float64 in the lanes too: 2⁻²⁴ terms after a 1 are not lost", () => {
    // float32 accumulation would round each 1 + 2⁻²⁴ back to 1; float64 lanes keep all 4095 terms.
    const x = new Float32Array(4096).fill(2 ** -24);
    x[0] = 1;
    expect(run(reduce, x, [4096], [0], "sum")[0]).toBe(Math.fround(1 + 4095 * 2 ** -24));
    const rows = new Float32Array(64 * 1024).fill(2 ** -24);
    for (let r = 0; r < 64; r++) rows[r * 1024 + 5] = 1;
    expect(Array.from(run(reduce, rows, [64, 1024], [1], "sum"))).toEqual(new Array(64).fill(Math.fround(1 + 1023 * 2 ** -24)));
  });
});

describe("the public reductions on inputs large enough for WebAssembly", () => {
  it("keepdim shapes, mean, int32 and bool inputs (TypeScript kernels), and empty axes", () => {
    const next = seeded(26);
    const shape = [6, 37, 41];
    const data = Array.from({ length: numel(shape) }, () => Math.round((next() - 0.5) * 2000) / 8); // exact in float32
    const x = tensor(data, { shape });
    const f32 = Float32Array.from(data);
    for (const axes of [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2]]) {
      const ref = (op: ReduceOp) => Array.from(run(reduceReference, f32, shape, axes, op));
      const s = sum(x, axes, { keepdim: true });
      expect(s.shape).toEqual(keptShape(shape, axes));
      // Multiples of 1/8 below 2¹⁵ sum exactly in float64 in any order: the lanes must agree exactly here.
      expect(Array.from(s.dataSync()), `sum [${axes}]`).toEqual(ref("sum"));
      expect(Array.from(amax(x, axes, { keepdim: true }).dataSync()), `amax [${axes}]`).toEqual(ref("max"));
      expect(Array.from(amin(x, axes).dataSync()), `amin [${axes}]`).toEqual(ref("min"));
      const count = numel(shape) / numel(keptShape(shape, axes));
      expect(Array.from(mean(x, axes).dataSync()), `mean [${axes}]`).toEqual(ref("sum").map((v) => Math.fround(v / count)));
    }
    const ints = tensor(Array.from({ length: 4096 }, (_, i) => (i % 7) - 3), { shape: [64, 64], dtype: "int32" });
    expect(sum(ints, [1]).dtype).toBe("int32");
    expect(Array.from(sum(ints, [0, 1]).dataSync())).toEqual([Array.from({ length: 4096 }, (_, i) => (i % 7) - 3).reduce((a, b) => a + b, 0)]);
    expect(Array.from(prod(tensor(Array.from({ length: 2048 }, (_, i) => (i % 2 ? -1 : 1)), { shape: [2, 1024] }), [1]).dataSync())).toEqual([1, 1]);
    const flags = tensor(Array.from({ length: 2048 }, (_, i) => i !== 2000), { shape: [2, 1024] });
    expect(Array.from(amin(flags, [1]).dataSync())).toEqual([1, 0]);
    // An empty reduced axis leaves the identity in each of 2048 outputs.
    expect(Array.from(sum(tensor([], { shape: [0, 2048] }), [0]).dataSync())).toEqual(new Array(2048).fill(0));
    expect(() => amax(tensor([], { shape: [2048, 0] }), [1])).toThrow(/amax: cannot reduce over an empty dimension of shape \[2048, 0\]/);
    const up = expandOp(tensor(Array.from({ length: 1024 }, (_, i) => i), { shape: [1024, 1] }), [1024, 3]);
    expect(Array.from(up.dataSync().slice(3069))).toEqual([1023, 1023, 1023]);
  });
});

/** The naive broadcast: each output element reads the input at its coordinates, 0 along broadcast axes. */
const naiveExpand = (x: Int32Array, xShape: readonly number[], shape: readonly number[]): Int32Array => {
  const lead = shape.length - xShape.length, xs = strides(xShape), os = strides(shape);
  const o = new Int32Array(numel(shape));
  for (let f = 0; f < o.length; f++) {
    let s = 0;
    for (let i = lead; i < shape.length; i++) if (xShape[i - lead] !== 1) s += (Math.floor(f / os[i]!) % shape[i]!) * xs[i - lead]!;
    o[f] = x[s]!;
  }
  return o;
};

describe("WebAssembly broadcast copy (expand) against a naive reference", () => {
  it("random broadcasts with short rows, float32 bits (NaN payloads included) and int32, bit for bit", () => {
    const next = seeded(24);
    let checked = 0;
    while (checked < 80) {
      const nd = 2 + Math.floor(next() * 5);
      const shape = Array.from({ length: nd }, () => (next() < 0.3 ? 1 + Math.floor(next() * 4) : 2 + Math.floor(next() * 40)));
      const n = numel(shape);
      if (n < 2048 || n > 100000) continue;
      const lead = Math.floor(next() * 2);
      const xShape = shape.slice(lead).map((d) => (next() < 0.45 ? 1 : d));
      const bits = Int32Array.from({ length: numel(xShape) }, () => (next() * 2 ** 32) | 0); // every bit pattern, NaNs included
      const want = naiveExpand(bits, xShape, shape);
      const asInt = broadcastCopy(bits, xShape, shape, new Int32Array(n));
      const asFloat = broadcastCopy(new Float32Array(bits.buffer), xShape, shape, new Float32Array(n));
      const firstDiff = (a: Int32Array) => a.findIndex((v, i) => v !== want[i]);
      expect(firstDiff(asInt as Int32Array), `int32 [${xShape}] → [${shape}]`).toBe(-1);
      expect(firstDiff(new Int32Array(asFloat.buffer)), `float32 bits [${xShape}] → [${shape}]`).toBe(-1);
      checked++;
    }
  });

  it("LeNet's 2×2 pooling gradient, a 3×3 window, a broadcast last axis and row repeats, as the expand kernel", () => {
    const cases: [number[], number[]][] = [
      [[8, 6, 14, 1, 14, 1], [8, 6, 14, 2, 14, 2]], [[5, 4, 9, 1, 9, 1], [5, 4, 9, 3, 9, 3]], [[3, 1000, 1], [3, 1000, 5]],
      [[1, 1, 8, 8], [16, 4, 8, 8]], [[7, 1, 31], [7, 300, 31]], [[1], [4096]],
    ];
    for (const [xShape, shape] of cases) {
      const x = Float32Array.from({ length: numel(xShape) }, (_, i) => i * 0.5 - 3);
      const got = expand([{ data: x, shape: xShape, dtype: "float32" }], { shape }, { shape, dtype: "float32" });
      const want = broadcastCopyReference(x, xShape, shape, new Float32Array(numel(shape)));
      expect(Array.from(got), `[${xShape}] → [${shape}]`).toEqual(Array.from(want));
      expect(Array.from(got), `[${xShape}] → [${shape}] naive`).toEqual(Array.from(new Float32Array(naiveExpand(new Int32Array(x.buffer), xShape, shape).buffer)));
    }
    // By hand: each pooled gradient value fills its 2×2 window.
    const g = Float32Array.from({ length: 1024 }, (_, i) => i);
    const up = expand([{ data: g, shape: [1, 32, 1, 32, 1], dtype: "float32" }], { shape: [1, 32, 2, 32, 2] }, { shape: [1, 32, 2, 32, 2], dtype: "float32" });
    expect(Array.from(up.slice(0, 6))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(Array.from(up.slice(64, 68))).toEqual([0, 0, 1, 1]);
    expect(Array.from(up.slice(128, 132))).toEqual([32, 32, 33, 33]);
  });
});
