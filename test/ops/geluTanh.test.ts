// GELU's tanh approximation as one fused primitive (geluTanh, its gradient geluTanhGrad): values, gradients and second
// derivatives against torch 1.13 (test/fixtures/gen_gelu_tanh.py) and against the composition it replaces; test/gpu/geluTanh.test.ts: WebGPU.
import { describe, expect, it } from "vitest";
import { add, cpuDevice, gelu, geluTanhGrad, grad, key, mul, pow, randn, split, sum, tanh, tensor, type Tensor } from "../../src/index.js";
import { checkFiniteDifferences, expectClose } from "../_harness.js";
import { derivatives, fx, geluTanh, type Derivatives } from "./_geluTanh.js";

// The fused kernels compute in float64 and round once, so they meet torch's float64 values to float32 rounding (the atol
// covers float64's own cancellation in 1 + tanh(u) near x = −7, where the value is ~1e-15). torch's float32 kernels round
// after every step and lose digits for negative x (−2.98e-7 instead of −2.29e-7 at x = −5): within 1e-6 of them.
// The second derivative in x comes from the VJP, a composition of float32 ops.
const tolerances: Record<keyof Derivatives, { f64: { atol: number; rtol: number }; f32: { atol: number; rtol: number } }> = {
  y: { f64: { atol: 1e-14, rtol: 1.2e-7 }, f32: { atol: 1e-6, rtol: 1e-6 } },
  dx: { f64: { atol: 1e-14, rtol: 1.2e-7 }, f32: { atol: 1e-6, rtol: 1e-6 } },
  d2x: { f64: { atol: 2e-7, rtol: 1e-5 }, f32: { atol: 1e-6, rtol: 1e-5 } },
  // d/dc of dx·v is h(x)·v: geluTanhGrad(x, v), one rounding again.
  d2c: { f64: { atol: 1e-14, rtol: 1.2e-7 }, f32: { atol: 1e-6, rtol: 1e-6 } },
};

describe("gelu(x, { approximate: 'tanh' }) on the CPU matches torch", () => {
  const got = derivatives(cpuDevice);
  for (const k of ["y", "dx", "d2x", "d2c"] as const) {
    it(`${k} against torch's float64 (rounded once) and float32 kernels`, () => {
      expectClose(got[k], fx.float64[k], tolerances[k].f64, `${k} vs float64`);
      expectClose(got[k], fx.float32[k], tolerances[k].f32, `${k} vs float32`);
    });
  }
});

// The composition gelu(approximate: "tanh") and GPT's gelu_new were before the fused primitive (8 ops, 12 for the VJP).
const composite = (v: Tensor): Tensor => mul(mul(v, 0.5), add(tanh(mul(add(v, mul(pow(v, 3), 0.044715)), Math.sqrt(2 / Math.PI))), 1));

describe("the fused tanh-approximate GELU", () => {
  const [k1, k2, k3] = split(key(7), 3);
  const xs = mul(randn(k1!, [5, 7]), 3);
  it("equals the composition it replaces, with its gradients and second derivatives", () => {
    expectClose(geluTanh(xs), composite(xs), { atol: 1e-6, rtol: 1e-6 }, "value");
    const cot = randn(k2!, [5, 7]);
    const d1 = (f: (v: Tensor) => Tensor) => grad((v: Tensor) => sum(mul(f(v), cot)))(xs);
    expectClose(d1(geluTanh), d1(composite), { atol: 1e-6, rtol: 1e-5 }, "gradient");
    const d2 = (f: (v: Tensor) => Tensor) => grad((v: Tensor) => sum(grad((w: Tensor) => sum(f(w)))(v)))(xs);
    expectClose(d2(geluTanh), d2(composite), { atol: 1e-5, rtol: 1e-4 }, "second derivative");
  });
  it("geluTanhGrad agrees with finite differences in both operands, and its own VJP twice over", () => {
    const xv = randn(k3!, [4, 3]);
    const c = randn(k2!, [4, 3]);
    checkFiniteDifferences(([a, b]) => geluTanhGrad(a!, b!), [xv, c]);
    // Third derivative: the VJP of geluTanhGrad's VJP (a tanhGrad of a composition) is differentiable too.
    checkFiniteDifferences(([a]) => grad((w: Tensor) => sum(mul(geluTanhGrad(w, c), c)))(a!), [xv]);
  });
  it("at the edges: ±inf and NaN as torch; huge finite x saturates where torch's float32 overflows", () => {
    // torch: gelu(inf) = inf, gelu(−inf) = −inf·0 = NaN, and gelu_backward is NaN at ±inf (inf·0).
    const edge = tensor([Infinity, -Infinity, NaN, 1e20, -1e20, 0]);
    expect(Array.from(geluTanh(edge).dataSync())).toEqual([Infinity, NaN, NaN, Math.fround(1e20), -0, 0]);
    // At |x| = 1e20 torch's float32 kernel squares x into inf and returns NaN; the float64 kernel gives the limits 1 and 0.
    expect(Array.from(geluTanhGrad(edge, tensor([1, 1, 1, 2, 2, 2])).dataSync())).toEqual([NaN, NaN, NaN, 2, -0, 1]);
  });
  it("integer operands compute in float32; bad operands are named", () => {
    expect(geluTanhGrad(tensor([0, 1], { dtype: "int32" }), tensor([2, 2], { dtype: "int32" })).dtype).toBe("float32");
    expect(() => geluTanhGrad(tensor([1, 2]), tensor([1, 2, 3]))).toThrow("geluTanhGrad");
    expect(() => gelu(tensor([1, 2], { dtype: "int32" }), { approximate: "tanh" })).toThrow("gelu");
  });
});
