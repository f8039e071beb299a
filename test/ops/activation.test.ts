// Activations and dropout against PyTorch fixtures, finite differences, dropout's mask properties, and error messages.
import { describe, expect, it } from "vitest";
import {
  softmax, logSoftmax, leakyRelu, elu, selu, gelu, silu, softplus, logsigmoid, mish, hardtanh, relu6, dropout,
  tensor, arange, randn, key, split, grad, sum, mul, type Tensor,
} from "../../src/index.js";
import { checkCase, checkFiniteDifferences, expectClose, loadCases, type OpRunner } from "../_harness.js";

type Opts = Record<string, unknown>;

const runners: Record<string, OpRunner> = {
  softmax: ([x], p) => softmax(x!, p.axis as number),
  logSoftmax: ([x], p) => logSoftmax(x!, p.axis as number),
  leakyRelu: ([x], p: Opts & { negativeSlope?: number }) => leakyRelu(x!, p),
  elu: ([x], p: Opts & { alpha?: number }) => elu(x!, p),
  selu: ([x]) => selu(x!),
  gelu: ([x], p: Opts & { approximate?: "none" | "tanh" }) => gelu(x!, p),
  silu: ([x]) => silu(x!),
  softplus: ([x], p: Opts & { beta?: number; threshold?: number }) => softplus(x!, p),
  logsigmoid: ([x]) => logsigmoid(x!),
  mish: ([x]) => mish(x!),
  hardtanh: ([x], p: Opts & { minVal?: number; maxVal?: number }) => hardtanh(x!, p),
  relu6: ([x]) => relu6(x!),
};

describe("activations match PyTorch (forward and gradient)", () => {
  for (const c of loadCases("nn").filter((c) => c.op in runners)) it(c.name, () => checkCase(c, runners[c.op]!));
});

describe("activations: finite differences", () => {
  const x = randn(key(1), [3, 4]);
  const fns: [string, (x: Tensor) => Tensor][] = [
    ["softmax", (t) => softmax(t, 0)],
    ["logSoftmax", (t) => logSoftmax(t)],
    ["gelu tanh", (t) => gelu(t, { approximate: "tanh" })],
    ["softplus beta 2", (t) => softplus(t, { beta: 2 })],
    ["mish", mish],
    ["elu", (t) => elu(t, { alpha: 0.7 })],
  ];
  for (const [name, f] of fns) it(name, () => checkFiniteDifferences(([t]) => f(t!), [x]));
});

describe("activations: behaviour", () => {
  it("softmax and logSoftmax are Tensor methods", () => {
    const x = randn(key(2), [2, 3]);
    expectClose(x.softmax(0), softmax(x, 0));
    expectClose(x.logSoftmax(), logSoftmax(x, -1));
  });

  it("logSoftmax stays finite for logits that would overflow exp", () => {
    const y = logSoftmax(tensor([[1e4, 0, -1e4]]));
    expectClose(y, tensor([[0, -1e4, -2e4]]));
  });

  it("softplus has gradient 0.5 at 0 and is linear above the threshold", () => {
    const g = grad((x: Tensor) => sum(softplus(x)))(tensor([0, 30, -200]));
    expectClose(g, tensor([0.5, 1, 0]));
  });

  it("reject integer tensors, bad axes and bad options, naming the op", () => {
    const ints = arange(6);
    expect(() => softmax(ints)).toThrow(/^softmax: expected a float32 tensor, got int32 \(shape \[6\]\)/);
    expect(() => logSoftmax(tensor([[1, 2]]), 2)).toThrow(/^logSoftmax: axis 2 is out of range for a tensor with 2 dimensions/);
    expect(() => gelu(tensor([1]), { approximate: "erf" as "none" })).toThrow(/^gelu: approximate must be "none" or "tanh", got "erf"/);
    expect(() => hardtanh(tensor([1]), { minVal: 2, maxVal: 1 })).toThrow(/^hardtanh: minVal 2 must not exceed maxVal 1/);
    expect(() => leakyRelu(ints)).toThrow(/^leakyRelu: expected a float32 tensor, got int32/);
  });
});

describe("dropout", () => {
  const x = randn(key(3), [100, 100]);

  it("zeroes about p of the elements and scales the survivors by 1/(1-p)", () => {
    const y = dropout(key(4), x, { p: 0.3 }).dataSync();
    const xs = x.dataSync();
    let zeros = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i] === 0) zeros++;
      else expect(Math.abs(y[i]! - xs[i]! / 0.7)).toBeLessThan(1e-5 * (1 + Math.abs(xs[i]!)));
    }
    expect(Math.abs(zeros / y.length - 0.3)).toBeLessThan(0.02);
  });

  it("the same key gives the same mask; another key another", () => {
    const [k1, k2] = split(key(5));
    expectClose(dropout(k1!, x), dropout(k1!, x), { atol: 0, rtol: 0 });
    expect(Array.from(dropout(k1!, x).dataSync())).not.toEqual(Array.from(dropout(k2!, x).dataSync()));
  });

  it("is the identity when not training or p = 0, and zeros when p = 1", () => {
    expect(dropout(key(6), x, { training: false })).toBe(x);
    expect(dropout(key(6), x, { p: 0 })).toBe(x);
    expectClose(dropout(key(6), x, { p: 1 }), mul(x, 0));
    // As PyTorch: p = 1 multiplies by zero, so NaN stays NaN.
    expect(Array.from(dropout(key(6), tensor([NaN, 1]), { p: 1 }).dataSync()).map(Number.isNaN)).toEqual([true, false]);
  });

  it("the gradient is the scaled mask", () => {
    const k = key(7);
    const g = grad((t: Tensor) => sum(dropout(k, t, { p: 0.25 })))(x);
    const mask = dropout(k, tensor(new Float32Array(x.size).fill(1), { shape: x.shape }), { p: 0.25 });
    expectClose(g, mask);
  });

  it("rejects p outside [0, 1] and integer input", () => {
    expect(() => dropout(key(0), x, { p: 1.5 })).toThrow(/^dropout: probability p must be between 0 and 1, got 1.5/);
    expect(() => dropout(key(0), x, { p: -0.1 })).toThrow(/^dropout: probability p must be between 0 and 1, got -0.1/);
    expect(() => dropout(key(0), arange(3))).toThrow(/^dropout: expected a float32 tensor, got int32 \(shape \[3\]\)/);
  });
});
