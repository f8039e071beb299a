// The CPU reduce, argReduce and expand kernels against naive index-by-index references on random shapes.
import { describe, expect, it } from "vitest";
import { argReduce, reduce } from "../../../src/ops/cpu/reduce.js";
import { expand } from "../../../src/ops/cpu/layout.js";
import { allocFor, type AnyTypedArray, type DType } from "../../../src/ops/dtype.js";
import type { ReduceOp } from "../../../src/ops/primitive.js";
import { seeded } from "../../_fuzz.js";

// Deterministic uniform floats in [0, 1) (mulberry32).
const rng = seeded;

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const strides = (s: readonly number[]) => s.map((_, i) => numel(s.slice(i + 1)));
/** Row-major coordinates of flat index f. */
const coords = (f: number, s: readonly number[]) => strides(s).map((st, i) => Math.floor(f / st) % s[i]!);

/** Random data of a dtype: floats with repeats (ties) and large/small magnitudes, small ints, 0/1 for bool. */
const randomData = (next: () => number, dtype: DType, n: number, nanRate = 0): AnyTypedArray => {
  const a = allocFor(dtype, n);
  for (let i = 0; i < n; i++) {
    const r = next();
    if (dtype === "bool") a[i] = r < 0.5 ? 1 : 0;
    else if (dtype === "int32") a[i] = Math.floor(r * 7) - 3;
    else a[i] = r < nanRate ? NaN : r < 0.2 ? Math.floor(r * 20) : (r - 0.5) * 10 ** Math.floor(r * 8 - 3);
  }
  return a;
};

/** The naive reduce: every input element combined into its output in row-major order, in float64; NaN sticks for max/min. */
const naiveReduce = (x: AnyTypedArray, shape: readonly number[], axes: readonly number[], op: ReduceOp, dtype: DType): AnyTypedArray => {
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outSt = strides(outShape);
  const init = { sum: 0, prod: 1, max: -Infinity, min: Infinity }[op];
  const acc = new Float64Array(numel(outShape)).fill(init);
  for (let f = 0; f < x.length; f++) {
    const o = coords(f, shape).reduce((s, c, i) => s + (axes.includes(i) ? 0 : c * outSt[i]!), 0);
    const v = x[f]!, a = acc[o]!;
    acc[o] = op === "sum" ? a + v : op === "prod" ? a * v : a !== a ? a : v !== v ? v : op === "max" ? Math.max(a, v) : Math.min(a, v);
  }
  const out = allocFor(dtype, acc.length);
  out.set(acc);
  return out;
};

/** Every subset of the axes 0 … nd-1 (sorted). */
const subsets = (nd: number): number[][] =>
  Array.from({ length: 1 << nd }, (_, m) => Array.from({ length: nd }, (_, i) => i).filter((i) => m & (1 << i)));

const randomShape = (next: () => number, nd: number, allowZero: boolean): number[] =>
  Array.from({ length: nd }, () => {
    const r = next();
    return allowZero && r < 0.05 ? 0 : r < 0.3 ? 1 : 2 + Math.floor(next() * 6);
  });

/** Same bits, NaN included (toEqual treats NaN as equal to NaN; Object.is tells 0 from -0). */
const sameArray = (a: AnyTypedArray, b: AnyTypedArray, label: string): void => {
  expect(a.constructor, label).toBe(b.constructor);
  expect(Array.from(a), label).toEqual(Array.from(b));
};

const run = (x: AnyTypedArray, shape: number[], axes: number[], op: ReduceOp, dtype: DType) =>
  reduce([{ data: x, shape, dtype }], { op, axes }, { shape: shape.map((d, i) => (axes.includes(i) ? 1 : d)), dtype });

describe("CPU reduce against a naive row-major float64 reference", () => {
  it("float32: every op and every axis subset of random shapes up to rank 5 (odd, size-1 and size-0 axes)", () => {
    const next = rng(11);
    let checked = 0;
    for (let t = 0; t < 60; t++) {
      const nd = 1 + (t % 5);
      const shape = randomShape(next, nd, t % 7 === 3);
      const x = randomData(next, "float32", numel(shape));
      for (const axes of subsets(nd))
        for (const op of ["sum", "prod", "max", "min"] as const) {
          sameArray(run(x, shape, axes, op, "float32"), naiveReduce(x, shape, axes, op, "float32"), `${op} [${shape}] axes [${axes}]`);
          checked++;
        }
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it("the patterns the fast paths take: rows, leading axes, the middle axis, pooling windows, bias gradients", () => {
    const next = rng(12);
    const cases: [number[], number[]][] = [
      [[37, 129], [1]], [[129, 37], [0]], [[5, 300, 7], [1]], [[300, 5, 3], [0, 2]], [[6, 4, 5, 2], [1, 3]],
      [[6, 3, 5, 3], [1, 3]], [[6, 4, 5, 4], [1, 3]], [[6, 4, 5, 5], [1, 3]], [[4, 6, 7, 7], [0, 2, 3]], [[3, 40, 2], [0]],
      [[2, 3, 4, 5, 6], [0, 2, 4]], [[2, 3, 4, 5, 6], [1, 3]], [[1000], [0]],
    ];
    for (const [shape, axes] of cases) {
      const x = randomData(next, "float32", numel(shape));
      for (const op of ["sum", "prod", "max", "min"] as const)
        sameArray(run(x, shape, axes, op, "float32"), naiveReduce(x, shape, axes, op, "float32"), `${op} [${shape}] axes [${axes}]`);
    }
  });

  it("max and min propagate NaN wherever it sits in the reduced run", () => {
    const next = rng(13);
    for (let t = 0; t < 30; t++) {
      const shape = randomShape(next, 1 + (t % 4), false).map((d) => d + 1);
      const x = randomData(next, "float32", numel(shape), 0.08);
      for (const axes of subsets(shape.length))
        for (const op of ["max", "min"] as const)
          sameArray(run(x, shape, axes, op, "float32"), naiveReduce(x, shape, axes, op, "float32"), `${op} [${shape}] axes [${axes}]`);
    }
    // A hand-checked case: the NaN in row 0 wins over the larger 5, row 1 has none.
    const x = Float32Array.from([1, NaN, 5, 2, 3, 4]);
    expect(Array.from(run(x, [2, 3], [1], "max", "float32"))).toEqual([NaN, 4]);
    expect(Array.from(run(x, [2, 3], [0], "min", "float32"))).toEqual([1, NaN, 4]);
  });

  it("int32 (every op) and bool (max/min as any/all) inputs", () => {
    const next = rng(14);
    for (let t = 0; t < 30; t++) {
      const nd = 1 + (t % 4);
      const shape = randomShape(next, nd, false);
      for (const dtype of ["int32", "bool"] as const) {
        const x = randomData(next, dtype, numel(shape));
        for (const axes of subsets(nd))
          for (const op of dtype === "bool" ? (["max", "min"] as const) : (["sum", "prod", "max", "min"] as const))
            sameArray(run(x, shape, axes, op, dtype), naiveReduce(x, shape, axes, op, dtype), `${dtype} ${op} [${shape}] axes [${axes}]`);
      }
    }
  });

  it("sums accumulate in float64: 1 followed by 4095 × 2⁻²⁴ gives the rounded exact sum, not float32 steps' 1", () => {
    // float32 accumulation would round 1 + 2⁻²⁴ back to 1 at every step; float64 keeps every term.
    const n = 1 << 12;
    for (const [shape, axes] of [[[n], [0]], [[n, 3], [0]], [[3, n], [1]], [[2, n / 2, 3, 2], [1, 3]]] as [number[], number[]][]) {
      const x = new Float32Array(numel(shape)).fill(2 ** -24);
      // Each output's first element in row-major order is 1.
      const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
      for (let f = 0; f < x.length; f++) if (coords(f, shape).every((c, i) => !axes.includes(i) || c === 0)) x[f] = 1;
      const r = run(x, shape, axes, "sum", "float32");
      const perOutput = numel(shape) / numel(outShape);
      expect(Array.from(r)).toEqual(new Array(numel(outShape)).fill(Math.fround(1 + (perOutput - 1) * 2 ** -24)));
      expect(r[0]).toBeGreaterThan(1);
    }
  });
});

/** The naive argmax/argmin: first index of the best along the axis, NaN the best of all. */
const naiveArg = (x: AnyTypedArray, shape: readonly number[], axis: number, op: "argmax" | "argmin"): Int32Array => {
  const outer = numel(shape.slice(0, axis)), r = shape[axis]!, inner = numel(shape.slice(axis + 1));
  const o = new Int32Array(outer * inner);
  for (let p = 0; p < outer; p++)
    for (let i = 0; i < inner; i++) {
      let bi = 0;
      for (let k = 0; k < r; k++) {
        const v = x[(p * r + k) * inner + i]!, b = x[(p * r + bi) * inner + i]!;
        if (Number.isNaN(b)) break;
        if (Number.isNaN(v) || (op === "argmax" ? v > b : v < b)) bi = k;
      }
      o[p * inner + i] = bi;
    }
  return o;
};

describe("CPU argReduce against a naive reference", () => {
  it("first occurrence on ties, NaN first wins, every axis of random float32 and int32 shapes", () => {
    const next = rng(15);
    for (let t = 0; t < 40; t++) {
      const shape = randomShape(next, 1 + (t % 4), false).map((d) => d + (t % 2));
      for (const dtype of ["float32", "int32"] as const) {
        const x = randomData(next, dtype, numel(shape), 0.05);
        for (let axis = 0; axis < shape.length; axis++)
          for (const op of ["argmax", "argmin"] as const) {
            const got = argReduce([{ data: x, shape, dtype }], { op, axis }, { shape: shape.map((d, i) => (i === axis ? 1 : d)), dtype: "int32" });
            sameArray(got, naiveArg(x, shape, axis, op), `${dtype} ${op} [${shape}] axis ${axis}`);
          }
      }
    }
    const ties = Float32Array.from([3, 1, 3, 1, NaN, 0, NaN, 2]);
    const got = (op: "argmax" | "argmin", shape: number[], axis: number) =>
      Array.from(argReduce([{ data: ties, shape, dtype: "float32" }], { op, axis }, { shape: shape.map((d, i) => (i === axis ? 1 : d)), dtype: "int32" }));
    expect(got("argmax", [2, 4], 1)).toEqual([0, 0]);
    expect(got("argmin", [2, 4], 1)).toEqual([1, 0]);
    expect(got("argmax", [2, 4], 0)).toEqual([1, 0, 1, 1]);
  });
});

/** The naive expand: each output element reads the input at its coordinates, 0 along broadcast axes. */
const naiveExpand = (x: AnyTypedArray, xShape: readonly number[], shape: readonly number[], dtype: DType): AnyTypedArray => {
  const lead = shape.length - xShape.length;
  const xs = strides(xShape);
  const o = allocFor(dtype, numel(shape));
  for (let f = 0; f < o.length; f++)
    o[f] = x[coords(f, shape).reduce((s, c, i) => (i < lead || xShape[i - lead] === 1 ? s : s + c * xs[i - lead]!), 0)]!;
  return o;
};

describe("CPU expand against a naive reference", () => {
  it("random broadcasts up to rank 5 (new leading axes, size-1 axes anywhere, long and short rows, size 0), every dtype", () => {
    const next = rng(16);
    for (let t = 0; t < 150; t++) {
      const nd = 1 + (t % 5);
      const shape = Array.from({ length: nd }, () => {
        const r = next();
        return t % 25 === 7 && r < 0.2 ? 0 : r < 0.15 ? 1 : r < 0.3 ? 40 + Math.floor(next() * 30) : 2 + Math.floor(next() * 5);
      });
      // Keep the naive reference quick: at most ~20k elements.
      while (numel(shape) > 20000) shape[shape.indexOf(Math.max(...shape))] = 3;
      const lead = Math.floor(next() * nd);
      const xShape = shape.slice(lead).map((d) => (next() < 0.45 ? 1 : d));
      const dtype = (["float32", "int32", "bool"] as const)[t % 3]!;
      const x = randomData(next, dtype, numel(xShape));
      const got = expand([{ data: x, shape: xShape, dtype }], { shape }, { shape, dtype });
      sameArray(got, naiveExpand(x, xShape, shape, dtype), `[${xShape}] → [${shape}]`);
    }
  });

  it("pooling's window gradient and a bias gradient, by hand", () => {
    const g = Float32Array.from([1, 2, 3, 4]);
    const pool = expand([{ data: g, shape: [1, 2, 1, 2, 1], dtype: "float32" }], { shape: [1, 2, 2, 2, 2] }, { shape: [1, 2, 2, 2, 2], dtype: "float32" });
    expect(Array.from(pool)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    const bias = expand([{ data: Float32Array.from([5, 6]), shape: [2, 1], dtype: "float32" }], { shape: [2, 2, 3] }, { shape: [2, 2, 3], dtype: "float32" });
    expect(Array.from(bias)).toEqual([5, 5, 5, 6, 6, 6, 5, 5, 5, 6, 6, 6]);
  });
});
