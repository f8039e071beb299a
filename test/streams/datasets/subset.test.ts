// Subset, randomSplit and concatDatasets: views by index with PyTorch's semantics and clear errors.
import { describe, expect, it } from "vitest";
import { subset, randomSplit, concatDatasets, key, type Dataset } from "../../../src/index.js";

const squares: Dataset<number> = { length: 10, get: (i) => i * i };

describe("subset / randomSplit / concatDatasets", () => {
  it("subset picks samples in the given order, negative indices from the end", async () => {
    const s = subset(squares, [3, 0, -1]);
    expect(s.length).toBe(3);
    expect(await Promise.all([0, 1, 2].map((i) => s.get(i)))).toEqual([9, 0, 81]);
    expect(() => subset(squares, [10])).toThrow("subset: index 10 (position 0) is out of range for a dataset of 10 samples");
    expect(() => s.get(3)).toThrow("subset: index 3 is out of range for a subset of 3 samples");
  });

  it("randomSplit partitions the dataset deterministically by key, by counts or by fractions", async () => {
    const [a, b] = randomSplit(squares, [7, 3], key(0));
    const values = async (d: Dataset<number>) => Promise.all(Array.from({ length: d.length }, (_, i) => d.get(i)));
    const all = [...(await values(a!)), ...(await values(b!))].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 10 }, (_, i) => i * i));
    const again = randomSplit(squares, [7, 3], key(0));
    expect(await values(again[1]!)).toEqual(await values(b!));
    // Fractions: floor(10·[0.25, 0.25, 0.5]) = [2, 2, 5]; the one left over goes to the first split (PyTorch's rule).
    expect(randomSplit(squares, [0.25, 0.25, 0.5], key(1)).map((d) => d.length)).toEqual([3, 2, 5]);
    expect(() => randomSplit(squares, [5, 4], key(0))).toThrow(/randomSplit: lengths \[5, 4\] must be non-negative integers summing to the dataset's 10 samples/);
  });

  it("concatDatasets chains datasets", async () => {
    const c = concatDatasets([squares, { length: 2, get: (i) => -i - 1 }]);
    expect(c.length).toBe(12);
    expect([await c.get(0), await c.get(9), await c.get(10), await c.get(11)]).toEqual([0, 81, -1, -2]);
    expect(() => c.get(12)).toThrow("concatDatasets: index 12 is out of range for 12 samples");
  });
});
