// Statistics over the response tokens only (a mask of 1s and 0s beside the values), as TRL's masked_mean/var/whiten compute them.
import type { Tensor } from "../../ops/Tensor.js";
import { rsqrt } from "../../ops/elementwise.js";

const checkMask = (op: string, x: Tensor, mask: Tensor): void => {
  if (x.shape.length !== mask.shape.length || x.shape.some((d, i) => d !== mask.shape[i]))
    throw new Error(`${op}: values of shape [${x.shape.join(", ")}] and mask of shape [${mask.shape.join(", ")}] must have the same shape`);
};

/**
 * Mean of `x` where `mask` is 1 (over all elements, or along `axis`).
 * @example
 * maskedMean(tensor([1, 2, 3]), tensor([1, 1, 0])); // 1.5
 */
export const maskedMean = (x: Tensor, mask: Tensor, axis?: number): Tensor => {
  checkMask("maskedMean", x, mask);
  const m = mask.astype("float32");
  return axis === undefined ? x.mul(m).sum().div(m.sum()) : x.mul(m).sum(axis).div(m.sum(axis));
};

/** Variance of `x` where `mask` is 1; unbiased (Bessel's n/(n−1)) by default, as TRL's masked_var. */
export const maskedVar = (x: Tensor, mask: Tensor, { unbiased = true }: { readonly unbiased?: boolean } = {}): Tensor => {
  const mean = maskedMean(x, mask);
  const variance = maskedMean(x.sub(mean).square(), mask);
  if (!unbiased) return variance;
  const n = mask.astype("float32").sum().item();
  if (n < 2) throw new Error(`maskedVar: the unbiased variance needs at least 2 unmasked values, got ${n}`);
  return variance.mul(n / (n - 1));
};

/**
 * Whitens `x` over the unmasked values: (x − mean)/√(var + 1e-8), adding the mean back when `shiftMean` is false
 * (TRL whitens advantages with the shift and rewards without it).
 */
export const maskedWhiten = (x: Tensor, mask: Tensor, { shiftMean = true }: { readonly shiftMean?: boolean } = {}): Tensor => {
  const mean = maskedMean(x, mask);
  const whitened = x.sub(mean).mul(rsqrt(maskedVar(x, mask).add(1e-8)));
  return shiftMean ? whitened : whitened.add(mean);
};
