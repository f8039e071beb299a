// Scalar math the CPU kernels need beyond Math: erf, round-half-to-even, Python-style remainder.

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
