// Normalisation layers' math as in torch.nn.functional: batchNorm and instanceNorm (returning new running stats), layerNorm, groupNorm.
import type { Tensor } from "./Tensor.js";
import * as E from "./elementwise.js";
import { mean } from "./reduce.js";
import { reshape } from "./layout.js";
import { detach } from "./detach.js";
import { sameShape, shapeStr, type Shape } from "./_shape.js";

const requireFloat = (op: string, name: string, x: Tensor): void => {
  if (x.dtype !== "float32") throw new Error(`${op}: ${name} must be float32, got ${x.dtype} (shape ${shapeStr(x.shape)})`);
};

const requireShape = (op: string, name: string, t: Tensor | undefined, shape: Shape, what: string): void => {
  if (!t) return;
  requireFloat(op, name, t);
  if (!sameShape(t.shape, shape)) throw new Error(`${op}: ${name} shape ${shapeStr(t.shape)} must be ${what} = ${shapeStr(shape)}`);
};

/** (x - mean) / sqrt(var + eps) over `axes`, with the biased (population) variance, as every PyTorch norm layer. */
const standardize = (x: Tensor, axes: readonly number[], eps: number): { xhat: Tensor; mu: Tensor; var: Tensor } => {
  const mu = mean(x, axes, { keepdim: true });
  const d = E.sub(x, mu);
  const v = mean(E.mul(d, d), axes, { keepdim: true });
  return { xhat: E.mul(d, E.rsqrt(E.add(v, eps))), mu, var: v };
};

/** xhat · weight + bias, each optional, with weight and bias reshaped to broadcast as `shape`. */
const affine = (xhat: Tensor, weight: Tensor | undefined, bias: Tensor | undefined, shape: Shape): Tensor => {
  let y = xhat;
  if (weight) y = E.mul(y, reshape(weight, shape));
  if (bias) y = E.add(y, reshape(bias, shape));
  return y;
};

export interface BatchNormOptions {
  /** Running mean [C]; required in evaluation mode, updated (as a new tensor) in training mode. */
  readonly runningMean?: Tensor | undefined;
  /** Running variance [C]; required in evaluation mode, updated with the unbiased batch variance in training mode. */
  readonly runningVar?: Tensor | undefined;
  /** Per-channel scale γ [C]. */
  readonly weight?: Tensor | undefined;
  /** Per-channel shift β [C]. */
  readonly bias?: Tensor | undefined;
  /** Normalise with batch statistics and update the running ones (true), or use the running ones (false, default). */
  readonly training?: boolean;
  /** Weight of the new batch statistic in the running average; default 0.1. */
  readonly momentum?: number;
  /** Added to the variance for stability; default 1e-5. */
  readonly eps?: number;
}

export interface BatchNormResult {
  readonly output: Tensor;
  /** The updated running mean (detached), or the given one unchanged in evaluation mode; undefined when none was given. */
  readonly runningMean: Tensor | undefined;
  /** The updated running variance (detached), or the given one unchanged in evaluation mode; undefined when none was given. */
  readonly runningVar: Tensor | undefined;
}

/**
 * Batch normalisation over [N, C], [N, C, L] or [N, C, H, W] (any [N, C, ...]), as F.batch_norm.
 * Nothing is mutated: the updated running statistics come back beside the output.
 * @example
 * const { output, runningMean, runningVar } = batchNorm(x, { ...state, weight, bias, training: true });
 */
export const batchNorm = (
  x: Tensor,
  { runningMean, runningVar, weight, bias, training = false, momentum = 0.1, eps = 1e-5 }: BatchNormOptions = {},
): BatchNormResult => {
  if (x.ndim < 2) throw new Error(`batchNorm: input shape ${shapeStr(x.shape)} must be at least 2-D [N, C, ...]`);
  requireFloat("batchNorm", "input", x);
  const c = x.shape[1]!;
  requireShape("batchNorm", "runningMean", runningMean, [c], "[C]");
  requireShape("batchNorm", "runningVar", runningVar, [c], "[C]");
  requireShape("batchNorm", "weight", weight, [c], "[C]");
  requireShape("batchNorm", "bias", bias, [c], "[C]");
  const axes = x.shape.flatMap((_, i) => (i === 1 ? [] : [i]));
  const channelShape = x.shape.map((d, i) => (i === 1 ? d : 1));
  if (!training) {
    if (!runningMean || !runningVar)
      throw new Error(`batchNorm: runningMean and runningVar are required in evaluation mode (training: false), input shape ${shapeStr(x.shape)}`);
    // Running statistics are buffers, not parameters: no gradient flows into them.
    const rm = reshape(detach(runningMean), channelShape);
    const rv = reshape(detach(runningVar), channelShape);
    const xhat = E.mul(E.sub(x, rm), E.rsqrt(E.add(rv, eps)));
    return { output: affine(xhat, weight, bias, channelShape), runningMean, runningVar };
  }
  const n = x.size / c;
  if (n <= 1) throw new Error(`batchNorm: expected more than 1 value per channel when training, got input shape ${shapeStr(x.shape)}`);
  const { xhat, mu, var: v } = standardize(x, axes, eps);
  const update = (running: Tensor | undefined, batch: Tensor): Tensor | undefined =>
    running && detach(E.add(E.mul(running, 1 - momentum), E.mul(reshape(detach(batch), [c]), momentum)));
  return {
    output: affine(xhat, weight, bias, channelShape),
    runningMean: update(runningMean, mu),
    // PyTorch normalises with the biased variance but tracks the unbiased one (Bessel's correction n/(n-1)).
    runningVar: update(runningVar, E.mul(v, n / (n - 1))),
  };
};

export interface LayerNormOptions {
  /** Elementwise scale γ (per channel [C] for groupNorm). */
  readonly weight?: Tensor | undefined;
  /** Elementwise shift β. */
  readonly bias?: Tensor | undefined;
  /** Added to the variance for stability; default 1e-5. */
  readonly eps?: number;
}

/** groupNorm's options: the same as layerNorm's, with weight and bias per channel [C]. */
export type GroupNormOptions = LayerNormOptions;

/**
 * Layer normalisation over the trailing dimensions `normalizedShape`, as F.layer_norm.
 * @example
 * layerNorm(h, [512], { weight: p.weight, bias: p.bias }); // h: [B, T, 512]
 */
export const layerNorm = (x: Tensor, normalizedShape: number | Shape, { weight, bias, eps = 1e-5 }: LayerNormOptions = {}): Tensor => {
  const shape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
  if (shape.length === 0) throw new Error(`layerNorm: normalizedShape must have at least one dimension, got []`);
  requireFloat("layerNorm", "input", x);
  const k = shape.length;
  if (x.ndim < k || !sameShape(x.shape.slice(x.ndim - k), shape))
    throw new Error(`layerNorm: input shape ${shapeStr(x.shape)} must end with normalizedShape ${shapeStr(shape)}`);
  requireShape("layerNorm", "weight", weight, shape, "normalizedShape");
  requireShape("layerNorm", "bias", bias, shape, "normalizedShape");
  const axes = shape.map((_, i) => x.ndim - k + i);
  return affine(standardize(x, axes, eps).xhat, weight, bias, shape);
};

/**
 * Group normalisation of [N, C, ...] over `numGroups` groups of C/numGroups channels, as F.group_norm.
 * @example
 * groupNorm(x, 32, { weight, bias }); // x: [N, 256, H, W]
 */
export const groupNorm = (x: Tensor, numGroups: number, { weight, bias, eps = 1e-5 }: GroupNormOptions = {}): Tensor => {
  if (x.ndim < 2) throw new Error(`groupNorm: input shape ${shapeStr(x.shape)} must be at least 2-D [N, C, ...]`);
  requireFloat("groupNorm", "input", x);
  const [n, c] = x.shape as [number, number];
  if (!Number.isInteger(numGroups) || numGroups < 1 || c % numGroups !== 0)
    throw new Error(`groupNorm: the ${c} channels of input shape ${shapeStr(x.shape)} are not divisible into numGroups=${numGroups} groups`);
  requireShape("groupNorm", "weight", weight, [c], "[C]");
  requireShape("groupNorm", "bias", bias, [c], "[C]");
  const grouped = reshape(x, [n, numGroups, x.size / Math.max(1, n * numGroups)]);
  const xhat = reshape(standardize(grouped, [2], eps).xhat, x.shape);
  return affine(xhat, weight, bias, x.shape.map((d, i) => (i === 1 ? d : 1)));
};

export interface InstanceNormOptions {
  /** Running mean [C]: updated (as a new tensor) with input statistics, or used instead of them (useInputStats false). */
  readonly runningMean?: Tensor | undefined;
  /** Running variance [C], updated with the unbiased per-instance variance averaged over the batch. */
  readonly runningVar?: Tensor | undefined;
  /** Per-channel scale γ [C]. */
  readonly weight?: Tensor | undefined;
  /** Per-channel shift β [C]. */
  readonly bias?: Tensor | undefined;
  /** Normalise each instance with its own statistics (default true, F.instance_norm's use_input_stats). */
  readonly useInputStats?: boolean;
  /** Weight of the new statistic in the running average; default 0.1. */
  readonly momentum?: number;
  /** Added to the variance for stability; default 1e-5. */
  readonly eps?: number;
}

/**
 * Instance normalisation of [N, C, ...]: each sample's channel over its own spatial positions, as F.instance_norm.
 * Running statistics, when given, come back updated beside the output (nothing is mutated).
 * @example
 * instanceNorm(x).output; // x [N, C, H, W], every [H, W] plane standardised
 */
export const instanceNorm = (
  x: Tensor,
  { runningMean, runningVar, weight, bias, useInputStats = true, momentum = 0.1, eps = 1e-5 }: InstanceNormOptions = {},
): BatchNormResult => {
  const op = "instanceNorm";
  if (x.ndim < 3) throw new Error(`${op}: input shape ${shapeStr(x.shape)} must be at least 3-D [N, C, L, ...]`);
  requireFloat(op, "input", x);
  const [n, c] = x.shape as [number, number];
  requireShape(op, "runningMean", runningMean, [c], "[C]");
  requireShape(op, "runningVar", runningVar, [c], "[C]");
  requireShape(op, "weight", weight, [c], "[C]");
  requireShape(op, "bias", bias, [c], "[C]");
  if ((runningMean === undefined) !== (runningVar === undefined))
    throw new Error(`${op}: give both runningMean and runningVar or neither (input shape ${shapeStr(x.shape)})`);
  const channelShape = x.shape.map((d, i) => (i === 1 ? d : 1));
  if (!useInputStats) {
    if (!runningMean || !runningVar)
      throw new Error(`${op}: runningMean and runningVar are required when useInputStats is false, input shape ${shapeStr(x.shape)}`);
    return batchNorm(x, { runningMean, runningVar, weight, bias, training: false, eps });
  }
  const axes = x.shape.flatMap((_, i) => (i < 2 ? [] : [i]));
  const m = x.size / (n * c);
  if (m <= 1) throw new Error(`${op}: expected more than 1 spatial element per channel, got input shape ${shapeStr(x.shape)}`);
  const { xhat, mu, var: v } = standardize(x, axes, eps);
  // PyTorch runs batch norm on [1, N·C, ...] and folds the N copies of the running statistics back by their mean.
  const update = (running: Tensor | undefined, stat: Tensor): Tensor | undefined =>
    running && detach(E.add(E.mul(running, 1 - momentum), E.mul(mean(reshape(detach(stat), [n, c]), 0), momentum)));
  return {
    output: affine(xhat, weight, bias, channelShape),
    runningMean: update(runningMean, mu),
    runningVar: update(runningVar, E.mul(v, m / (m - 1))),
  };
};
