// Reverse-mode autodiff: grad/valueAndGrad over pytrees, hasAux, accumulation, stopGradient, grad of grad, deep graphs, errors.
import { describe, expect, it } from "vitest";
import {
  Tensor, tensor, scalar, arange, grad, valueAndGrad, stopGradient, detach,
  add, mul, sub, div, exp, tanh, sin, sum, mean, matmul, relu, logsumexp, pow, where, gt,
} from "../../src/index.js";
import { checkFiniteDifferences, expectClose } from "../_harness.js";

const cube = (x: Tensor) => sum(mul(mul(x, x), x));

describe("grad and valueAndGrad", () => {
  it("the curriculum example: d/dx sum(2·x·x) at arange(4) = [0, 4, 8, 12]", () => {
    const x = arange(4, undefined, 1, { dtype: "float32" });
    expect(grad((t: Tensor) => sum(mul(mul(t, t), 2)))(x).tolist()).toEqual([0, 4, 8, 12]);
  });

  it("returns gradients in the same nested structure (records and arrays)", () => {
    const params = { layer: { w: tensor([[1, 2], [3, 4]]), b: tensor([0.5, -0.5]) }, scales: [tensor(2), tensor(3)] };
    const x = tensor([1, -1]);
    const loss = (p: typeof params, input: Tensor) =>
      sum(mul(add(matmul(p.layer.w, input), p.layer.b), mul(p.scales[0]!, p.scales[1]!)));
    const [value, g] = valueAndGrad(loss)(params, x);
    // w·x + b = [-1 + 0.5, -1 - 0.5] = [-0.5, -1.5]; times 6 summed = -12.
    expect(value.item()).toBe(-12);
    expect(Object.keys(g)).toEqual(["layer", "scales"]);
    expect(g.layer.w.tolist()).toEqual([[6, -6], [6, -6]]);
    expect(g.layer.b.tolist()).toEqual([6, 6]);
    expect(g.scales.map((s) => s.item())).toEqual([-6, -4]);
    expect(value.requiresGrad).toBe(false);
    expect(g.layer.w.requiresGrad).toBe(false);
  });

  it("hasAux passes auxiliary values through, detached", () => {
    const f = (x: Tensor) => {
      const y = mul(x, x);
      return [sum(y), { y, note: "squares" }] as const;
    };
    const [g, aux] = grad(f, { hasAux: true })(tensor([1, 2]));
    expect(g.tolist()).toEqual([2, 4]);
    expect(aux.y.tolist()).toEqual([1, 4]);
    expect(aux.y.requiresGrad).toBe(false);
    expect(aux.note).toBe("squares");
    const [[v, a], g2] = valueAndGrad(f, { hasAux: true })(tensor([3]));
    expect([v.item(), a.y.item(), g2.item()]).toEqual([9, 9, 6]);
  });

  it("accumulates where a tensor is used more than once (x·x, shared subexpressions, diamonds)", () => {
    expect(grad((x: Tensor) => sum(mul(x, x)))(tensor([3])).tolist()).toEqual([6]);
    // s = exp(x) feeds both branches of a diamond: d/dx (s·s + 2s) = (2s + 2)·s.
    const g = grad((x: Tensor) => {
      const s = exp(x);
      return sum(add(mul(s, s), mul(s, 2)));
    })(tensor([0, 1]));
    expectClose(g, tensor([4, (2 * Math.E + 2) * Math.E]));
    // A pytree with the same tensor twice gets two separate (equal) gradients.
    const t = tensor([2]);
    const g2 = grad((p: { a: Tensor; b: Tensor }) => sum(mul(p.a, p.b)))({ a: t, b: t });
    expect([g2.a.item(), g2.b.item()]).toEqual([2, 2]);
  });

  it("mean's gradient is 1/n", () => {
    expect(grad((x: Tensor) => mean(x))(tensor([1, 2, 3, 4])).tolist()).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it("unused inputs get zeros of their shape", () => {
    const g = grad((p: { used: Tensor; unused: Tensor }) => sum(p.used))({ used: tensor([1, 2]), unused: tensor([[1, 2, 3]]) });
    expect(g.unused.tolist()).toEqual([[0, 0, 0]]);
    expect(grad((_x: Tensor) => scalar(1))(tensor([5])).tolist()).toEqual([0]);
  });

  it("closes over tensors that do not depend on the inputs", () => {
    const w = tensor([1, 2, 3]);
    const shift = exp(tensor([0, 0, 0]));
    const g = grad((x: Tensor) => sum(mul(add(x, shift), w)))(tensor([0, 0, 0]));
    expect(g.tolist()).toEqual([1, 2, 3]);
    expect(w.requiresGrad || shift.requiresGrad).toBe(false);
  });

  it("stopGradient/detach block the gradient", () => {
    const g = grad((x: Tensor) => sum(mul(x, stopGradient(x))))(tensor([3, 4]));
    expect(g.tolist()).toEqual([3, 4]);
    const g2 = grad((x: Tensor) => sum(add(detach(mul(x, 10)), x)))(tensor([1]));
    expect(g2.tolist()).toEqual([1]);
  });

  it("grad of grad: d²/dx² x³ = 6x, and through exp and tanh", () => {
    const d1 = grad(cube);
    const d2 = grad((x: Tensor) => sum(d1(x)));
    expect(d2(tensor([1, 2, -3])).tolist()).toEqual([6, 12, -18]);
    const d3 = grad((x: Tensor) => sum(d2(x)));
    expect(d3(tensor([1, 2])).tolist()).toEqual([6, 6]);
    // d²/dx² exp(2x) = 4·exp(2x); d²/dx² tanh x = -2·tanh x·(1 - tanh² x).
    expectClose(grad((x: Tensor) => sum(grad((y: Tensor) => sum(exp(mul(y, 2))))(x)))(tensor([0, 0.5])), tensor([4, 4 * Math.E]));
    const t = Math.tanh(0.7);
    expectClose(grad((x: Tensor) => sum(grad((y: Tensor) => sum(tanh(y)))(x)))(tensor([0.7])), tensor([-2 * t * (1 - t * t)]));
  });

  it("valueAndGrad inside grad keeps the value connected", () => {
    // f(x) = x³ + d(x³)/dx = x³ + 3x², whose gradient 3x² + 6x is 24 at x = 2.
    const g = grad((x: Tensor) => {
      const [v, dx] = valueAndGrad(cube)(x);
      return add(v, sum(dx));
    })(tensor([2]));
    expect(g.tolist()).toEqual([24]);
  });

  it("a deep graph (10,000 chained adds) does not overflow the stack", () => {
    const g = grad((x: Tensor) => {
      let y = x;
      for (let i = 0; i < 10_000; i++) y = add(y, 1e-4);
      return sum(mul(y, x));
    })(tensor([1]));
    expectClose(g, tensor([3]));
  });

  it("does not mutate its inputs", () => {
    const params = { w: tensor([1, 2]), nested: [tensor([3])] };
    const snapshot = JSON.stringify({ w: params.w.tolist(), n: params.nested[0]!.tolist() });
    const keys = Object.keys(params);
    grad((p: typeof params) => sum(mul(exp(p.w), p.nested[0]!)))(params);
    expect(JSON.stringify({ w: params.w.tolist(), n: params.nested[0]!.tolist() })).toBe(snapshot);
    expect(Object.keys(params)).toEqual(keys);
    expect(params.w.requiresGrad).toBe(false);
  });

  it("finite differences on a composed function", () => {
    const w = tensor([[0.3, -1.2, 0.7], [1.5, 0.2, -0.4]]);
    const x = tensor([[0.5], [1.25], [-0.75]]);
    checkFiniteDifferences(
      ([a, b]) => logsumexp(add(relu(matmul(a!, b!)), div(sin(a!), add(pow(b!, 2).T, 1))), 1),
      [w, x],
    );
    checkFiniteDifferences(([a]) => where(gt(a!, 0), mul(a!, a!), sub(exp(a!), 1)), [w]);
  });
});

describe("autodiff errors", () => {
  it("rejects non-scalar losses and non-tensor results", () => {
    expect(() => grad((x: Tensor) => mul(x, 2))(tensor([1, 2]))).toThrow(
      "grad: the function must return a scalar (one-element) tensor, got shape [2]",
    );
    expect(() => valueAndGrad((() => 3) as unknown as (x: Tensor) => Tensor)(tensor([1]))).toThrow(
      "valueAndGrad: the function must return a tensor, got number",
    );
    expect(() => grad((x: Tensor) => [sum(x), 1] as unknown as Tensor)(tensor([1]))).toThrow("grad: the function must return a tensor");
    expect(() => grad(((x: Tensor) => sum(x)) as never, { hasAux: true })(tensor([1]))).toThrow(
      "grad: with hasAux the function must return [loss, aux], got a tensor",
    );
    expect(() => grad((x: Tensor) => sum(gt(x, 0)))(tensor([1]))).toThrow("grad: the function must return a float32 tensor, got int32");
  });

  it("rejects integer parameters, naming their path", () => {
    const params = { features: [{ weight: tensor([1]) }, { weight: tensor([1], { dtype: "int32" }) }] };
    expect(() => grad((p: typeof params) => sum(p.features[0]!.weight))(params)).toThrow(
      "grad: can only differentiate with respect to float32 tensors, but features.1.weight is int32 (shape [1])",
    );
    expect(() => grad((x: Tensor) => sum(x))(tensor([true]))).toThrow("but the argument is bool");
  });
});

