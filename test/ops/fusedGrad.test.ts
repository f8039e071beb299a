// The fused activations and gradients (gelu, silu; sigmoidGrad, tanhGrad, reluGrad, geluGrad, siluGrad) against the unfused
// formulas they replace, their own gradients (double backward), and the branchless relu/where/comparison kernels' edge values.
import { describe, expect, it } from "vitest";
import {
  add, grad, gt, key, mul, randn, relu, reluGrad, sigmoid, sigmoidGrad, split, sub, sum, tanh, tanhGrad, tensor, where,
  eq, lt, logicalAnd, logicalNot, logicalOr, sign, gelu, silu, geluGrad, siluGrad, erf, type Tensor,
} from "../../src/index.js";
import { checkFiniteDifferences, expectClose } from "../_harness.js";

const [k1, k2, k3] = split(key(11), 3);
// Random values plus the edge cases: zeros of both signs, infinities, NaN, and values near sigmoid's/tanh's saturation.
const edges = [0, -0, Infinity, -Infinity, NaN, 1, -1, 20, -20, 1e-30, -1e-30];
const withEdges = (k: typeof k1, n: number): Tensor => {
  const r = randn(k!, [n]).dataSync();
  return tensor([...edges, ...Array.from(r, (v) => v * 3)]);
};
const x = withEdges(k1, 200);
const g = withEdges(k2, 200);

/** Elementwise values as numbers, NaN kept. */
const vals = (t: Tensor): number[] => Array.from(t.dataSync());

describe("fused activation gradients equal the unfused formulas", () => {
  // The fused kernel rounds once (to float32 at the end); the unfused chain rounds after every op, which near y = ±1
  // loses digits to cancellation in 1 − y². So: within float32 rounding of the float64 formula, and close to the chain.
  const f64 = (y: Tensor, f: (y: number, g: number) => number): Tensor => {
    const yv = vals(y), gv = vals(g);
    return tensor(yv.map((v, i) => f(v, gv[i]!)));
  };
  it("sigmoidGrad(y, g) = g·y·(1 − y)", () => {
    const y = sigmoid(x);
    expectClose(sigmoidGrad(y, g), f64(y, (v, gi) => gi * (1 - v) * v), { atol: 0, rtol: 1.2e-7 }, "sigmoidGrad vs float64");
    expectClose(sigmoidGrad(y, g), mul(g, mul(y, sub(1, y))), { atol: 1e-6, rtol: 1e-6 }, "sigmoidGrad vs unfused");
  });
  it("tanhGrad(y, g) = g·(1 − y²)", () => {
    const y = tanh(x);
    expectClose(tanhGrad(y, g), f64(y, (v, gi) => gi * (1 - v * v)), { atol: 0, rtol: 1.2e-7 }, "tanhGrad vs float64");
    expectClose(tanhGrad(y, g), mul(g, sub(1, mul(y, y))), { atol: 1e-5, rtol: 1e-5 }, "tanhGrad vs unfused");
  });
  it("reluGrad(x, g) is exactly where(x > 0, g, 0), NaN and infinite gradients included", () => {
    expect(vals(reluGrad(x, g))).toEqual(vals(where(gt(x, 0), g, 0)));
    // Gradients that are NaN or infinite where x ≤ 0 give 0 (a multiply by the mask would give NaN).
    expect(vals(reluGrad(tensor([-1, 0, -0, NaN, 2, 3]), tensor([NaN, Infinity, -Infinity, 5, NaN, -Infinity]))))
      .toEqual([0, 0, 0, 0, NaN, -Infinity]);
  });
  it("broadcast operands, and scalars, take the general path with the same results", () => {
    const y = sigmoid(randn(k3!, [3, 1]));
    const gg = randn(k3!, [4]);
    expectClose(sigmoidGrad(y, gg), mul(gg, mul(y, sub(1, y))), { atol: 1e-7, rtol: 1e-6 }, "broadcast");
    expect(vals(reluGrad(tensor([[-1], [2]]), tensor([3, 4])))).toEqual([0, 0, 3, 4]);
    expect(vals(reluGrad(tensor([-1, 2, 0.5]), 7))).toEqual([0, 7, 7]);
  });
  it("sigmoidGrad and tanhGrad of integers compute in float32, reluGrad keeps int32", () => {
    expect(sigmoidGrad(tensor([1, 2], { dtype: "int32" }), tensor([1, 1], { dtype: "int32" })).dtype).toBe("float32");
    const r = reluGrad(tensor([-1, 2], { dtype: "int32" }), tensor([5, 6], { dtype: "int32" }));
    expect([r.dtype, vals(r)]).toEqual(["int32", [0, 6]]);
  });
  it("rejects bad operands by name", () => {
    expect(() => sigmoidGrad([1] as unknown as Tensor, g)).toThrow("sigmoidGrad: expected a tensor, number or boolean, got an array");
    expect(() => tanhGrad(tensor([1, 2]), tensor([1, 2, 3]))).toThrow("tanhGrad");
  });
});

describe("activations' gradients through the fused ops", () => {
  const xs = randn(k3!, [5, 7]);
  it("first derivatives match the closed forms", () => {
    const s = vals(sigmoid(xs)), t = vals(tanh(xs)), xv = vals(xs);
    expectClose(grad((v: Tensor) => sum(sigmoid(v)))(xs), tensor(s.map((y) => y * (1 - y)), { shape: [5, 7] }), {}, "sigmoid'");
    expectClose(grad((v: Tensor) => sum(tanh(v)))(xs), tensor(t.map((y) => 1 - y * y), { shape: [5, 7] }), {}, "tanh'");
    expect(vals(grad((v: Tensor) => sum(relu(v)))(xs))).toEqual(xv.map((v) => (v > 0 ? 1 : 0)));
  });
  it("second derivatives (double backward) match the closed forms", () => {
    const s = vals(sigmoid(xs)), t = vals(tanh(xs));
    const d2 = (f: (v: Tensor) => Tensor) => grad((v: Tensor) => sum(grad((w: Tensor) => sum(f(w)))(v)))(xs);
    // σ'' = σ(1 − σ)(1 − 2σ); tanh'' = −2·tanh·(1 − tanh²); relu'' = 0.
    expectClose(d2(sigmoid), tensor(s.map((y) => y * (1 - y) * (1 - 2 * y)), { shape: [5, 7] }), { atol: 1e-6, rtol: 1e-4 }, "sigmoid''");
    expectClose(d2(tanh), tensor(t.map((y) => -2 * y * (1 - y * y)), { shape: [5, 7] }), { atol: 1e-6, rtol: 1e-4 }, "tanh''");
    expect(vals(d2(relu))).toEqual(new Array(35).fill(0));
  });
  it("the fused ops' own gradients agree with finite differences in both operands", () => {
    const y = sigmoid(randn(k1!, [4, 3]));
    const c = randn(k2!, [4, 3]);
    checkFiniteDifferences(([a, b]) => sigmoidGrad(a!, b!), [y, c]);
    checkFiniteDifferences(([a, b]) => tanhGrad(a!, b!), [tanh(y), c]);
    // relu's mask is piecewise constant in x; keep x away from 0 so the finite difference does not cross the kink.
    checkFiniteDifferences(([b]) => reluGrad(add(y, 0.5), b!), [c]);
    checkFiniteDifferences(([b]) => reluGrad(sub(y, 2), b!), [c]);
  });
});

describe("branchless CPU kernels keep the ternaries' semantics", () => {
  it("relu keeps NaN, maps -0 and -inf to 0", () => {
    const r = vals(relu(tensor([NaN, -0, 0, -Infinity, Infinity, -1.5, 2.5])));
    expect(r).toEqual([NaN, 0, 0, 0, Infinity, 0, 2.5]);
    expect(Object.is(r[1], 0)).toBe(true); // +0, as the ternary gives
  });
  it("where selects bit-exactly across shapes, scalars and dtypes", () => {
    const c = tensor([true, false, true, false]);
    expect(vals(where(c, tensor([NaN, 1, -0, 3]), tensor([5, -Infinity, 7, NaN])))).toEqual([NaN, -Infinity, -0, NaN]);
    expect(vals(where(c, 1, tensor([5, 6, 7, 8])))).toEqual([1, 6, 1, 8]);
    expect(vals(where(tensor([true]), tensor([1, 2]), 0))).toEqual([1, 2]);
    expect(vals(where(c, tensor([1, 2, 3, 4], { dtype: "int32" }), -2147483648))).toEqual([1, -2147483648, 3, -2147483648]);
    expect(where(c, tensor([true, true, false, false]), false).tolist()).toEqual([true, false, false, false]);
    // Broadcasting that is neither elementwise nor scalar still goes through the general path.
    expect(vals(where(tensor([[true], [false]]), tensor([1, 2]), tensor([[3], [4]])))).toEqual([1, 2, 4, 4]);
  });
  it("comparisons, sign and the logical ops on NaN, ±0 and ±inf", () => {
    const a = tensor([NaN, 0, -0, Infinity, -Infinity, 1]);
    const b = tensor([NaN, -0, 0, Infinity, 1, NaN]);
    expect(eq(a, b).tolist()).toEqual([false, true, true, true, false, false]);
    expect(lt(a, b).tolist()).toEqual([false, false, false, false, true, false]);
    expect(vals(sign(a))).toEqual([0, 0, 0, 1, -1, 1]);
    expect(logicalAnd(a, b).tolist()).toEqual([true, false, false, true, true, true]);
    expect(logicalOr(a, tensor([0, 0, 0, 0, 0, 0])).tolist()).toEqual([true, false, false, true, true, true]);
    expect(logicalNot(a).tolist()).toEqual([false, true, true, false, false, false]);
  });
});

// The compositions gelu and silu were before they became fused primitives (their values were checked against PyTorch).
const geluComposite = (v: Tensor): Tensor => mul(mul(v, 0.5), add(erf(mul(v, Math.SQRT1_2)), 1));
const siluComposite = (v: Tensor): Tensor => mul(v, sigmoid(v));

describe("fused gelu and silu equal their compositions", () => {
  const xs = mul(randn(k1!, [6, 9]), 3);
  for (const [name, fused, composite] of [["gelu", gelu, geluComposite], ["silu", silu, siluComposite]] as const) {
    it(`${name}: values, edge values included`, () => {
      expectClose(fused(x), composite(x), { atol: 1e-6, rtol: 1e-6 }, name);
    });
    it(`${name}: gradients and second derivatives`, () => {
      const cot = randn(k2!, [6, 9]);
      const d1 = (f: (v: Tensor) => Tensor) => grad((v: Tensor) => sum(mul(f(v), cot)))(xs);
      expectClose(d1(fused), d1(composite), { atol: 1e-6, rtol: 1e-5 }, `${name}'`);
      const d2 = (f: (v: Tensor) => Tensor) => grad((v: Tensor) => sum(grad((w: Tensor) => sum(f(w)))(v)))(xs);
      expectClose(d2(fused), d2(composite), { atol: 1e-5, rtol: 1e-4 }, `${name}''`);
    });
  }
  it("geluGrad and siluGrad agree with finite differences in both operands", () => {
    const c = randn(k2!, [4, 3]);
    const xv = randn(k3!, [4, 3]);
    checkFiniteDifferences(([a, b]) => geluGrad(a!, b!), [xv, c]);
    checkFiniteDifferences(([a, b]) => siluGrad(a!, b!), [xv, c]);
  });
  it("geluGrad and siluGrad at the edges", () => {
    // gelu′(0) = silu′(0) = 1/2; both tend to 1 for large x and to 0 for very negative x; at +inf gelu′ is x·φ(x) = inf·0,
    // NaN, as PyTorch's gelu_backward computes it.
    expectClose(geluGrad(tensor([Infinity, 0, 40, -40]), tensor([1, 1, 2, 2])), tensor([NaN, 0.5, 2, 0]), { atol: 1e-7, rtol: 1e-6 }, "geluGrad");
    expectClose(siluGrad(tensor([0, 40, -40]), tensor([1, 2, 2])), tensor([0.5, 2, 0]), { atol: 1e-7, rtol: 1e-6 }, "siluGrad");
  });
});
