// d2l's synthetic_data: features X ~ N(0, 1) and labels y = Xw + b + N(0, 0.01) noise, for linear regression.
import { Tensor } from "../../ops/Tensor.js";
import { tensor } from "../../ops/creation.js";
import { add } from "../../ops/elementwise.js";
import { reshape } from "../../ops/layout.js";
import { matmul } from "../../ops/linalg.js";
import { normal, split, type Key } from "../../ops/random.js";

export interface SyntheticDataOptions {
  /** Standard deviation of the label noise (d2l: 0.01). */
  readonly noise?: number;
}

/** Features [numExamples, d] and labels [numExamples, 1]. */
export interface SyntheticData {
  readonly features: Tensor;
  readonly labels: Tensor;
}

/**
 * Draws `numExamples` rows X ~ N(0, 1) with as many columns as `w` has entries, and labels y = Xw + b + ε,
 * ε ~ N(0, noise²), shaped [n, 1] as d2l's `y.reshape((-1, 1))`. `w` is a vector [d] or a column [d, 1].
 * @example
 * const { features, labels } = syntheticData(key(0), tensor([2, -3.4]), 4.2, 1000);
 */
export const syntheticData = (
  k: Key,
  w: Tensor | readonly number[],
  b: number,
  numExamples: number,
  { noise = 0.01 }: SyntheticDataOptions = {},
): SyntheticData => {
  const wt = w instanceof Tensor ? w : tensor([...w]);
  if (!(wt.ndim === 1 || (wt.ndim === 2 && wt.shape[1] === 1)))
    throw new Error(`syntheticData: w must be a vector [d] or a column [d, 1], got shape [${wt.shape.join(", ")}]`);
  if (!Number.isInteger(numExamples) || numExamples < 0) throw new Error(`syntheticData: numExamples must be a non-negative integer, got ${numExamples}`);
  if (!Number.isFinite(b)) throw new Error(`syntheticData: b must be a finite number, got ${b}`);
  const [kx, ke] = split(k);
  const features = normal(kx!, [numExamples, wt.shape[0]!]);
  const clean = add(matmul(features, wt), b);
  const labels = reshape(add(clean, normal(ke!, clean.shape, { std: noise })), [-1, 1]);
  return { features, labels };
};
