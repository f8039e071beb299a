// The CPU's row-wise gather / scatterAdd along the last axis (max pooling's values and gradient) against plain loops.
import { describe, expect, it } from "vitest";
import { gather, scatterAdd, tensor, zeros } from "../../../src/index.js";

const int = (v: number[], shape: number[]) => tensor(v, { shape, dtype: "int32" });

describe("gather and scatterAdd along the last axis, row by row", () => {
  // [2, 3, 5] data, [2, 3, 4] indices with repeats (scatterAdd sums them) and the row ends.
  const data = Array.from({ length: 30 }, (_, i) => i * 0.5 - 3);
  const idx = Array.from({ length: 24 }, (_, i) => (i * 7 + Math.floor(i / 4)) % 5);
  const src = Array.from({ length: 24 }, (_, i) => 1 + i / 8);

  it("gather picks x[row][idx] in each row", () => {
    const out = gather(tensor(data, { shape: [2, 3, 5] }), 2, int(idx, [2, 3, 4]));
    expect(out.shape).toEqual([2, 3, 4]);
    expect(Array.from(out.dataSync())).toEqual(idx.map((v, j) => data[Math.floor(j / 4) * 5 + v]));
  });

  it("scatterAdd sums src into its row at idx, repeats included", () => {
    const expected = new Array<number>(30).fill(0);
    idx.forEach((v, j) => (expected[Math.floor(j / 4) * 5 + v] += src[j]!));
    const out = scatterAdd(zeros([2, 3, 5]), 2, int(idx, [2, 3, 4]), tensor(src, { shape: [2, 3, 4] }));
    expect(Array.from(out.dataSync())).toEqual(Array.from(new Float32Array(expected)));
  });

  it("out-of-range indices name the op, index, dimension and size", () => {
    const x = zeros([2, 5]);
    expect(() => gather(x, 1, int([0, 5], [2, 1]))).toThrow("gather: index 5 is out of range for dimension 1 of size 5");
    expect(() => scatterAdd(x, 1, int([-1, 0], [2, 1]), zeros([2, 1]))).toThrow("scatterAdd: index -1 is out of range for dimension 1 of size 5");
  });
});
