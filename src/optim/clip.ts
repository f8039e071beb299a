// Gradient clipping by global norm and by value (torch.nn.utils.clip_grad_norm_ / clip_grad_value_), as functions and as transformations.
import type { Tensor } from "../ops/Tensor.js";
import { abs, add, clamp, maximum, mul, pow, reciprocal, sqrt } from "../ops/elementwise.js";
import { max, norm } from "../ops/reduce.js";
import { scalar } from "../ops/creation.js";
import { treeLeaves, treeMap } from "../graph/pytree.js";
import type { GradientTransformation } from "./GradientTransformation.js";
import { checkOption, nonNegative } from "./_optimizer.js";

export interface ClipGradNormOptions {
  /** Order of the norm: 2 (default), 1, Infinity, or any positive number. */
  readonly normType?: number;
}

const checkNormArgs = (name: string, maxNorm: number, normType: number): void => {
  nonNegative(name, "maxNorm", maxNorm);
  checkOption(name, "normType", normType, typeof normType === "number" && normType > 0, "a positive number or Infinity");
};

/** The norm of all leaves taken together, as torch computes it: the norm of the per-leaf norms. */
const globalNorm = (leaves: readonly Tensor[], normType: number): Tensor => {
  if (leaves.length === 0) return scalar(0);
  if (normType === Infinity) return leaves.map((g) => max(abs(g))).reduce((a, b) => maximum(a, b));
  const norms = leaves.map((g) => norm(g, undefined, { p: normType }));
  if (normType === 2) return sqrt(norms.map((n) => mul(n, n)).reduce((a, b) => add(a, b)));
  if (normType === 1) return norms.reduce((a, b) => add(a, b));
  return pow(norms.map((n) => pow(n, normType)).reduce((a, b) => add(a, b)), 1 / normType);
};

const clipByNorm = <T>(name: string, grads: T, maxNorm: number, normType: number): { grads: T; totalNorm: Tensor } => {
  checkNormArgs(name, maxNorm, normType);
  const totalNorm = globalNorm(treeLeaves(grads), normType);
  // torch: max_norm / (total + 1e-6) is evaluated as reciprocal(total + 1e-6) * max_norm, then clamped to 1 and always applied.
  const coef = clamp(mul(reciprocal(add(totalNorm, 1e-6)), maxNorm), { max: 1 });
  return { grads: treeMap((g) => mul(g, coef), grads), totalNorm };
};

/**
 * Scales all grads together so that their global norm is at most `maxNorm` (torch's clip_grad_norm_, 1e-6 in the denominator included),
 * returning the scaled grads and the total norm before clipping.
 * @example
 * const { grads: clipped, totalNorm } = clipGradsByNorm(grads, 1.0);
 */
export const clipGradsByNorm = <T>(grads: T, maxNorm: number, { normType = 2 }: ClipGradNormOptions = {}): { grads: T; totalNorm: Tensor } =>
  clipByNorm("clipGradsByNorm", grads, maxNorm, normType);

/**
 * Clamps every gradient element into [-clipValue, clipValue] (torch's clip_grad_value_).
 * @example
 * const clipped = clipGradsByValue(grads, 0.5);
 */
export const clipGradsByValue = <T>(grads: T, clipValue: number): T => {
  nonNegative("clipGradsByValue", "clipValue", clipValue);
  return treeMap((g) => clamp(g, { min: -clipValue, max: clipValue }), grads);
};

/** The (empty) state of the clipping transformations. */
export type ClipState = { readonly [key: string]: never };

/**
 * Global-norm clipping as a transformation to chain before an optimizer.
 * @example
 * const opt = chain(clipGradNorm(1.0), adamw({ lr: 3e-4 }));
 */
export const clipGradNorm = (maxNorm: number, { normType = 2 }: ClipGradNormOptions = {}): GradientTransformation<ClipState> => {
  checkNormArgs("clipGradNorm", maxNorm, normType);
  return {
    init: () => Object.freeze({}),
    update: (grads, state) => ({ updates: clipByNorm("clipGradNorm", grads, maxNorm, normType).grads, state }),
  };
};

/**
 * Clipping by value as a transformation to chain before an optimizer.
 * @example
 * const opt = chain(clipGradValue(0.5), sgd({ lr: 0.1 }));
 */
export const clipGradValue = (clipValue: number): GradientTransformation<ClipState> => {
  nonNegative("clipGradValue", "clipValue", clipValue);
  return {
    init: () => Object.freeze({}),
    update: (grads, state) => ({ updates: treeMap((g) => clamp(g, { min: -clipValue, max: clipValue }), grads), state }),
  };
};
