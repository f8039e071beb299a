// batchNorm (with its updated running statistics), layerNorm and groupNorm against PyTorch, finite differences, errors.
import { describe, expect, it } from "vitest";
import { batchNorm, layerNorm, groupNorm, tensor, ones, zeros, randn, key, grad, sum, arange, type Tensor } from "../../src/index.js";
import { checkCase, checkFiniteDifferences, expectClose, fromJson, loadCases, type Case, type OpRunner, type TensorJson } from "../_harness.js";

interface BatchNormParams {
  training: boolean;
  momentum: number;
  eps: number;
  affine: boolean;
  stats: boolean;
}

const runBatchNorm = ([x, w, b, rm, rv]: Tensor[], p: Record<string, unknown>) => {
  const { training, momentum, eps, affine, stats } = p as unknown as BatchNormParams;
  return batchNorm(x!, {
    training, momentum, eps,
    weight: affine ? w : undefined,
    bias: affine ? b : undefined,
    runningMean: stats ? rm : undefined,
    runningVar: stats ? rv : undefined,
  });
};

const runners: Record<string, OpRunner> = {
  batchNorm: (xs, p) => runBatchNorm(xs, p).output,
  layerNorm: ([x, w, b], p) => layerNorm(x!, p.normalizedShape as number[], { weight: w, bias: b, eps: p.eps as number | undefined }),
  groupNorm: ([x, w, b], p) => groupNorm(x!, p.numGroups as number, { weight: w, bias: b, eps: p.eps as number | undefined }),
};

const cases = loadCases("nn");

describe("normalisation matches PyTorch (forward and gradients)", () => {
  for (const c of cases.filter((c) => c.op in runners)) it(c.name, () => checkCase(c, runners[c.op]!));
});

describe("batchNorm running statistics", () => {
  type WithExtra = Case & { extra?: { runningMean: TensorJson; runningVar: TensorJson } };
  for (const c of (cases as WithExtra[]).filter((c) => c.op === "batchNorm" && c.extra)) {
    it(`${c.name}: updated like PyTorch (unbiased variance), detached`, () => {
      const inputs = c.inputs.map(fromJson);
      const r = runBatchNorm(inputs, c.params);
      expectClose(r.runningMean!, c.extra!.runningMean, {}, "runningMean");
      expectClose(r.runningVar!, c.extra!.runningVar, {}, "runningVar");
    });
  }

  it("come back detached inside grad, and the inputs are unchanged", () => {
    const x = randn(key(1), [4, 3]);
    const rm = zeros([3]);
    const rv = ones([3]);
    let seen: Tensor[] = [];
    grad((t: Tensor) => {
      const r = batchNorm(t, { runningMean: rm, runningVar: rv, training: true });
      seen = [r.runningMean!, r.runningVar!];
      return sum(r.output);
    })(x);
    expect(seen.map((t) => t.requiresGrad)).toEqual([false, false]);
    expect(rm.tolist()).toEqual([0, 0, 0]);
    expect(rv.tolist()).toEqual([1, 1, 1]);
  });

  it("eval mode returns the given statistics and sends no gradient into them", () => {
    const rm = tensor([0.5, -1]);
    const rv = tensor([2, 0.5]);
    const r = batchNorm(randn(key(2), [3, 2]), { runningMean: rm, runningVar: rv });
    expect(r.runningMean).toBe(rm);
    expect(r.runningVar).toBe(rv);
    const g = grad((s: Tensor[]) => sum(batchNorm(randn(key(2), [3, 2]), { runningMean: s[0], runningVar: s[1] }).output))([rm, rv]);
    expect(g.map((t) => t.tolist())).toEqual([[0, 0], [0, 0]]);
  });
});

describe("normalisation: finite differences", () => {
  const x = randn(key(3), [3, 2, 4]);
  const w = randn(key(4), [2]);
  const b = randn(key(5), [2]);
  it("batchNorm training", () =>
    checkFiniteDifferences(([t, w_, b_]) => batchNorm(t!, { weight: w_, bias: b_, training: true }).output, [x, w, b]));
  it("layerNorm", () => checkFiniteDifferences(([t]) => layerNorm(t!, [2, 4]), [x]));
  it("groupNorm", () => checkFiniteDifferences(([t, w_, b_]) => groupNorm(t!, 2, { weight: w_, bias: b_ }), [randn(key(6), [2, 4, 3]), randn(key(7), [4]), randn(key(8), [4])]));
});

describe("normalisation: errors", () => {
  const x = randn(key(9), [2, 3]);
  it("batchNorm", () => {
    expect(() => batchNorm(tensor([1, 2, 3]), { training: true })).toThrow(/^batchNorm: input shape \[3\] must be at least 2-D \[N, C, \.\.\.\]/);
    expect(() => batchNorm(x, { training: true, weight: ones([4]) })).toThrow(/^batchNorm: weight shape \[4\] must be \[C\] = \[3\]/);
    expect(() => batchNorm(x)).toThrow(/^batchNorm: runningMean and runningVar are required in evaluation mode/);
    expect(() => batchNorm(randn(key(0), [1, 3]), { training: true }))
      .toThrow(/^batchNorm: expected more than 1 value per channel when training, got input shape \[1, 3\]/);
    expect(() => batchNorm(arange(6).reshape(2, 3), { training: true })).toThrow(/^batchNorm: input must be float32, got int32 \(shape \[2, 3\]\)/);
  });
  it("layerNorm", () => {
    expect(() => layerNorm(x, [4])).toThrow(/^layerNorm: input shape \[2, 3\] must end with normalizedShape \[4\]/);
    expect(() => layerNorm(x, 3, { bias: ones([2]) })).toThrow(/^layerNorm: bias shape \[2\] must be normalizedShape = \[3\]/);
    expect(() => layerNorm(x, [])).toThrow(/^layerNorm: normalizedShape must have at least one dimension/);
  });
  it("groupNorm", () => {
    expect(() => groupNorm(randn(key(0), [2, 6]), 4))
      .toThrow(/^groupNorm: the 6 channels of input shape \[2, 6\] are not divisible into numGroups=4 groups/);
    expect(() => groupNorm(tensor([1, 2]), 1)).toThrow(/^groupNorm: input shape \[2\] must be at least 2-D/);
    expect(() => groupNorm(randn(key(0), [2, 4]), 2, { weight: ones([2]) })).toThrow(/^groupNorm: weight shape \[2\] must be \[C\] = \[4\]/);
  });
});
