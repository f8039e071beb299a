// Loss functions as in torch.nn.functional, with PyTorch's exact semantics: cross-entropy/NLL, regression, binary, KL.
import type { Tensor } from "./Tensor.js";
import * as E from "./elementwise.js";
import { mean, sum } from "./reduce.js";
import { reshape, unsqueeze } from "./layout.js";
import { arange } from "./creation.js";
import { logSoftmax, logsigmoid } from "./activation.js";
import { checkIndexRange } from "./oneHot.js";
import { gather } from "./indexing.js";
import { detach } from "./detach.js";
import { broadcastShapes, sameShape, shapeStr, type Shape } from "./_shape.js";

/** How per-element losses are combined: averaged (default), summed, or returned as they are. */
export type Reduction = "mean" | "sum" | "none";

const checkReduction = (op: string, reduction: string, allowed: readonly string[] = ["mean", "sum", "none"]): void => {
  if (!allowed.includes(reduction))
    throw new Error(`${op}: reduction must be ${allowed.map((r) => `"${r}"`).join(", ")}, got ${JSON.stringify(reduction)}`);
};

const reduce = (loss: Tensor, reduction: Reduction): Tensor =>
  reduction === "none" ? loss : reduction === "sum" ? sum(loss) : mean(loss);

const requireFloat = (op: string, name: string, x: Tensor): void => {
  if (x.dtype !== "float32") throw new Error(`${op}: ${name} must be float32, got ${x.dtype} (shape ${shapeStr(x.shape)})`);
};

/** Checks the (input, target) pair of an elementwise loss and returns the target as float32. */
const pairwise = (op: string, input: Tensor, target: Tensor, reduction: string): Tensor => {
  checkReduction(op, reduction);
  requireFloat(op, "input", input);
  // PyTorch only warns here and broadcasts, which silently computes the wrong loss: rivulet refuses.
  if (!sameShape(input.shape, target.shape))
    throw new Error(`${op}: input shape ${shapeStr(input.shape)} and target shape ${shapeStr(target.shape)} must be equal`);
  return E.cast(target, "float32");
};

/** Checks that an optional per-element weight broadcasts to `shape`. */
const checkBroadcastWeight = (op: string, name: string, w: Tensor | undefined, shape: Shape): void => {
  if (!w) return;
  requireFloat(op, name, w);
  let ok: boolean;
  try {
    ok = sameShape(broadcastShapes(op, w.shape, shape), shape);
  } catch {
    ok = false;
  }
  if (!ok) throw new Error(`${op}: ${name} shape ${shapeStr(w.shape)} cannot be broadcast to input shape ${shapeStr(shape)}`);
};

// ---- class-index losses ------------------------------------------------------------------------

export interface NllLossOptions {
  /** A weight per class [C]; the mean then divides by the total weight of the non-ignored targets. */
  readonly weight?: Tensor | undefined;
  /** Target value that contributes neither loss nor weight; default -100. */
  readonly ignoreIndex?: number;
  readonly reduction?: Reduction;
}

export interface CrossEntropyOptions extends NllLossOptions {
  /** Mixes the target with the uniform distribution: (1 - ε)·target + ε/C; default 0. */
  readonly labelSmoothing?: number;
}

/** Input [C] with a 0-d target is PyTorch's unbatched form: it is run as a batch of one. */
const batched = (input: Tensor): Tensor => (input.ndim === 1 ? unsqueeze(input, 0) : input);

/** The class-index target's expected shape: the input's without the class axis 1 (or [] for input [C]). */
const indexTargetShape = (input: Tensor): number[] => (input.ndim === 1 ? [] : input.shape.filter((_, i) => i !== 1));

const checkWeight = (op: string, weight: Tensor | undefined, c: number): void => {
  if (!weight) return;
  requireFloat(op, "weight", weight);
  if (!sameShape(weight.shape, [c])) throw new Error(`${op}: weight shape ${shapeStr(weight.shape)} must be [C] = [${c}]`);
};

/**
 * NLL of log-probabilities lp [N, C, d...] at class indices `target` [N, d...], plus PyTorch's label-smoothing
 * term (the weighted mean of -lp over classes), both masked by ignoreIndex and reduced with the same divisor.
 */
const classIndexLoss = (
  op: string, lp: Tensor, target: Tensor, weight: Tensor | undefined, ignoreIndex: number, reduction: Reduction, smoothing: number,
): Tensor => {
  const c = lp.shape[1]!;
  checkIndexRange(op, "target class", target, "C", c, ignoreIndex);
  const classShape = lp.shape.map((d, i) => (i === 1 ? d : 1));
  const w = weight && reshape(weight, classShape);
  const t = unsqueeze(target, 1);
  const valid = E.ne(target, ignoreIndex);
  // Without class weights the target's log-prob is gathered: one element per position, where a one-hot mask costs
  // three passes over [N, C] forward (mask, select, sum) and two backward (expand, select) — the logits of a language
  // model's vocabulary are the largest tensor of its step. Ignored positions gather class 0 and are masked below.
  const hit = w ? E.eq(t, reshape(arange(0, c, 1, { dtype: "int32", device: lp.device }), classShape)) : undefined;
  const picked = hit ? sum(E.where(hit, lp, 0), 1) : reshape(gather(lp, 1, E.where(E.ne(t, ignoreIndex), t, 0)), target.shape);
  const wt = w && hit ? E.where(valid, sum(E.where(hit, w, 0), 1), 0) : E.cast(valid, "float32");
  // where, not a multiply by 0: an ignored position may hold a -inf log-prob.
  const nll = E.where(valid, E.neg(E.mul(picked, wt)), 0);
  const red = (l: Tensor): Tensor => (reduction === "none" ? l : reduction === "sum" ? sum(l) : E.div(sum(l), sum(wt)));
  if (smoothing === 0) return red(nll);
  const smooth = E.where(valid, E.neg(sum(w ? E.mul(lp, w) : lp, 1)), 0);
  return E.add(E.mul(red(nll), 1 - smoothing), E.mul(red(smooth), smoothing / c));
};

/** Unbatched input [C] gives 0-d per-element losses, as PyTorch. */
const unbatch = (input: Tensor, loss: Tensor, reduction: Reduction): Tensor =>
  input.ndim === 1 && reduction === "none" ? reshape(loss, []) : loss;

const checkIndexTarget = (op: string, inputName: string, input: Tensor, target: Tensor): void => {
  const expected = indexTargetShape(input);
  if (!sameShape(target.shape, expected))
    throw new Error(`${op}: target shape ${shapeStr(target.shape)} does not match ${inputName} shape ${shapeStr(input.shape)} (class indices need shape ${shapeStr(expected)})`);
};

/**
 * Negative log-likelihood of log-probabilities [N, C, d...] (or [C]) at int32 class indices [N, d...], as F.nll_loss.
 * @example
 * nllLoss(logSoftmax(logits, 1), labels);
 */
export const nllLoss = (logProbs: Tensor, target: Tensor, { weight, ignoreIndex = -100, reduction = "mean" }: NllLossOptions = {}): Tensor => {
  checkReduction("nllLoss", reduction);
  requireFloat("nllLoss", "input", logProbs);
  if (logProbs.ndim < 1) throw new Error(`nllLoss: input shape ${shapeStr(logProbs.shape)} must be [C], [N, C] or [N, C, d1, ...]`);
  if (target.dtype !== "int32") throw new Error(`nllLoss: target must be int32 class indices, got ${target.dtype} (shape ${shapeStr(target.shape)})`);
  checkIndexTarget("nllLoss", "input", logProbs, target);
  const lp = batched(logProbs);
  checkWeight("nllLoss", weight, lp.shape[1]!);
  const loss = classIndexLoss("nllLoss", lp, reshape(target, indexTargetShape(lp)), weight, ignoreIndex, reduction, 0);
  return unbatch(logProbs, loss, reduction);
};

/**
 * Cross-entropy from unnormalised logits [N, C, d...] (or [C]), as F.cross_entropy: the target is int32 class
 * indices [N, d...] (with ignoreIndex and labelSmoothing), or float32 class probabilities of the logits' shape.
 * @example
 * crossEntropy(model(x), labels, { labelSmoothing: 0.1 });
 */
export const crossEntropy = (
  logits: Tensor,
  target: Tensor,
  { weight, ignoreIndex = -100, reduction = "mean", labelSmoothing = 0 }: CrossEntropyOptions = {},
): Tensor => {
  const op = "crossEntropy";
  checkReduction(op, reduction);
  requireFloat(op, "logits", logits);
  if (logits.ndim < 1) throw new Error(`${op}: logits shape ${shapeStr(logits.shape)} must be [C], [N, C] or [N, C, d1, ...]`);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new Error(`${op}: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  const x = batched(logits);
  const c = x.shape[1]!;
  checkWeight(op, weight, c);
  const lp = logSoftmax(x, 1);
  if (target.dtype === "int32") {
    checkIndexTarget(op, "logits", logits, target);
    const loss = classIndexLoss(op, lp, reshape(target, indexTargetShape(x)), weight, ignoreIndex, reduction, labelSmoothing);
    return unbatch(logits, loss, reduction);
  }
  if (target.dtype !== "float32")
    throw new Error(`${op}: target must be int32 class indices or float32 class probabilities, got ${target.dtype} (shape ${shapeStr(target.shape)})`);
  if (!sameShape(target.shape, logits.shape))
    throw new Error(`${op}: float32 (class probability) target shape ${shapeStr(target.shape)} must equal logits shape ${shapeStr(logits.shape)}`);
  if (ignoreIndex >= 0) throw new Error(`${op}: ignoreIndex (${ignoreIndex}) is not supported with class probability targets`);
  const p = labelSmoothing > 0 ? E.add(E.mul(target, 1 - labelSmoothing), labelSmoothing / c) : target;
  let prod = E.mul(lp, batched(p));
  if (weight) prod = E.mul(prod, reshape(weight, x.shape.map((d, i) => (i === 1 ? d : 1))));
  if (reduction === "none") return unbatch(logits, E.neg(sum(prod, 1)), reduction);
  const total = E.neg(sum(prod));
  // PyTorch divides by the number of positions (elements / C), not by the total probability mass.
  return reduction === "sum" ? total : E.div(total, x.size / c);
};

// ---- regression losses -------------------------------------------------------------------------

export interface ReductionOptions {
  readonly reduction?: Reduction;
}

/**
 * Mean squared error (x - y)², as F.mse_loss.
 * @example
 * mseLoss(pred, y); // scalar
 */
export const mseLoss = (input: Tensor, target: Tensor, { reduction = "mean" }: ReductionOptions = {}): Tensor => {
  const t = pairwise("mseLoss", input, target, reduction);
  const d = E.sub(input, t);
  return reduce(E.mul(d, d), reduction);
};

/** Mean absolute error |x - y|, as F.l1_loss (gradient 0 where x = y). */
export const l1Loss = (input: Tensor, target: Tensor, { reduction = "mean" }: ReductionOptions = {}): Tensor => {
  const t = pairwise("l1Loss", input, target, reduction);
  return reduce(E.abs(E.sub(input, t)), reduction);
};

/** 0.5·d²/beta where |d| < beta, else |d| - 0.5·beta (d = x - y), as F.smooth_l1_loss; beta 0 is the L1 loss. */
export const smoothL1Loss = (input: Tensor, target: Tensor, { reduction = "mean", beta = 1 }: ReductionOptions & { beta?: number } = {}): Tensor => {
  const t = pairwise("smoothL1Loss", input, target, reduction);
  if (!(beta >= 0)) throw new Error(`smoothL1Loss: beta must be non-negative, got ${beta}`);
  const d = E.sub(input, t);
  // With beta 0, PyTorch's kernel takes the d ≤ -beta branch at d = 0, so the gradient there is -1 (not abs's 0).
  if (beta === 0) return reduce(E.where(E.gt(d, 0), d, E.neg(d)), reduction);
  const a = E.abs(d);
  return reduce(E.where(E.lt(a, beta), E.div(E.mul(E.mul(d, d), 0.5), beta), E.sub(a, 0.5 * beta)), reduction);
};

/** 0.5·d² where |d| < delta, else delta·(|d| - 0.5·delta) (d = x - y), as F.huber_loss. */
export const huberLoss = (input: Tensor, target: Tensor, { reduction = "mean", delta = 1 }: ReductionOptions & { delta?: number } = {}): Tensor => {
  const t = pairwise("huberLoss", input, target, reduction);
  if (!(delta > 0)) throw new Error(`huberLoss: delta must be positive, got ${delta}`);
  const d = E.sub(input, t);
  const a = E.abs(d);
  return reduce(E.where(E.lt(a, delta), E.mul(E.mul(d, d), 0.5), E.mul(E.sub(a, 0.5 * delta), delta)), reduction);
};

// ---- binary losses -----------------------------------------------------------------------------

/** log(p) floored at -100 as PyTorch's BCE does; p = 0 is routed around the log so its VJP never sees 0/0. */
const clampedLog = (p: Tensor): Tensor => {
  const pos = E.gt(p, 0);
  const l = E.log(E.where(pos, p, 1));
  return E.where(E.logicalAnd(pos, E.ge(l, -100)), l, -100);
};

/**
 * Binary cross-entropy of probabilities in [0, 1], as F.binary_cross_entropy: each log clamped at -100, the gradient
 * (p - t) / max((1 - p)·p, 1e-12) (first order only; the target's gradient uses the clamped logs, finite where PyTorch's is ±inf).
 * @example
 * binaryCrossEntropy(sigmoid(logits), labels);
 */
export const binaryCrossEntropy = (
  probs: Tensor,
  target: Tensor,
  { weight, reduction = "mean" }: ReductionOptions & { weight?: Tensor | undefined } = {},
): Tensor => {
  const op = "binaryCrossEntropy";
  const t = pairwise(op, probs, target, reduction);
  checkBroadcastWeight(op, "weight", weight, probs.shape);
  const read = probs.device.readSync;
  if (read) {
    const data = read.call(probs.device, probs.storage, probs.dtype, probs.size);
    for (let i = 0; i < probs.size; i++)
      if (!(data[i]! >= 0 && data[i]! <= 1))
        throw new Error(`${op}: input must be probabilities in [0, 1], got ${data[i]} at flat index ${i} (shape ${shapeStr(probs.shape)})`);
  }
  // PyTorch differentiates the loss as (p - t) / max((1 - p)·p, 1e-12), not through the clamped logs (whose slope
  // is 0 where they clamp): the value comes from p held constant, and p - p̄ (0, with slope 1) carries that gradient.
  const p = detach(probs);
  const value = E.neg(E.add(E.mul(t, clampedLog(p)), E.mul(E.sub(1, t), clampedLog(E.sub(1, p)))));
  const slope = detach(E.div(E.sub(p, t), E.maximum(E.mul(E.sub(1, p), p), 1e-12)));
  let loss = E.add(value, E.mul(E.sub(probs, p), slope));
  if (weight) loss = E.mul(loss, weight);
  return reduce(loss, reduction);
};

/**
 * Binary cross-entropy on logits, as F.binary_cross_entropy_with_logits, in the stable form
 * (1 - y)·x + (1 + (posWeight - 1)·y)·softplus(-x).
 * @example
 * binaryCrossEntropyWithLogits(logits, labels, { posWeight: full([numClasses], 3) });
 */
export const binaryCrossEntropyWithLogits = (
  logits: Tensor,
  target: Tensor,
  { weight, posWeight, reduction = "mean" }: ReductionOptions & { weight?: Tensor | undefined; posWeight?: Tensor | undefined } = {},
): Tensor => {
  const op = "binaryCrossEntropyWithLogits";
  const t = pairwise(op, logits, target, reduction);
  checkBroadcastWeight(op, "weight", weight, logits.shape);
  checkBroadcastWeight(op, "posWeight", posWeight, logits.shape);
  const softplusNeg = E.neg(logsigmoid(logits));
  const logWeight = posWeight ? E.add(E.mul(E.sub(posWeight, 1), t), 1) : undefined;
  let loss = E.add(E.mul(E.sub(1, t), logits), logWeight ? E.mul(logWeight, softplusNeg) : softplusNeg);
  if (weight) loss = E.mul(loss, weight);
  return reduce(loss, reduction);
};

// ---- divergences -------------------------------------------------------------------------------

/** x·log(x) with 0·log 0 = 0 (torch.xlogy(x, x)); the log never sees 0, so the VJP stays finite there. */
const xlogx = (x: Tensor): Tensor => {
  const zero = E.eq(x, 0);
  return E.where(zero, 0, E.mul(x, E.log(E.where(zero, 1, x))));
};

/**
 * KL divergence as F.kl_div: `input` holds log-probabilities, `target` probabilities (log-probabilities with
 * logTarget); "batchmean" divides the sum by the batch size, which is the true KL divergence per sample.
 * @example
 * klDiv(logSoftmax(student, 1), softmax(teacher, 1), { reduction: "batchmean" });
 */
export const klDiv = (
  input: Tensor,
  target: Tensor,
  { reduction = "mean", logTarget = false }: { reduction?: Reduction | "batchmean"; logTarget?: boolean } = {},
): Tensor => {
  checkReduction("klDiv", reduction, ["mean", "batchmean", "sum", "none"]);
  const t = pairwise("klDiv", input, target, "none");
  const loss = logTarget ? E.mul(E.exp(t), E.sub(t, input)) : E.sub(xlogx(t), E.mul(t, input));
  if (reduction !== "batchmean") return reduce(loss, reduction);
  // As F.kl_div, a 0-d input is just summed.
  return input.ndim === 0 ? sum(loss) : E.div(sum(loss), input.shape[0]!);
};
