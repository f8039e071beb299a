// Elementwise ops, where and clamp against PyTorch fixtures (values, dtypes, gradients), plus finite differences and errors.
import { describe, expect, it } from "vitest";
import {
  Tensor, tensor, arange, grad, sum, mul,
  neg, abs, sign, exp, log, log1p, expm1, sqrt, rsqrt, sin, cos, tanh, sigmoid, erf, relu, floor, ceil, round,
  square, reciprocal, logicalNot, add, sub, div, pow, maximum, minimum, remainder, atan2,
  eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, where, clamp, cast, type TensorLike,
} from "../../src/index.js";
import { loadCases, checkCase, fromJson, checkFiniteDifferences, expectClose, type Case, type OpRunner } from "../_harness.js";

const cases = loadCases("core");
const group = (prefix: string): Case[] => cases.filter((c) => c.op.startsWith(prefix));

/** checkCase plus the output dtype, which checkCase does not compare. */
const runCase = (c: Case, run: OpRunner): void => {
  checkCase(c, run);
  expect(run(c.inputs.map(fromJson), c.params).dtype, `${c.name} dtype`).toBe(c.output.dtype);
};

const unaryFns: Record<string, (x: Tensor) => Tensor> = {
  neg, abs, sign, exp, log, log1p, expm1, sqrt, rsqrt, sin, cos, tanh, sigmoid, erf, relu, floor, ceil, round,
  square, reciprocal, logicalNot,
};
const binaryFns: Record<string, (a: TensorLike, b: TensorLike) => Tensor> = {
  add, sub, mul, div, pow, maximum, minimum, remainder, atan2, eq, ne, lt, le, gt, ge, logicalAnd, logicalOr,
};
const fnName = (c: Case) => c.op.split(".")[1]!;

describe("unary ops vs PyTorch", () => {
  for (const c of group("unary."))
    it(c.name, () => runCase(c, ([x]) => unaryFns[fnName(c)]!(x!)));
});

describe("binary ops vs PyTorch (broadcasting, promotion, scalars)", () => {
  for (const c of group("binary."))
    it(c.name, () =>
      runCase(c, (xs, p) => {
        const f = binaryFns[fnName(c)]!;
        if (p.scalar === undefined) return f(xs[0]!, xs[1]!);
        const s = p.scalar as number | boolean;
        return p.side === "left" ? f(s, xs[0]!) : f(xs[0]!, s);
      }),
    );
});

describe("where and clamp vs PyTorch", () => {
  for (const c of [...group("where."), ...group("clamp.")])
    it(c.name, () =>
      runCase(c, (xs, p) => {
        if (c.op === "where.where") return where(xs[0]!, xs[1]!, p.b !== undefined ? (p.b as number) : xs[2]!);
        return clamp(xs[0]!, { min: p.min as number | undefined, max: p.max as number | undefined });
      }),
    );
});

describe("elementwise semantics", () => {
  it("ReLU of the curriculum's matrix", () => {
    expect(relu(tensor([[1, -1.5], [-2.5, 3]])).tolist()).toEqual([[1, 0], [0, 3]]);
  });

  it("the gradient of sum(2·x·x) at arange(4) is [0, 4, 8, 12]", () => {
    const g = grad((x: Tensor) => sum(mul(mul(x, x), 2)))(arange(4, undefined, 1, { dtype: "float32" }));
    expect(g.tolist()).toEqual([0, 4, 8, 12]);
    expect(g.dtype).toBe("float32");
  });

  it("comparisons give bool and division of ints gives float", () => {
    expect(lt(tensor([1, 2]), 2).dtype).toBe("bool");
    expect(div(tensor([7, 6], { dtype: "int32" }), 2).tolist()).toEqual([3.5, 3]);
    expect(add(tensor([1], { dtype: "int32" }), 2).dtype).toBe("int32");
    expect(add(2, 3).tolist()).toBe(5);
  });

  it("int32 products wrap like int32 arithmetic", () => {
    const big = tensor([2147483647, 65536], { dtype: "int32" });
    expect(mul(big, big).tolist()).toEqual([1, 0]);
  });

  it("sign of NaN is 0 and NaN is true", () => {
    expect(sign(tensor([NaN, -0])).tolist()).toEqual([0, 0]);
    expect(cast(tensor([NaN, 0, -0.5]), "bool").tolist()).toEqual([true, false, true]);
    expect(logicalNot(tensor([NaN, 0, -0])).tolist()).toEqual([false, true, true]);
    expect(logicalAnd(tensor([NaN, NaN]), tensor([1, 0])).tolist()).toEqual([true, false]);
  });

  it("pow gradients at base 0: exponent gradient 0 for exponent ≥ 0, base gradient 0 for exponent 0", () => {
    const [ga, gb] = grad(([a, b]: Tensor[]) => sum(pow(a!, b!)))([tensor([0, 0, 0, 2]), tensor([0, 1, 2, 3])]);
    expect(ga!.tolist()).toEqual([0, 1, 0, 12]);
    expectClose(gb!, tensor([0, 0, 0, 8 * Math.log(2)]));
  });

  it("maximum/minimum ties split the gradient", () => {
    const [ga, gb] = grad(([a, b]: Tensor[]) => sum(maximum(a!, b!)))([tensor([1, 2, 3]), tensor([1, 3, 2])]);
    expect(ga!.tolist()).toEqual([0.5, 0, 1]);
    expect(gb!.tolist()).toEqual([0.5, 1, 0]);
  });

  it("relu'(0) = 0 and clamp passes the gradient at its bounds", () => {
    expect(grad((x: Tensor) => sum(relu(x)))(tensor([-1, 0, 2])).tolist()).toEqual([0, 0, 1]);
    const g = grad((x: Tensor) => sum(clamp(x, { min: -1, max: 1 })))(tensor([-2, -1, 0, 1, 2]));
    expect(g.tolist()).toEqual([0, 1, 1, 1, 0]);
  });

  it("inputs are not modified", () => {
    const a = tensor([1, -2, 3]);
    const before = Array.from(a.dataSync());
    where(gt(a, 0), a, 0);
    grad((x: Tensor) => sum(mul(exp(x), x)))(a);
    expect(Array.from(a.dataSync())).toEqual(before);
  });

  it("finite differences through a composed function", () => {
    const x = tensor([[0.3, -1.2, 0.7], [1.5, 0.2, -0.4]]);
    const y = tensor([0.5, 1.25, -0.75]);
    checkFiniteDifferences(
      ([a, b]) => add(mul(tanh(a!), sigmoid(b!)), div(sin(mul(a!, b!)), add(exp(b!), 1))),
      [x, y],
    );
    checkFiniteDifferences(([a]) => pow(add(abs(a!), 0.5), 1.5), [x]);
    checkFiniteDifferences(([a, b]) => atan2(a!, add(b!, 2)), [x, y]);
  });
});

describe("elementwise errors", () => {
  it("names the op and both shapes on a broadcast mismatch", () => {
    expect(() => add(tensor([[1, 2, 3]]), tensor([1, 2]))).toThrow(
      "add: shapes [1, 3] and [2] cannot be broadcast together (dimension 1: 3 vs 2)",
    );
    expect(() => remainder(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(/^remainder: shapes \[3\] and \[2\]/);
    expect(() => where(tensor([true, false]), tensor([1, 2, 3]), 0)).toThrow(/^where: shapes \[2\] and \[3\]/);
  });

  it("rejects non-tensor operands and bad arguments", () => {
    expect(() => add(tensor([1]), "2" as unknown as number)).toThrow("add: expected a tensor, number or boolean, got string 2");
    expect(() => exp([1, 2] as unknown as Tensor)).toThrow("exp: expected a tensor, got an array (wrap it with tensor())");
    expect(() => where(tensor([1, 0]), 1, 0)).toThrow("where: condition must be a bool tensor, got float32 (shape [2])");
    expect(() => clamp(tensor([1]), {})).toThrow("clamp: at least one of min and max must be given");
    expect(() => cast(tensor([1]), "float64" as "float32")).toThrow('cast: unknown dtype "float64"');
  });

  it("rejects what PyTorch rejects on bools and integer powers", () => {
    const m = tensor([true, false]);
    expect(() => neg(m)).toThrow("neg: bool tensors are not supported; use logicalNot to invert a mask");
    expect(() => sub(m, m)).toThrow(/^sub: subtracting bool tensors is not supported/);
    expect(() => pow(tensor([2], { dtype: "int32" }), -1)).toThrow("pow: integers to negative integer powers are not allowed (exponent -1)");
  });
});
