// Reductions against PyTorch fixtures (sum … cumsum over one/several/negative/all axes, keepdim, ties, -inf), plus errors.
import { describe, expect, it } from "vitest";
import {
  Tensor, tensor, scalar, grad, sum, mean, prod, max, min, amax, amin, argmax, argmin, variance, std, logsumexp, norm, cumsum,
  zeros, mul, type ReduceOptions,
} from "../../src/index.js";
import { loadCases, checkCase, checkFiniteDifferences, fromJson, type Case } from "../_harness.js";

type Axes = number | number[] | undefined;
type P = Record<string, unknown>;

const opts = (p: P): ReduceOptions & { correction?: number; p?: number } => ({
  keepdim: (p.keepdim as boolean | undefined) ?? false,
  ...(p.correction !== undefined ? { correction: p.correction as number } : {}),
  ...(p.p !== undefined ? { p: p.p === "inf" ? Infinity : (p.p as number) } : {}),
});

const fns: Record<string, (x: Tensor, p: P) => Tensor> = {
  sum: (x, p) => sum(x, p.axis as Axes, opts(p)),
  mean: (x, p) => mean(x, p.axis as Axes, opts(p)),
  prod: (x, p) => prod(x, p.axis as Axes, opts(p)),
  max: (x, p) => amax(x, p.axis as Axes, opts(p)),
  min: (x, p) => amin(x, p.axis as Axes, opts(p)),
  argmax: (x, p) => argmax(x, p.axis as number | undefined, opts(p)),
  argmin: (x, p) => argmin(x, p.axis as number | undefined, opts(p)),
  var: (x, p) => variance(x, p.axis as Axes, opts(p)),
  std: (x, p) => std(x, p.axis as Axes, opts(p)),
  logsumexp: (x, p) => logsumexp(x, p.axis as Axes, opts(p)),
  norm: (x, p) => norm(x, p.axis as Axes, opts(p)),
  cumsum: (x, p) => cumsum(x, p.axis as number, { reverse: (p.reverse as boolean | undefined) ?? false }),
};

const cases: Case[] = loadCases("core").filter((c) => c.op.startsWith("reduce."));

describe("reductions vs PyTorch", () => {
  for (const c of cases)
    it(c.name, () => {
      const run = ([x]: Tensor[], p: P) => fns[c.op.slice("reduce.".length)]!(x!, p);
      checkCase(c, run);
      expect(run(c.inputs.map(fromJson), c.params).dtype).toBe(c.output.dtype);
    });
});

describe("reduction semantics", () => {
  it("0-d tensors reduce over axis 0 as the identity", () => {
    expect(sum(scalar(3), 0).tolist()).toBe(3);
    expect(cumsum(scalar(3), -1).tolist()).toBe(3);
    expect(argmax(scalar(3), 0).tolist()).toBe(0);
    expect(max(scalar(-2)).tolist()).toBe(-2);
  });

  it("empty inputs: sum 0, prod 1, mean NaN, logsumexp -inf", () => {
    const e = zeros([0, 3]);
    expect(sum(e).tolist()).toBe(0);
    expect(sum(e, 0).tolist()).toEqual([0, 0, 0]);
    expect(prod(e, 0).tolist()).toEqual([1, 1, 1]);
    expect(Number.isNaN(mean(e).item())).toBe(true);
    expect(logsumexp(e, 0).tolist()).toEqual([-Infinity, -Infinity, -Infinity]);
  });

  it("NaN propagates through max and wins argmax", () => {
    const x = tensor([1, NaN, 3]);
    expect(Number.isNaN(max(x).item())).toBe(true);
    expect(argmax(x).item()).toBe(1);
  });

  it("prod's gradient is exact at zeros", () => {
    const g = grad((x: Tensor) => prod(x))(tensor([0, 2, 3]));
    expect(g.tolist()).toEqual([6, 0, 0]);
  });

  it("finite differences through composed reductions", () => {
    const x = tensor([[0.3, -1.2, 0.7, 0.1], [1.5, 0.2, -0.4, 0.9], [-0.6, 0.8, 1.1, -1.3]]);
    checkFiniteDifferences(([a]) => mul(logsumexp(a!, 1), std(a!, 1)), [x]);
    checkFiniteDifferences(([a]) => cumsum(mul(a!, norm(a!, 0, { keepdim: true, p: 3 })), 1, { reverse: true }), [x]);
    checkFiniteDifferences(([a]) => variance(prod(a!, 0), 0, { correction: 0 }), [x]);
  });
});

describe("reduction errors", () => {
  const x = zeros([2, 3]);
  it("names the op and the bad axis", () => {
    expect(() => sum(x, 2)).toThrow("sum: axis 2 is out of range for a tensor with 2 dimensions");
    expect(() => mean(x, [-3])).toThrow("mean: axis -3 is out of range for a tensor with 2 dimensions");
    expect(() => sum(x, [0, -2])).toThrow("sum: repeated axis in [0, -2]");
    expect(() => argmax(x, 1.5)).toThrow("argmax: axis 1.5 is out of range");
    expect(() => cumsum(x, 5)).toThrow("cumsum: axis 5 is out of range for a tensor with 2 dimensions");
  });

  it("rejects empty max/argmax and bad norm orders", () => {
    expect(() => amax(zeros([2, 0]), 1)).toThrow("amax: cannot reduce over an empty dimension of shape [2, 0] (axes [1])");
    expect(() => max(zeros([2, 0]), 1)).toThrow("max: cannot reduce over an empty dimension of shape [2, 0] (dim 1)");
    expect(() => argmin(zeros([0]))).toThrow("argmin: cannot take argmin of an empty tensor (shape [0])");
    expect(() => norm(x, 0, { p: 0 })).toThrow("norm: order p must be a positive number or Infinity, got 0");
  });
});

describe("reduce kernel: neighbouring reduced axes are merged, size-1 axes skipped", () => {
  // Naive reference over an explicit index walk, for any axes of a 4-D [a, b, c, d] input.
  const naive = (x: number[], shape: number[], axes: number[], op: (acc: number, v: number) => number, init: number): number[] => {
    const keep = shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const out = new Array<number>(keep.reduce((p, q) => p * q, 1)).fill(init);
    const [, b, c, d] = shape as [number, number, number, number];
    x.forEach((v, flat) => {
      const idx = [Math.floor(flat / (b * c * d)), Math.floor(flat / (c * d)) % b, Math.floor(flat / d) % c, flat % d];
      const o = idx.reduce((acc, ii, ax) => acc * keep[ax]! + (axes.includes(ax) ? 0 : ii), 0);
      out[o] = op(out[o]!, v);
    });
    return out;
  };
  const shapes = [[3, 2, 4, 5], [1, 3, 1, 4], [2, 1, 3, 1]];
  const axesList = [[0, 2, 3], [2, 3], [0, 1], [1, 3], [0, 1, 2, 3], [1], [0, 2]];
  for (const shape of shapes)
    it(`shape [${shape.join(", ")}]`, () => {
      const n = shape.reduce((p, q) => p * q, 1);
      const data = Array.from({ length: n }, (_, i) => ((i * 37) % 11) - 5 + i / 64);
      const x = tensor(data, { shape });
      for (const axes of axesList) {
        const label = `axes [${axes.join(", ")}]`;
        const got = (t: Tensor) => Array.from(t.dataSync());
        expect(got(sum(x, axes, { keepdim: true })), label).toEqual(naive(data, shape, axes, (a, v) => a + v, 0).map(Math.fround));
        expect(got(max(x, axes, { keepdim: true })), label).toEqual(naive(data, shape, axes, (a, v) => Math.max(a, v), -Infinity).map(Math.fround));
        const small = data.map((v) => 1 + v / 100);
        const p = got(prod(tensor(small, { shape }), axes, { keepdim: true }));
        naive(small, shape, axes, (a, v) => a * v, 1).forEach((want, i) => expect(Math.abs(p[i]! - want), label).toBeLessThan(1e-6 * Math.abs(want)));
      }
    });
});
