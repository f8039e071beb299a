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
