// Creation: tensor() from nested/typed arrays, constant factories, and arange/linspace/eye against PyTorch, plus errors.
import { describe, expect, it } from "vitest";
import {
  tensor, scalar, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye,
} from "../../src/index.js";
import { loadCases, expectClose, type Case } from "../_harness.js";

const cases: Case[] = loadCases("core").filter((c) => c.op.startsWith("creation."));

describe("arange, linspace, eye vs PyTorch", () => {
  for (const c of cases)
    it(c.name, () => {
      const a = c.params.args as number[];
      const out =
        c.op === "creation.arange" ? arange(a[0]!, a[1], a[2])
        : c.op === "creation.linspace" ? linspace(a[0]!, a[1]!, a[2]!)
        : eye(a[0]!, a[1]);
      expect(out.dtype).toBe(c.output.dtype);
      // arange and eye match exactly. linspace follows torch's scalar loop (float32 step, fused multiply-add);
      // torch's SIMD loop, used for 16+ elements on AVX2, rounds the product separately, so allow one ulp of
      // the endpoints there.
      const ulp = c.op === "creation.linspace" ? 2 ** -23 * Math.max(Math.abs(a[0]!), Math.abs(a[1]!)) : 0;
      expectClose(out, c.output, { atol: ulp, rtol: 0 }, c.name);
    });
});

describe("tensor()", () => {
  it("numbers give float32, booleans bool, and dtype overrides", () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(x.dtype).toBe("float32");
    expect(x.shape).toEqual([2, 2]);
    expect(x.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(tensor([true, false]).dtype).toBe("bool");
    expect(tensor([1.7, -1.7], { dtype: "int32" }).tolist()).toEqual([1, -1]);
    expect(tensor([0, 2, NaN], { dtype: "bool" }).dataSync()).toEqual(new Uint8Array([0, 1, 1]));
    expect(tensor([true, 2]).tolist()).toEqual([1, 2]); // mixed: numbers, true = 1
    expect(tensor(5).shape).toEqual([]);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });

  it("typed arrays with an optional shape", () => {
    const t = tensor(new Int32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
    expect(t.dtype).toBe("int32");
    expect(t.tolist()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor(new Float32Array([0.5, 1.5])).tolist()).toEqual([0.5, 1.5]);
    expect(tensor(new Uint8Array([0, 1])).dtype).toBe("bool");
    expect(tensor(new Float32Array([0.5, 0]), { dtype: "bool" }).tolist()).toEqual([true, false]);
  });

  it("copies its input", () => {
    const data = new Float32Array([1, 2]);
    const t = tensor(data);
    data[0] = 9;
    expect(t.tolist()).toEqual([1, 2]);
  });

  it("ragged and invalid input errors name the position", () => {
    expect(() => tensor([[1, 2], [3]])).toThrow("tensor: ragged nested array at [1]: expected 2 elements, got 1");
    expect(() => tensor([[1, 2], [3, [4]]] as never)).toThrow("tensor: ragged nested array at [1][1]: expected a number, got an array of 1");
    expect(() => tensor([[1], 2] as never)).toThrow("tensor: ragged nested array at [1]: expected 1 elements, got a number");
    expect(() => tensor([1, "2"] as never)).toThrow("tensor: expected a number or boolean at [1], got string");
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow("tensor: shape [2, 2] does not fit the 3 values of nested data of shape [3]");
    expect(() => tensor(new Float32Array(3), { shape: [2] })).toThrow("tensor: 3 values cannot fill shape [2] (2 elements)");
    expect(() => tensor(new Float64Array(2) as never)).toThrow("tensor: unsupported typed array Float64Array (use Float32Array, Int32Array or Uint8Array)");
    expect(() => tensor([1], { dtype: "int64" as "int32" })).toThrow('tensor: unknown dtype "int64" (expected float32, int32 or bool)');
  });
});

describe("constant factories", () => {
  it("zeros, ones, full, scalar and the *Like variants", () => {
    expect(zeros([2, 3]).tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(ones([2], { dtype: "int32" }).dtype).toBe("int32");
    expect(full([2], 7.5).tolist()).toEqual([7.5, 7.5]);
    expect(full([2], true).dtype).toBe("bool");
    expect(full([1], 3, { dtype: "bool" }).dataSync()).toEqual(new Uint8Array([1]));
    expect(scalar(3).shape).toEqual([]);
    expect(scalar(false).dtype).toBe("bool");
    const i = tensor([[1, 2]], { dtype: "int32" });
    expect(zerosLike(i).dtype).toBe("int32");
    expect(onesLike(i, { dtype: "float32" }).tolist()).toEqual([[1, 1]]);
    expect(fullLike(i, 4).tolist()).toEqual([[4, 4]]);
    expect(zeros([0, 2]).size).toBe(0);
  });

  it("errors name the factory and the bad value", () => {
    expect(() => zeros([2, -1])).toThrow("zeros: invalid shape [2, -1] (dimensions must be non-negative integers)");
    expect(() => ones([1.5])).toThrow("ones: invalid shape [1.5]");
    expect(() => full(3 as never, 1)).toThrow("full: shape must be an array of dimensions, got 3");
    expect(() => arange(0, 5, -1)).toThrow("arange: the range from 0 to 5 is inconsistent with the sign of step -1");
    expect(() => arange(0, 5, 0)).toThrow("arange: step must be nonzero");
    expect(() => arange(0, Infinity)).toThrow("arange: end must be a finite number, got Infinity");
    expect(() => linspace(0, 1, -1)).toThrow("linspace: steps must be a non-negative integer, got -1");
    expect(() => eye(-1)).toThrow("eye: sizes must be non-negative integers, got n=-1, m=-1");
  });
});
