// Tests for tensorDataset (torch TensorDataset) and syntheticData (d2l's synthetic_data).
import { describe, expect, it } from "vitest";
import { arange, key, reshape, scalar, tensor } from "../../../src/index.js";
import { syntheticData, tensorDataset } from "../../../src/streams/datasets/index.js";

describe("tensorDataset", () => {
  const x = reshape(arange(6), [3, 2]);
  const y = tensor([10, 11, 12], { dtype: "int32" });

  it("sample i is the i-th row of each tensor, negative indices from the end", () => {
    const ds = tensorDataset(x, y);
    expect(ds.length).toBe(3);
    const [xi, yi] = ds.get(1);
    expect([xi.tolist(), yi.tolist(), yi.dtype]).toEqual([[2, 3], 11, "int32"]);
    expect(ds.get(-1)[0].tolist()).toEqual([4, 5]);
    expect(ds.tensors[0]).toBe(x);
  });

  it("rejects tensors whose first dimensions differ, naming each shape", () => {
    expect(() => tensorDataset(x, tensor([1, 2]))).toThrow("tensorDataset: size mismatch between tensors: first dimensions tensor 0 [3, 2], tensor 1 [2] must all be equal");
  });

  it("rejects no tensors, 0-d tensors and out-of-range indices", () => {
    expect(() => tensorDataset()).toThrow("at least one tensor");
    expect(() => tensorDataset(scalar(1))).toThrow("tensor 0 is zero-dimensional");
    expect(() => tensorDataset(x).get(3)).toThrow("index 3 is out of range for a dataset of length 3");
    expect(() => tensorDataset(x).get(-4)).toThrow("out of range");
  });
});

describe("syntheticData", () => {
  it("makes features [n, d] and labels [n, 1] with y = Xw + b + N(0, 0.01²) noise", () => {
    const { features, labels } = syntheticData(key(0), tensor([2, -3.4]), 4.2, 1000);
    expect([[...features.shape], [...labels.shape]]).toEqual([[1000, 2], [1000, 1]]);
    const X = features.tolist() as number[][];
    const Y = (labels.tolist() as number[][]).map((r) => r[0]!);
    const residuals = Y.map((v, i) => v - (2 * X[i]![0]! - 3.4 * X[i]![1]! + 4.2));
    const mean = residuals.reduce((a, b) => a + b, 0) / residuals.length;
    const std = Math.sqrt(residuals.reduce((a, r) => a + (r - mean) ** 2, 0) / residuals.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(std).toBeGreaterThan(0.009);
    expect(std).toBeLessThan(0.011);
    // The features are standard normal.
    const flat = X.flat();
    const fm = flat.reduce((a, b) => a + b, 0) / flat.length;
    expect(Math.abs(fm)).toBeLessThan(0.1);
  });

  it("accepts a column w [d, 1] (the weight-decay section) and plain numbers, and is deterministic in the key", () => {
    const a = syntheticData(key(3), tensor([[0.01], [0.01], [0.01]]), 0.05, 20);
    const b = syntheticData(key(3), [0.01, 0.01, 0.01], 0.05, 20);
    expect([...a.labels.shape]).toEqual([20, 1]);
    expect(a.labels.tolist()).toEqual(b.labels.tolist());
    expect(syntheticData(key(4), [1], 0, 5).labels.tolist()).not.toEqual(syntheticData(key(5), [1], 0, 5).labels.tolist());
  });

  it("rejects a w that is not a vector or a column", () => {
    expect(() => syntheticData(key(0), tensor([[1, 2]]), 0, 3)).toThrow("syntheticData: w must be a vector [d] or a column [d, 1], got shape [1, 2]");
  });

  it("feeds tensorDataset as the curriculum's load_array does", () => {
    const { features, labels } = syntheticData(key(1), [2, -3.4], 4.2, 10);
    const [xi, yi] = tensorDataset(features, labels).get(0);
    expect([[...xi.shape], [...yi.shape]]).toEqual([[2], [1]]);
  });
});
