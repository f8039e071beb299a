// Pytrees: leaves with PyTorch-style dotted paths, unflattening, and treeMap over several trees.
import { describe, expect, it } from "vitest";
import { tensor, treeLeaves, treeLeavesWithPaths, treeMap, treeUnflatten, add, type Tensor } from "../../src/index.js";

const params = {
  features: [{ weight: tensor([1]), bias: tensor([2]) }, "relu", { weight: tensor([3]) }],
  bn: { running_mean: tensor([4]), momentum: 0.1 },
};

describe("pytrees", () => {
  it("lists leaves with state_dict-style paths in insertion order, skipping non-tensors", () => {
    expect(treeLeavesWithPaths(params).map((l) => l.path)).toEqual([
      "features.0.weight", "features.0.bias", "features.2.weight", "bn.running_mean",
    ]);
    expect(treeLeaves(params).map((t) => t.item())).toEqual([1, 2, 3, 4]);
    expect(treeLeavesWithPaths(tensor(1))).toEqual([{ path: "", tensor: expect.anything() }]);
    expect(treeLeaves([])).toEqual([]);
  });

  it("unflattens into a new tree of the same structure, keeping non-tensor leaves", () => {
    const leaves = [10, 20, 30, 40].map((v) => tensor([v]));
    const t = treeUnflatten(params, leaves);
    expect(t).not.toBe(params);
    expect(t.features[1]).toBe("relu");
    expect(t.bn.momentum).toBe(0.1);
    expect((t.features[2] as { weight: Tensor }).weight.item()).toBe(30);
    expect((params.features[2] as { weight: Tensor }).weight.item()).toBe(3);
    expect(() => treeUnflatten(params, leaves.slice(1))).toThrow("treeUnflatten: too few leaves (3) for the tree");
    expect(() => treeUnflatten(params, [...leaves, tensor(0)])).toThrow("treeUnflatten: 5 leaves given for a tree with 4");
  });

  it("treeMap applies a function leafwise across trees of the same structure", () => {
    const summed = treeMap((a, b) => add(a, b), params, params);
    expect(treeLeaves(summed).map((t) => t.item())).toEqual([2, 4, 6, 8]);
    const other = { ...params, bn: { mean: tensor([4]) } };
    expect(() => treeMap((a, b) => add(a, b), params, other as never)).toThrow(/^treeMap: trees differ in structure/);
  });
});
