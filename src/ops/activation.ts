// Activation functions as in torch.nn.functional: softmax/logSoftmax, the ReLU family, GELU, SiLU, softplus, mish.
import type { Tensor } from "./Tensor.js";
import * as E from "./elementwise.js";
import { amax, sum } from "./reduce.js";
import { detach } from "./detach.js";
import { applyPrim } from "./apply.js";
import { normAxis, shapeStr } from "./_shape.js";

/** Throws unless `x` is float32: PyTorch has no integer kernels for these functions. */
const requireFloat = (op: string, x: Tensor): void => {
  if (x.dtype !== "float32") throw new Error(`${op}: expected a float32 tensor, got ${x.dtype} (shape ${shapeStr(x.shape)})`);
};

/** x shifted so its maximum along `axis` is 0; the shift is detached because softmax is shift-invariant. */
const shifted = (op: string, x: Tensor, axis: number): [Tensor, number] => {
  requireFloat(op, x);
  const a = normAxis(op, axis, x.ndim);
  return [E.sub(x, detach(amax(x, a, { keepdim: true }))), a];
};

/**
 * exp(x) / sum(exp(x)) along `axis`, computed stably.
 * @example
 * softmax(tensor([[1, 2, 3]])); // tensor([[0.0900, 0.2447, 0.6652]])
 */
export const softmax = (x: Tensor, axis = -1): Tensor => {
  const [z, a] = shifted("softmax", x, axis);
  const e = E.exp(z);
  return E.div(e, sum(e, a, { keepdim: true }));
};

/**
 * log(softmax(x)) along `axis`, computed as z - log(sum(exp(z))) with z = x - max(x) so it never overflows.
 * @example
 * logSoftmax(logits, 1); // log-probabilities over classes
 */
export const logSoftmax = (x: Tensor, axis = -1): Tensor => {
  const [z, a] = shifted("logSoftmax", x, axis);
  return E.sub(z, E.log(sum(E.exp(z), a, { keepdim: true })));
};

/** x where x > 0, else negativeSlope·x (gradient negativeSlope at 0, as PyTorch). */
export const leakyRelu = (x: Tensor, { negativeSlope = 0.01 }: { negativeSlope?: number } = {}): Tensor => {
  requireFloat("leakyRelu", x);
  return E.where(E.gt(x, 0), x, E.mul(x, negativeSlope));
};

/** x where x > 0, else alpha·(exp(x) - 1). */
export const elu = (x: Tensor, { alpha = 1 }: { alpha?: number } = {}): Tensor => {
  requireFloat("elu", x);
  const pos = E.gt(x, 0);
  // The negative branch sees 0 for positive x: expm1 of a large x would overflow, and inf · 0 in its VJP is NaN.
  return E.where(pos, x, E.mul(E.expm1(E.where(pos, 0, x)), alpha));
};

/** SELU: scale·elu(x, alpha) with the self-normalising constants of Klambauer et al. */
export const selu = (x: Tensor): Tensor => {
  requireFloat("selu", x);
  return E.mul(elu(x, { alpha: 1.6732632423543772 }), 1.0507009873554805);
};

/** GELU: x·Φ(x) with the exact normal CDF (via erf), or PyTorch's tanh approximation. */
export const gelu = (x: Tensor, { approximate = "none" }: { approximate?: "none" | "tanh" } = {}): Tensor => {
  requireFloat("gelu", x);
  // One fused pass (and one for its gradient), instead of five for x·0.5·(erf(x/√2) + 1) and eight for their VJPs.
  if (approximate === "none") return applyPrim("unary", [x], { op: "gelu" });
  // The tanh approximation, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), is fused the same way (8 passes, 12 for the VJP).
  if (approximate === "tanh") return applyPrim("unary", [x], { op: "geluTanh" });
  throw new Error(`gelu: approximate must be "none" or "tanh", got ${JSON.stringify(approximate)}`);
};

/** SiLU (swish): x·sigmoid(x). */
export const silu = (x: Tensor): Tensor => {
  requireFloat("silu", x);
  // One fused pass (and one for its gradient) instead of sigmoid then a multiply.
  return applyPrim("unary", [x], { op: "silu" });
};

/**
 * log(1 + exp(z)) for z = x without overflow: max(z, 0) + log1p(exp(-|z|)).
 * Both pieces branch on the same test z > 0, so at z = 0 the gradient is sigmoid(0) = 0.5 rather than the
 * 0 that independent subgradients of max and |·| would give.
 */
const stableSoftplus = (z: Tensor): Tensor => {
  const pos = E.gt(z, 0);
  return E.add(E.where(pos, z, 0), E.log1p(E.exp(E.where(pos, E.neg(z), z))));
};

/** log(1 + exp(beta·x)) / beta, and x itself where beta·x > threshold (PyTorch's linear regime). */
export const softplus = (x: Tensor, { beta = 1, threshold = 20 }: { beta?: number; threshold?: number } = {}): Tensor => {
  requireFloat("softplus", x);
  const bx = E.mul(x, beta);
  return E.where(E.gt(bx, threshold), x, E.div(stableSoftplus(bx), beta));
};

/** log(sigmoid(x)) = -softplus(-x), without overflow (PyTorch's F.logsigmoid). */
export const logsigmoid = (x: Tensor): Tensor => {
  requireFloat("logsigmoid", x);
  return E.neg(stableSoftplus(E.neg(x)));
};

/** Mish: x·tanh(softplus(x)). */
export const mish = (x: Tensor): Tensor => {
  requireFloat("mish", x);
  return E.mul(x, E.tanh(softplus(x)));
};

/** Clamps to [minVal, maxVal]; unlike `clamp`, the gradient is 0 at the bounds themselves, as PyTorch's hardtanh. */
export const hardtanh = (x: Tensor, { minVal = -1, maxVal = 1 }: { minVal?: number; maxVal?: number } = {}): Tensor => {
  requireFloat("hardtanh", x);
  if (!(minVal <= maxVal)) throw new Error(`hardtanh: minVal ${minVal} must not exceed maxVal ${maxVal}`);
  return E.where(E.le(x, minVal), minVal, E.where(E.ge(x, maxVal), maxVal, x));
};

/** min(max(x, 0), 6), i.e. hardtanh on [0, 6] (gradient 0 at 0 and at 6, as PyTorch). */
export const relu6 = (x: Tensor): Tensor => {
  requireFloat("relu6", x);
  return hardtanh(x, { minVal: 0, maxVal: 6 });
};
