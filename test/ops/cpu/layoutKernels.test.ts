// The CPU layout kernels (permute, slice, pad, concat, indexSelect, indexAdd) against the element-walking kernels they
// replaced (_layoutReference.ts), bit for bit, on random shapes: odd sizes, size-1 axes, empty and 0-d tensors, negative
// slice steps, float32 (with -0, NaN, ±Infinity), int32 and bool; outputs land in recycled, dirty storage so an element
// the kernel forgets to write shows up.
import { describe, expect, it } from "vitest";
import type { Buf, Kernel, OutSpec } from "../../../src/ops/backend.js";
import { allocUninit, type AnyTypedArray, type DType } from "../../../src/ops/dtype.js";
import type { Prim, PrimParams } from "../../../src/ops/primitive.js";
import { rules } from "../../../src/ops/prims/index.js";
import { beginCpuScope, endCpuScope } from "../../../src/ops/cpu/_storagePool.js";
import { permute, reshape } from "../../../src/ops/cpu/layout.js";
import { concat, pad, slice } from "../../../src/ops/cpu/slicing.js";
import { indexAdd, indexAddReference, indexSelect } from "../../../src/ops/cpu/indexing.js";
import { collapse, stridedCopy } from "../../../src/ops/cpu/_stridedCopy.js";
import { concatReference, indexSelectReference, padReference, permuteReference, sliceReference } from "./_layoutReference.js";
import { seeded, below } from "../../_fuzz.js";

type Arr = AnyTypedArray;
const next = seeded(2026);
const int = (lo: number, hi: number): number => lo + below(next, hi - lo + 1);
const DTYPES: readonly DType[] = ["float32", "int32", "bool"];
const SPECIAL = [-0, Number.NaN, Infinity, -Infinity];

const numel = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

const data = (dtype: DType, n: number): Arr => {
  if (dtype === "bool") return Uint8Array.from({ length: n }, () => below(next, 2));
  if (dtype === "int32") return Int32Array.from({ length: n }, () => below(next, 1 << 30) - (1 << 29));
  return Float32Array.from({ length: n }, () => (next() < 0.05 ? SPECIAL[below(next, 4)]! : next() * 200 - 100));
};
const buf = (dtype: DType, shape: readonly number[]): Buf<Arr> => ({ data: data(dtype, numel(shape)), shape, dtype });

/** A random shape of rank 0..5 with odd sizes, size-1 axes and now and then an empty axis; about `size` elements at most. */
const randShape = (maxRank = 5, size = 3000): number[] => {
  const rank = int(0, maxRank);
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(next() < 0.2 ? 1 : next() < 0.03 ? 0 : int(2, 9));
  // Now and then one long axis, so that contiguous runs reach the set() path and outputs the recycled storage.
  if (rank > 0 && next() < 0.4) shape[below(next, rank)] = int(33, 130);
  while (numel(shape) > size) shape[shape.indexOf(Math.max(...shape))]! >>= 1;
  return shape;
};

/** A shape of rank 2–5 with 4,096 to 40,000 elements: large enough for the WebAssembly paths (float32 and int32). */
const bigShape = (): number[] => {
  for (;;) {
    const shape = Array.from({ length: int(2, 5) }, () => (next() < 0.15 ? 1 : int(2, 13)));
    shape[below(next, shape.length)] = int(5, 130);
    if (numel(shape) >= 4096 && numel(shape) <= 40000) return shape;
  }
};

const bytes = (a: Arr): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * Runs `kernel` in a CPU step scope whose free list holds a buffer of the output's size filled with 0xA5 bytes (so an
 * output the kernel leaves partly unwritten differs from the reference's), and compares its bytes with `reference`'s.
 */
const same = <P extends Prim>(prim: P, kernel: Kernel<Arr, P>, reference: Kernel<Arr, P>, inputs: readonly Buf<Arr>[], params: PrimParams[P]): void => {
  const spec = (rules()[prim].out as (i: readonly OutSpec[], p: PrimParams[P]) => OutSpec)(inputs, params);
  const want = reference(inputs, params, spec);
  const dirty = beginCpuScope();
  allocUninit(spec.dtype, numel(spec.shape)).fill(0xa5);
  endCpuScope(dirty, new Set());
  const scope = beginCpuScope();
  try {
    const got = kernel(inputs, params, spec);
    const what = `${prim} ${JSON.stringify(params)} of ${inputs.map((b) => `${b.dtype}[${b.shape.join(",")}]`).join(", ")}`;
    expect(got.constructor, what).toBe(want.constructor);
    expect(got.length, what).toBe(numel(spec.shape));
    expect(Buffer.compare(bytes(got), bytes(want)), what).toBe(0);
  } finally {
    endCpuScope(scope, new Set());
  }
};

const shuffle = (n: number): number[] => {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = below(next, i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
};

describe("the strided copy", () => {
  it("merges axes whose strides continue on both sides and drops size-1 axes", () => {
    // permute [16,64,4,32] by (0,2,1,3): the output's [16,4,64,32] reads at strides [8192,32,128,1]; nothing merges.
    expect(collapse([16, 4, 64, 32], [8192, 32, 128, 1], [8192, 2048, 32, 1])).toEqual({ shape: [16, 4, 64, 32], src: [8192, 32, 128, 1], dst: [8192, 2048, 32, 1] });
    // slice [:, :, 128:256] of [16,64,384]: the first two axes merge into rows of 128.
    expect(collapse([16, 64, 128], [24576, 384, 1], [8192, 128, 1])).toEqual({ shape: [1024, 128], src: [384, 1], dst: [128, 1] });
    expect(collapse([2, 1, 3, 1], [3, 99, 1, 7], [3, 5, 1, 9])).toEqual({ shape: [6], src: [1], dst: [1] });
    expect(collapse([2, 0, 3], [3, 3, 1], [3, 3, 1])).toBeNull();
  });

  it("copies ranks above four and negative strides element by element", () => {
    const shape = [2, 3, 2, 3, 2, 3];
    const n = numel(shape);
    const src = Float32Array.from({ length: n }, (_, i) => i);
    const dst = new Float32Array(n);
    // Reverse every axis: the element at multi-index i goes to the mirrored position, i.e. dst[k] = src[n - 1 - k].
    const st = [108, 36, 18, 6, 3, 1];
    stridedCopy(src, n - 1, st.map((s) => -s), dst, 0, st, shape);
    expect(Array.from(dst)).toEqual(Array.from(src).reverse());
  });
});

describe("CPU layout kernels match the element-walking references bit for bit", () => {
  it("permute: random permutations of random shapes (rank 0–5) in every dtype", () => {
    for (let t = 0; t < 150; t++) {
      const shape = randShape();
      same("permute", permute, permuteReference, [buf(DTYPES[t % 3]!, shape)], { perm: shuffle(shape.length) });
    }
  });

  it("permute: random permutations of large shapes (the WebAssembly kernel for float32 and int32)", () => {
    for (let t = 0; t < 40; t++) {
      const shape = bigShape();
      same("permute", permute, permuteReference, [buf(DTYPES[t % 3]!, shape)], { perm: shuffle(shape.length) });
    }
  });

  it("permute: the GPT row's head split, merge and key transpose", () => {
    same("permute", permute, permuteReference, [buf("float32", [3, 17, 4, 32])], { perm: [0, 2, 1, 3] });
    same("permute", permute, permuteReference, [buf("float32", [3, 4, 17, 32])], { perm: [0, 2, 1, 3] });
    same("permute", permute, permuteReference, [buf("float32", [3, 4, 17, 32])], { perm: [0, 1, 3, 2] });
    same("permute", permute, permuteReference, [buf("float32", [67, 45])], { perm: [1, 0] });
    // A transpose past one 64-column tile with ragged 4×4 edges (Wasm), in both element types it takes.
    same("permute", permute, permuteReference, [buf("float32", [70, 150])], { perm: [1, 0] });
    same("permute", permute, permuteReference, [buf("int32", [3, 131, 66])], { perm: [0, 2, 1] });
  });

  it("slice: random begins, ends and steps (negative ones walk backwards) in every dtype, small and large", () => {
    for (let t = 0; t < 260; t++) {
      const shape = t < 200 ? randShape() : bigShape();
      const begin: number[] = [], end: number[] = [], step: number[] = [];
      for (const n of shape) {
        const s = next() < 0.5 ? 1 : next() < 0.5 ? int(2, 4) : -int(1, 3);
        const a = n === 0 ? 0 : below(next, n), b = n === 0 ? 0 : below(next, n + 1);
        // A negative step starts high and ends low (end -1 reaches index 0), as the slicing ops normalise it.
        if (s > 0) begin.push(Math.min(a, b)), end.push(next() < 0.3 ? n : Math.max(a, b));
        else begin.push(Math.max(a, b, 0) === n ? n - 1 : Math.max(a, b)), end.push(Math.min(a, b) - 1);
        step.push(s);
      }
      same("slice", slice, sliceReference, [buf(DTYPES[t % 3]!, shape)], { begin, end, step });
    }
  });

  it("slice: large shapes with reversed axes and every other element (the WebAssembly kernel)", () => {
    for (let t = 0; t < 30; t++) {
      const shape = bigShape();
      // Whole axes, some reversed, one now and then halved by a step of 2: outputs stay above the Wasm threshold.
      const step = shape.map((n, d) => (d === 0 && t % 3 === 0 ? 2 : next() < 0.5 ? -1 : 1));
      const begin = shape.map((n, d) => (step[d]! < 0 ? n - 1 : 0));
      const end = shape.map((n, d) => (step[d]! < 0 ? -1 : n));
      same("slice", slice, sliceReference, [buf(DTYPES[t % 3]!, shape)], { begin, end, step });
    }
  });

  it("slice: the GPT row's q/k/v split of [16,64,384] and a whole-tensor slice", () => {
    for (const b of [0, 128, 256]) same("slice", slice, sliceReference, [buf("float32", [4, 9, 384])], { begin: [0, 0, b], end: [4, 9, b + 128], step: [1, 1, 1] });
    same("slice", slice, sliceReference, [buf("int32", [5, 7])], { begin: [0, 0], end: [5, 7], step: [1, 1] });
  });

  it("pad: random widths and values (0, -0, 1.5, NaN) in every dtype, small and large", () => {
    for (let t = 0; t < 190; t++) {
      const shape = t < 150 ? randShape(4, 1500) : bigShape();
      const widths = shape.map(() => [next() < 0.4 ? 0 : int(0, 4), next() < 0.4 ? 0 : int(0, 4)] as const);
      const dtype = DTYPES[t % 3]!;
      const value = dtype === "float32" ? [0, 1.5, Number.NaN, -0][t % 4]! : dtype === "int32" ? [0, -7][t % 2]! : t % 2;
      same("pad", pad, padReference, [buf(dtype, shape)], { widths, value });
    }
  });

  it("concat: two to four parts along a random axis in every dtype, small and large", () => {
    for (let t = 0; t < 160; t++) {
      const shape = t < 120 ? randShape(4, 800) : bigShape().map((n) => Math.ceil(n / 2));
      if (shape.length === 0) shape.push(int(1, 5));
      const axis = below(next, shape.length);
      const dtype = DTYPES[t % 3]!;
      const parts = Array.from({ length: int(2, 4) }, () => buf(dtype, shape.map((n, d) => (d === axis ? int(0, 40) : n))));
      same("concat", concat, concatReference, parts, { axis });
    }
  });

  it("indexSelect and indexAdd: random axes, repeated indices, in every dtype indexSelect takes, small and large", () => {
    for (let t = 0; t < 150; t++) {
      const shape = t < 120 ? randShape(4, 2000) : bigShape();
      if (shape.length === 0) shape.push(int(1, 5));
      const axis = below(next, shape.length);
      const n = shape[axis]!;
      const k = n === 0 ? 0 : int(0, 2 * n);
      const idx: Buf<Arr> = { data: Int32Array.from({ length: k }, () => below(next, n)), shape: [k], dtype: "int32" };
      same("indexSelect", indexSelect, indexSelectReference, [buf(DTYPES[t % 3]!, shape), idx], { axis });
      const src = buf(t % 2 === 0 ? "float32" : "int32", shape.map((s, d) => (d === axis ? k : s)));
      same("indexAdd", indexAdd, indexAddReference, [src, idx], { axis, shape });
    }
  });

  it("indexSelect and indexAdd: the GPT row's embedding rows and their gradient", () => {
    const idx: Buf<Arr> = { data: Int32Array.from({ length: 300 }, () => below(next, 97)), shape: [300], dtype: "int32" };
    same("indexSelect", indexSelect, indexSelectReference, [buf("float32", [97, 128]), idx], { axis: 0 });
    same("indexAdd", indexAdd, indexAddReference, [buf("float32", [300, 128]), idx], { axis: 0, shape: [97, 128] });
  });

  it("reshape shares its input's storage: no copy", () => {
    const x = buf("float32", [16, 64, 128]);
    expect(reshape([x], { shape: [1024, 128] }, { shape: [1024, 128], dtype: "float32" })).toBe(x.data);
  });

  it("out-of-range indices still name the op, index, dimension and size", () => {
    const x = buf("float32", [4, 3]);
    const idx: Buf<Arr> = { data: Int32Array.from([1, 4]), shape: [2], dtype: "int32" };
    expect(() => indexSelect([x, idx], { axis: 0 }, { shape: [2, 3], dtype: "float32" })).toThrow("indexSelect: index 4 is out of range for dimension 0 of size 4");
    const neg: Buf<Arr> = { data: Int32Array.from([-1]), shape: [1], dtype: "int32" };
    expect(() => indexAdd([buf("float32", [4, 1]), neg], { axis: 1, shape: [4, 3] }, { shape: [4, 3], dtype: "float32" })).toThrow("indexAdd: index -1 is out of range for dimension 1 of size 3");
  });
});
