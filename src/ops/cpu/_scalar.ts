// Scalar math the CPU kernels need beyond Math: erf, round-half-to-even, Python-style remainder, the fused activations' gradients.

/** erf with ~1.2e-7 relative error (Numerical Recipes' Chebyshev erfc), ample for float32. */
export const erf = (x: number): number => {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
        t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
};

/** Rounds half to even, as torch.round does. */
export const roundHalfEven = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** Remainder with the sign of the divisor (torch.remainder, Python's %). */
export const remainder = (a: number, b: number): number => {
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
};

/** 1/√(2π), the standard normal density at 0. */
const INV_SQRT_2PI = 0.3989422804014327;

/** Exact GELU's derivative times g: g·(Φ(x) + x·φ(x)), with Φ from erf and φ the standard normal density. */
export const geluGrad = (x: number, g: number): number => g * (0.5 * (1 + erf(x * Math.SQRT1_2)) + x * Math.exp(-0.5 * x * x) * INV_SQRT_2PI);

/** SiLU's derivative times g: g·s·(1 + x·(1 − s)) with s = sigmoid(x). */
export const siluGrad = (x: number, g: number): number => {
  const s = 1 / (1 + Math.exp(-x));
  return g * s * (1 + x * (1 - s));
};

// GELU's tanh approximation, 0.5·x·(1 + tanh(u)) with u = √(2/π)·(x + 0.044715·x³), written as x·sigmoid(2u): the same
// function (1 + tanh(u) = 2·sigmoid(2u)), one exp instead of tanh (cheaper in V8), and no cancellation in 1 + tanh(u)
// for negative x. 2u = x·(GELU_TANH_C1 + GELU_TANH_C3·x²).
const GELU_TANH_C1 = 2 * Math.sqrt(2 / Math.PI);
const GELU_TANH_C3 = GELU_TANH_C1 * 0.044715;

/** GELU, tanh approximation (torch's gelu(approximate="tanh"), GPT-2's gelu_new): x·sigmoid(2u) = 0.5·x·(1 + tanh(u)). */
export const geluTanh = (x: number): number => x / (1 + Math.exp(-x * (GELU_TANH_C1 + GELU_TANH_C3 * x * x)));

/**
 * The tanh-approximate GELU's derivative times g (torch's gelu_backward(g, x, approximate="tanh")): with s = sigmoid(2u),
 * 0.5·(1 + tanh u) = s and 0.5·x·(1 − tanh² u)·u′ = 2·x·s·(1 − s)·u′, u′ = √(2/π)·(1 + 3·0.044715·x²).
 */
export const geluTanhGrad = (x: number, g: number): number => {
  const x2 = x * x;
  const s = 1 / (1 + Math.exp(-x * (GELU_TANH_C1 + GELU_TANH_C3 * x2)));
  return g * s * (1 + x * (1 - s) * (GELU_TANH_C1 + 3 * GELU_TANH_C3 * x2));
};
