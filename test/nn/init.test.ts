// Initialisers against PyTorch's formulas: gains, fans, bounds, means/stds and shapes (the draws themselves come from rivulet's keys).
import { describe, expect, it } from "vitest";
import { nn, key, matmul, eye, type Tensor } from "../../src/index.js";
import { expectClose } from "../_harness.js";

const stats = (t: Tensor): { mean: number; std: number; min: number; max: number } => {
  const d = Array.from(t.dataSync());
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
  return { mean, std, min: Math.min(...d), max: Math.max(...d) };
};

/** Checks a uniform sample on ±bound: inside it, reaching near both ends, with std bound/√3. */
const expectUniform = (t: Tensor, bound: number): void => {
  const s = stats(t);
  expect(s.max).toBeLessThanOrEqual(bound);
  expect(s.min).toBeGreaterThanOrEqual(-bound);
  expect(s.max).toBeGreaterThan(0.97 * bound);
  expect(s.min).toBeLessThan(-0.97 * bound);
  expect(Math.abs(s.mean)).toBeLessThan(0.03 * bound);
  expect(s.std / (bound / Math.sqrt(3))).toBeCloseTo(1, 1);
};

const expectNormal = (t: Tensor, mean: number, std: number): void => {
  const s = stats(t);
  expect(Math.abs(s.mean - mean)).toBeLessThan(0.03 * std + 1e-6);
  expect(s.std / std).toBeGreaterThan(0.96);
  expect(s.std / std).toBeLessThan(1.04);
};

describe("calculateGain and fans", () => {
  it("gives PyTorch's gains", () => {
    for (const n of ["linear", "conv1d", "conv2d", "conv_transpose2d", "sigmoid"] as const) expect(nn.init.calculateGain(n)).toBe(1);
    expect(nn.init.calculateGain("tanh")).toBeCloseTo(5 / 3, 12);
    expect(nn.init.calculateGain("relu")).toBeCloseTo(Math.SQRT2, 12);
    expect(nn.init.calculateGain("leaky_relu")).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 12);
    expect(nn.init.calculateGain("leaky_relu", 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 12);
    expect(nn.init.calculateGain("leaky_relu", Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(nn.init.calculateGain("selu")).toBe(0.75);
    expect(() => nn.init.calculateGain("swish" as "relu")).toThrow(/^calculateGain: unsupported nonlinearity "swish"/);
  });

  it("computes fan_in/fan_out with the receptive field", () => {
    expect(nn.init.calculateFanInAndFanOut([8, 3, 5, 5])).toEqual({ fanIn: 75, fanOut: 200 });
    expect(nn.init.calculateFanInAndFanOut([10, 20])).toEqual({ fanIn: 20, fanOut: 10 });
    expect(() => nn.init.calculateFanInAndFanOut([3])).toThrow(/fewer than 2 dimensions \(shape \[3\]\)/);
    expect(() => nn.init.xavierUniform()(key(0), [3])).toThrow(/^xavierUniform: fan in and fan out/);
  });
});

describe("initialisers", () => {
  const k = key(7);
  it("uniform, normal, constant, zeros, ones", () => {
    const u = nn.init.uniform({ a: -2, b: 3 })(k, [100, 100]);
    const s = stats(u);
    expect(s.min).toBeGreaterThanOrEqual(-2);
    expect(s.max).toBeLessThan(3);
    expect(s.mean).toBeCloseTo(0.5, 1);
    expectNormal(nn.init.normal({ mean: 1, std: 2 })(k, [100, 200]), 1, 2);
    expect(nn.init.constant(0.25)(k, [2, 3]).tolist()).toEqual([[0.25, 0.25, 0.25], [0.25, 0.25, 0.25]]);
    expect(nn.init.zeros()(k, [2]).tolist()).toEqual([0, 0]);
    expect(nn.init.ones()(k, [2]).tolist()).toEqual([1, 1]);
  });

  it("xavier uniform/normal: ±gain·√(6/(in+out)) and std gain·√(2/(in+out))", () => {
    expectUniform(nn.init.xavierUniform()(k, [300, 200]), Math.sqrt(6 / 500));
    expectUniform(nn.init.xavierUniform({ gain: 2 })(k, [30, 20, 3, 3]), 2 * Math.sqrt(6 / (180 + 270)));
    expectNormal(nn.init.xavierNormal({ gain: nn.init.calculateGain("tanh") })(k, [300, 200]), 0, (5 / 3) * Math.sqrt(2 / 500));
  });

  it("kaiming uniform/normal: mode, nonlinearity and a", () => {
    expectUniform(nn.init.kaimingUniform()(k, [200, 150]), Math.sqrt(2) * Math.sqrt(3 / 150));
    expectUniform(nn.init.kaimingUniform({ mode: "fan_out", nonlinearity: "relu" })(k, [100, 300]), Math.sqrt(2) * Math.sqrt(3 / 100));
    expectUniform(nn.init.kaimingUniform({ a: Math.sqrt(5) })(k, [300, 100]), 1 / Math.sqrt(100));
    expectNormal(nn.init.kaimingNormal({ nonlinearity: "relu" })(k, [200, 50, 2]), 0, Math.sqrt(2 / 100));
    expectNormal(nn.init.kaimingNormal({ mode: "fan_out", a: 0.2 })(k, [100, 300]), 0, Math.sqrt(2 / 1.04) / Math.sqrt(100));
    expect(() => nn.init.kaimingNormal({ mode: "fanIn" as "fan_in" })(k, [2, 2])).toThrow(/^kaimingNormal: mode must be "fan_in" or "fan_out"/);
  });

  it("orthogonal: Q·Qᵀ = I for wide, Qᵀ·Q = I for tall, scaled by the gain, any rank ≥ 2", () => {
    const wide = nn.init.orthogonal()(k, [4, 6]);
    expectClose(matmul(wide, wide.T), eye(4), { atol: 1e-5 }, "wide");
    const tall = nn.init.orthogonal({ gain: 2 })(k, [6, 4]);
    expectClose(matmul(tall.T, tall), eye(4).mul(4), { atol: 1e-4 }, "tall");
    const conv = nn.init.orthogonal()(k, [4, 2, 2, 2]);
    expect(conv.shape).toEqual([4, 2, 2, 2]);
    const flat = conv.reshape(4, 8);
    expectClose(matmul(flat, flat.T), eye(4), { atol: 1e-5 }, "conv");
    expect(() => nn.init.orthogonal()(k, [5])).toThrow(/^orthogonal: only tensors with 2 or more dimensions/);
  });

  it("is deterministic in the key", () => {
    expect(nn.init.xavierNormal()(key(1), [3, 4]).tolist()).toEqual(nn.init.xavierNormal()(key(1), [3, 4]).tolist());
    expect(nn.init.xavierNormal()(key(1), [3, 4]).tolist()).not.toEqual(nn.init.xavierNormal()(key(2), [3, 4]).tolist());
  });
});

describe("layers' default initialisation is PyTorch's", () => {
  it("Linear: weight and bias uniform on ±1/√in_features", () => {
    const { params } = nn.linear({ inFeatures: 400, outFeatures: 300 }).init(key(3));
    expectUniform(params.weight as Tensor, 1 / 20);
    expect(stats(params.bias as Tensor).max).toBeLessThanOrEqual(1 / 20);
    expect(stats(params.bias as Tensor).min).toBeGreaterThanOrEqual(-1 / 20);
    expect(stats(params.bias as Tensor).max).toBeGreaterThan(0.8 / 20);
  });

  it("Conv2d and ConvTranspose2d: bounds from fan_in of their weight layouts", () => {
    const conv = nn.conv2d({ inChannels: 16, outChannels: 64, kernelSize: 3, groups: 4 }).init(key(3)).params;
    expectUniform(conv.weight as Tensor, 1 / Math.sqrt(4 * 9));
    expect(stats(conv.bias as Tensor).max).toBeLessThanOrEqual(1 / 6);
    const convT = nn.convTranspose2d({ inChannels: 64, outChannels: 32, kernelSize: 4, groups: 2 }).init(key(3)).params;
    expect((convT.weight as Tensor).shape).toEqual([64, 16, 4, 4]);
    expectUniform(convT.weight as Tensor, 1 / Math.sqrt(16 * 16));
    expect(stats(convT.bias as Tensor).max).toBeLessThanOrEqual(1 / 16);
  });

  it("Embedding N(0, 1) with a zero padding row; norms start at ones/zeros; BatchNorm's buffers", () => {
    const emb = nn.embedding({ numEmbeddings: 500, embeddingDim: 40, paddingIdx: -1 }).init(key(3)).params.weight as Tensor;
    expectNormal(emb, 0, 1);
    expect((emb.tolist() as number[][])[499]).toEqual(new Array(40).fill(0));
    const ln = nn.layerNorm({ normalizedShape: [2, 3] }).init(key(0)).params;
    expect((ln.weight as Tensor).tolist()).toEqual([[1, 1, 1], [1, 1, 1]]);
    expect((ln.bias as Tensor).tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
    const bn = nn.batchNorm2d({ numFeatures: 2 }).init(key(0));
    expect(Object.fromEntries(Object.entries(bn.state).map(([k, t]) => [k, (t as Tensor).tolist()]))).toEqual({
      running_mean: [0, 0],
      running_var: [1, 1],
      num_batches_tracked: 0,
    });
    expect((bn.state.num_batches_tracked as Tensor).dtype).toBe("int32");
  });
});
