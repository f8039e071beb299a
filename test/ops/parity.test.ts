// PyTorch parity for issue 10's gaps: max/min with indices, BCE's clamped gradient, add/sub alpha, convTranspose1d, instanceNorm, bicubic.
import { describe, expect, it } from "vitest";
import { Tensor, tensor, max, min, amax, amin, add, sub, grad, sum, mul, convTranspose1d, instanceNorm, interpolate, key, nn, rand } from "../../src/index.js";
import { loadCases, checkCase, checkFiniteDifferences, expectClose, fromJson, type Case, type TensorJson } from "../_harness.js";
import { runners } from "./_parity.js";

const cases = loadCases("parity");

describe("PyTorch parity fixtures (test/fixtures/gen_parity.py)", () => {
  for (const c of cases.filter((c) => runners[c.op])) it(c.name, () => checkCase(c, runners[c.op]!, { atol: 1e-5, rtol: 1e-4 }));
});

describe("max and min along a dim", () => {
  it("send the whole gradient to the returned index, where amax splits it over ties", () => {
    const x = tensor([[1, 3, 3], [2, 2, 0]]);
    expect(grad((x: Tensor) => sum(max(x, 1).values))(x).tolist()).toEqual([[0, 1, 0], [1, 0, 0]]);
    expect(grad((x: Tensor) => sum(amax(x, 1)))(x).tolist()).toEqual([[0, 0.5, 0.5], [0.5, 0.5, 0]]);
    expect(grad((x: Tensor) => sum(min(x, 0).values))(x).tolist()).toEqual([[1, 0, 0], [0, 1, 1]]);
  });

  it("keep the tensor method and the axis-list form working", () => {
    const x = tensor([[1, 5], [7, 2]]);
    expect(x.max(0).indices.tolist()).toEqual([1, 0]);
    expect(x.max().item()).toBe(7);
    expect(x.max([0, 1], { keepdim: true }).tolist()).toEqual([[7]]);
    expect(x.amin(1).tolist()).toEqual([1, 2]);
    expect(max(tensor(4), 0).indices.tolist()).toBe(0);
    expect(() => max(x, 2)).toThrow("max: axis 2 is out of range");
  });

  it("agree with finite differences away from ties", () => {
    checkFiniteDifferences(([x]) => max(x!, 1).values, [rand(key(3), [3, 5])]);
  });
});

describe("add and sub with alpha", () => {
  it("refuse a fractional alpha for integer operands and keep integers integral", () => {
    const i = tensor([1, 2], { dtype: "int32" });
    expect(add(i, i, { alpha: 3 }).tolist()).toEqual([4, 8]);
    expect(add(i, i, { alpha: 3 }).dtype).toBe("int32");
    expect(() => add(i, i, { alpha: 0.5 })).toThrow("add: alpha 0.5 must be an integer for int32 operands");
    expect(sub(tensor([1]), 2, { alpha: 2 }).tolist()).toEqual([-3]);
    expect(tensor([1]).add(tensor([1]), { alpha: -1 }).tolist()).toEqual([0]);
  });
});

describe("convTranspose1d", () => {
  it("names the 1-D shapes in its errors", () => {
    const x = rand(key(0), [1, 2, 4]);
    expect(() => convTranspose1d(x, rand(key(1), [2, 1, 3, 3]))).toThrow("convTranspose1d: weight shape [2, 1, 3, 3] must be 3-D [Cin, Cout/groups, k]");
    expect(() => convTranspose1d(x, rand(key(1), [3, 1, 3]))).toThrow("convTranspose1d: input shape [1, 2, 4] has 2 channels but weight shape [3, 1, 3] expects 3");
    expect(() => convTranspose1d(x, rand(key(1), [2, 1, 3]), { stride: 2, outputPadding: 2 })).toThrow(
      "convTranspose1d: outputPadding [2] must be smaller than either stride [2] or dilation [1]",
    );
  });

  it("nn.convTranspose1d has PyTorch's state_dict keys, repr and output", () => {
    const c = cases.find((c) => c.op === "nnConvTranspose1d")!;
    const { keys, repr, ...options } = c.params as unknown as { keys: string[]; repr: string } & nn.ConvTranspose1dOptions;
    const layer = nn.convTranspose1d(options);
    const v = layer.init(key(0));
    expect(Object.keys(nn.stateDict(layer, v))).toEqual(keys);
    expect(layer.toString()).toBe(repr);
    const [x, weight, bias] = c.inputs.map(fromJson);
    expectClose(layer.forward({ weight: weight!, bias: bias! }, x!), c.output, { atol: 1e-5, rtol: 1e-4 }, "nn.ConvTranspose1d output");
  });
});

interface RunningCase extends Case {
  readonly evalOutput: TensorJson;
  readonly runningMean: TensorJson;
  readonly runningVar: TensorJson;
  readonly numBatchesTracked: number;
}

describe("instanceNorm", () => {
  for (const c of cases.filter((c) => c.op === "instanceNormRunning") as RunningCase[]) {
    it(`${c.name}: training updates the running statistics, evaluation uses them`, () => {
      const { affine, momentum, keys } = c.params as { affine: boolean; momentum: number; keys: string[] };
      const [x, x2, rm, rv, weight, bias] = c.inputs.map(fromJson);
      const layer = (x!.ndim === 3 ? nn.instanceNorm1d : nn.instanceNorm2d)({ numFeatures: x!.shape[1]!, affine, momentum, trackRunningStats: true });
      const v0 = layer.init(key(0));
      expect(Object.keys(nn.stateDict(layer, v0))).toEqual(keys);
      const v: nn.Variables = { params: affine ? { weight: weight!, bias: bias! } : {}, state: { ...v0.state, running_mean: rm!, running_var: rv! } };
      const trained = layer.apply(v, x!, { training: true });
      expectClose(trained.output, c.output, {}, "training output");
      const state = trained.state as Record<string, Tensor>;
      expectClose(state.running_mean!, c.runningMean, {}, "running_mean");
      expectClose(state.running_var!, c.runningVar, {}, "running_var");
      expect(state.num_batches_tracked!.item()).toBe(c.numBatchesTracked);
      expectClose(layer.apply({ ...v, state: trained.state }, x2!).output, c.evalOutput, {}, "evaluation output");
    });
  }

  it("accepts unbatched input and rejects what PyTorch rejects", () => {
    const layer = nn.instanceNorm2d({ numFeatures: 2, affine: true });
    const v = layer.init(key(0));
    const x = rand(key(1), [2, 3, 3]);
    expectClose(layer.apply(v, x).output, layer.apply(v, x.reshape([1, 2, 3, 3])).output.reshape([2, 3, 3]));
    expect(() => layer.apply(v, rand(key(1), [3, 3]))).toThrow("InstanceNorm2d: expected 3D (unbatched) or 4D (batched) input (got 2D input of shape [3, 3])");
    expect(() => layer.apply(v, rand(key(1), [1, 3, 3, 3]))).toThrow("InstanceNorm2d: input shape [1, 3, 3, 3] has 3 channels, expected numFeatures=2");
    expect(() => instanceNorm(rand(key(1), [2, 3, 1]))).toThrow("instanceNorm: expected more than 1 spatial element per channel, got input shape [2, 3, 1]");
    expect(() => instanceNorm(rand(key(1), [2, 3]))).toThrow("instanceNorm: input shape [2, 3] must be at least 3-D [N, C, L, ...]");
    expect(nn.instanceNorm1d({ numFeatures: 3 }).toString()).toBe("InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)");
  });
});

describe("bicubic interpolate", () => {
  it("needs 4-D input", () => {
    expect(() => interpolate(rand(key(0), [1, 1, 4]), { size: 8, mode: "bicubic" })).toThrow('interpolate: mode "bicubic" needs 4-D [N, C, H, W] input, got shape [1, 1, 4]');
  });
  it("gradients agree with finite differences", () => {
    checkFiniteDifferences(([x]) => mul(interpolate(x!, { size: [5, 7], mode: "bicubic", alignCorners: false }), 1), [rand(key(2), [1, 1, 3, 4])]);
  });
});
