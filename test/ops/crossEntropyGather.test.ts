// crossEntropy without class weights gathers the target's log-prob; with weights it selects by a one-hot mask. Both
// paths must agree (values and gradients), including ignored positions, extra dimensions and -inf logits.
import { describe, expect, it } from "vitest";
import { crossEntropy, grad, key, ones, randn, split, tensor, type Tensor } from "../../src/index.js";
import { expectClose } from "../_harness.js";

const [kx, kd] = split(key(3));

describe("crossEntropy's gather path equals the masked path", () => {
  const cases: [string, Tensor, Tensor, number][] = [
    ["[N, C]", randn(kx!, [6, 5]), tensor([0, 4, 2, 2, 1, 3], { dtype: "int32" }), 5],
    ["[N, C, d] with ignored positions", randn(kd!, [2, 4, 3]), tensor([[1, -100, 3], [0, 2, -100]], { dtype: "int32" }), 4],
  ];
  for (const [name, x, t, c] of cases)
    for (const reduction of ["mean", "sum", "none"] as const)
      it(`${name}, reduction ${reduction}`, () => {
        const plain = (v: Tensor) => crossEntropy(v, t, { reduction, ignoreIndex: -100 });
        const masked = (v: Tensor) => crossEntropy(v, t, { reduction, ignoreIndex: -100, weight: ones([c]) });
        expectClose(plain(x), masked(x), { atol: 1e-6, rtol: 1e-6 }, "value");
        const sumOf = (f: (v: Tensor) => Tensor) => (v: Tensor) => f(v).sum();
        expectClose(grad(sumOf(plain))(x), grad(sumOf(masked))(x), { atol: 1e-7, rtol: 1e-6 }, "grad");
      });
  it("an ignored row whose class 0 is -inf stays finite in value and gradient", () => {
    const x = tensor([[-Infinity, 1, 2], [0.5, -1, 3]]);
    const t = tensor([-100, 2], { dtype: "int32" });
    const loss = crossEntropy(x, t);
    expect(Number.isFinite(loss.item())).toBe(true);
    const g = Array.from(grad((v: Tensor) => crossEntropy(v, t))(x).dataSync());
    expect(g.slice(0, 3)).toEqual([0, 0, 0]);
    expect(g.every(Number.isFinite)).toBe(true);
  });
});
