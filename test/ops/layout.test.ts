// Shape ops against PyTorch fixtures (reshape with -1, flatten, transpose, permute, expand, squeeze/unsqueeze, .T), plus errors.
import { describe, expect, it } from "vitest";
import {
  Tensor, tensor, arange, zeros, reshape, flatten, transpose, permute, expand, broadcastTo, squeeze, unsqueeze, mul, sum,
} from "../../src/index.js";
import { loadCases, checkCase, checkFiniteDifferences, type Case } from "../_harness.js";

type P = Record<string, unknown>;

const fns: Record<string, (x: Tensor, p: P) => Tensor> = {
  reshape: (x, p) => reshape(x, p.shape as number[]),
  flatten: (x, p) => flatten(x, (p.start as number | undefined) ?? 0, (p.end as number | undefined) ?? -1),
  transpose: (x, p) => transpose(x, p.dim0 as number, p.dim1 as number),
  permute: (x, p) => permute(x, p.perm as number[]),
  expand: (x, p) => expand(x, p.shape as number[]),
  squeeze: (x, p) => squeeze(x, p.axis as number | undefined),
  unsqueeze: (x, p) => unsqueeze(x, p.axis as number),
  T: (x) => x.T,
};

const cases: Case[] = loadCases("core").filter((c) => c.op.startsWith("layout."));

describe("layout ops vs PyTorch", () => {
  for (const c of cases) it(c.name, () => checkCase(c, ([x], p) => fns[c.op.slice("layout.".length)]!(x!, p)));
});

describe("layout semantics", () => {
  it("Tensor methods take varargs or an array", () => {
    const x = arange(24).reshape(2, 3, 4);
    expect(x.shape).toEqual([2, 3, 4]);
    expect(x.view([4, -1]).shape).toEqual([4, 6]);
    expect(x.permute(2, 0, 1).shape).toEqual([4, 2, 3]);
    expect(x.flatten(1).shape).toEqual([2, 12]);
    expect(x.transpose(0, 2).shape).toEqual([4, 3, 2]);
    expect(x.T.shape).toEqual([4, 3, 2]);
    expect(x.sum(0).unsqueeze(0).expand(5, -1, -1).shape).toEqual([5, 3, 4]);
  });

  it("transpose and permute move the right elements", () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.T.tolist()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(permute(arange(6).reshape(1, 2, 3), [2, 1, 0]).tolist()).toEqual([[[0], [3]], [[1], [4]], [[2], [5]]]);
  });

  it("reshape of an empty tensor infers 0", () => {
    expect(reshape(zeros([0, 3]), [-1, 3]).shape).toEqual([0, 3]);
    expect(squeeze(zeros([1, 0, 1])).shape).toEqual([0]);
  });

  it("finite differences through a chain of layout ops", () => {
    const x = tensor([[0.3, -1.2, 0.7], [1.5, 0.2, -0.4]]);
    checkFiniteDifferences(([a]) => mul(flatten(transpose(expand(unsqueeze(a!, 0), [2, 2, 3]), 0, 2)), arange(12, undefined, 1, { dtype: "float32" })), [x]);
    checkFiniteDifferences(([a]) => sum(mul(permute(reshape(a!, [3, 1, 2]), [2, 0, 1]), a!.T.unsqueeze(0)), 0), [x]);
  });
});

describe("layout errors", () => {
  const x = zeros([2, 3]);
  it("bad reshape", () => {
    expect(() => reshape(x, [4, -1])).toThrow("reshape: shape [4, -1] is invalid for input of size 6 (shape [2, 3])");
    expect(() => reshape(x, [-1, -1])).toThrow("reshape: invalid shape [-1, -1] (at most one -1, other dimensions non-negative integers)");
    expect(() => reshape(x, [7])).toThrow("reshape: shape [7] is invalid for input of size 6 (shape [2, 3])");
  });

  it("bad axes", () => {
    expect(() => transpose(x, 0, 2)).toThrow("transpose: axis 2 is out of range for a tensor with 2 dimensions");
    expect(() => permute(x, [0])).toThrow("permute: got 1 axes [0] for a tensor of shape [2, 3]");
    expect(() => permute(x, [1, 1])).toThrow("permute: repeated axis in [1, 1]");
    expect(() => flatten(x, 1, 0)).toThrow("flatten: startDim 1 comes after endDim 0");
    expect(() => unsqueeze(x, 3)).toThrow("unsqueeze: axis 3 is out of range for a tensor with 3 dimensions");
    expect(() => squeeze(x, -3)).toThrow("squeeze: axis -3 is out of range for a tensor with 2 dimensions");
  });

  it("bad expand / broadcastTo", () => {
    expect(() => expand(x, [2, 4])).toThrow("expand: shape [2, 3] cannot be expanded to [2, 4] (dimension 1: 3 vs 4)");
    expect(() => expand(x, [3])).toThrow("expand: cannot expand shape [2, 3] to fewer dimensions [3]");
    expect(() => expand(x, [-1, 2, 3])).toThrow("expand: shape [2, 3] cannot be expanded to [-1, 2, 3] (dimension 0: 1 vs -1)");
    expect(() => expand(zeros([1]), [2.5])).toThrow("expand: shape [1] cannot be expanded to [2.5]");
    expect(() => broadcastTo(x, [3, 3])).toThrow("broadcastTo: shapes [2, 3] and [3, 3] cannot be broadcast together");
  });
});
