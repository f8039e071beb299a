// Normalisation layers (torch.nn.BatchNorm1d/2d, InstanceNorm1d/2d, LayerNorm, GroupNorm); running statistics live in the state.
import type { Tensor } from "../ops/Tensor.js";
import { add } from "../ops/elementwise.js";
import { scalar } from "../ops/creation.js";
import { batchNorm as batchNormOp, groupNorm as groupNormOp, instanceNorm as instanceNormOp, layerNorm as layerNormOp } from "../ops/normalization.js";
import { reshape } from "../ops/layout.js";
import { sameShape, shapeStr, type Shape } from "../ops/_shape.js";
import { defineModule, type Module, type TensorSpec } from "./Module.js";
import { ones, zeros } from "./init.js";
import { pyBool, pyFloat, pyTuple } from "./_pyrepr.js";
import { checkBool, checkInt, checkNumber } from "./_validate.js";

export interface BatchNormOptions {
  readonly numFeatures: number;
  readonly eps?: number;
  /** Weight of each batch in the running averages (default 0.1); null for a cumulative average over all batches. */
  readonly momentum?: number | null;
  /** Learn a per-channel scale and shift (default true). */
  readonly affine?: boolean;
  /** Keep running statistics for evaluation (default true); without them batch statistics are used in both modes. */
  readonly trackRunningStats?: boolean;
}

const affineSpecs = (shape: Shape): { weight: TensorSpec; bias: TensorSpec } => ({
  weight: { shape, init: ones() },
  bias: { shape, init: zeros() },
});

/** The running-statistics buffers of batch and instance norm ([C] mean and variance, a step counter), or none. */
const runningStats = (c: number, track: boolean): Record<string, TensorSpec> =>
  track
    ? {
        running_mean: { shape: [c], init: zeros() },
        running_var: { shape: [c], init: ones() },
        num_batches_tracked: { shape: [], init: () => scalar(0, { dtype: "int32" }) },
      }
    : {};

const batchNormLayer = (kind: string, ranks: readonly number[], o: BatchNormOptions): Module => {
  const { numFeatures: c, eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true } = o;
  checkInt(kind, "numFeatures", c);
  checkNumber(kind, "eps", eps);
  if (momentum !== null) checkNumber(kind, "momentum", momentum);
  checkBool(kind, "affine", affine);
  checkBool(kind, "trackRunningStats", trackRunningStats);
  return defineModule({
    kind,
    config: { numFeatures: c, eps, momentum, affine, trackRunningStats },
    extraRepr: `${c}, eps=${pyFloat(eps)}, momentum=${momentum === null ? "None" : pyFloat(momentum)}, affine=${pyBool(affine)}, track_running_stats=${pyBool(trackRunningStats)}`,
    params: { ...(affine ? affineSpecs([c]) : {}) },
    state: runningStats(c, trackRunningStats),
    forward: ({ params, state, training, fail, setState }, x: Tensor) => {
      if (!ranks.includes(x.ndim)) fail(`expected ${ranks.map((r) => `${r}D`).join(" or ")} input (got ${x.ndim}D input of shape ${shapeStr(x.shape)})`);
      if (x.shape[1] !== c) fail(`input shape ${shapeStr(x.shape)} has ${x.shape[1]} channels, expected numFeatures=${c}`);
      const weight = affine ? params.weight : undefined;
      const bias = affine ? params.bias : undefined;
      if (!trackRunningStats) return batchNormOp(x, { weight, bias, training: true, eps }).output;
      if (!training) return batchNormOp(x, { weight, bias, runningMean: state.running_mean, runningVar: state.running_var, training: false, eps }).output;
      const count = add(state.num_batches_tracked, 1);
      // momentum null is PyTorch's cumulative moving average: batch k gets weight 1/k.
      const factor = momentum ?? 1 / count.item();
      const r = batchNormOp(x, { weight, bias, runningMean: state.running_mean, runningVar: state.running_var, training: true, momentum: factor, eps });
      setState({ running_mean: r.runningMean!, running_var: r.runningVar!, num_batches_tracked: count });
      return r.output;
    },
  });
};

/**
 * Batch normalisation over [N, C] or [N, C, L] (torch.nn.BatchNorm1d); running statistics live in the state.
 * @example
 * const { output, state } = bn.apply({ params, state }, x, { training: true }); // state has the updated running stats
 */
export const batchNorm1d = (options: BatchNormOptions): Module => batchNormLayer("BatchNorm1d", [2, 3], options);

/**
 * Batch normalisation over [N, C, H, W] (torch.nn.BatchNorm2d); state: running_mean, running_var, num_batches_tracked.
 * @example
 * nn.sequential([nn.conv2d({ inChannels: 3, outChannels: 8, kernelSize: 3 }), nn.batchNorm2d({ numFeatures: 8 }), nn.relu()]);
 */
export const batchNorm2d = (options: BatchNormOptions): Module => batchNormLayer("BatchNorm2d", [4], options);

export interface LayerNormOptions {
  /** The trailing dimensions normalised over (an int is one dimension). */
  readonly normalizedShape: number | Shape;
  readonly eps?: number;
  /** Learn an elementwise scale and shift of normalizedShape (default true). */
  readonly elementwiseAffine?: boolean;
}

/**
 * Layer normalisation over the trailing `normalizedShape` dimensions (torch.nn.LayerNorm).
 * @example
 * nn.layerNorm({ normalizedShape: 512 });
 */
export const layerNorm = ({ normalizedShape, eps = 1e-5, elementwiseAffine = true }: LayerNormOptions): Module => {
  const kind = "LayerNorm";
  const shape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
  if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 0))
    throw new Error(`${kind}: normalizedShape must be a non-negative integer or a non-empty list of them, got ${JSON.stringify(normalizedShape)}`);
  checkNumber(kind, "eps", eps);
  checkBool(kind, "elementwiseAffine", elementwiseAffine);
  return defineModule({
    kind,
    config: { normalizedShape: shape, eps, elementwiseAffine },
    extraRepr: `${pyTuple(shape)}, eps=${pyFloat(eps)}, elementwise_affine=${pyBool(elementwiseAffine)}`,
    params: { ...(elementwiseAffine ? affineSpecs(shape) : {}) },
    forward: ({ params, fail }, x: Tensor) => {
      if (x.ndim < shape.length || !sameShape(x.shape.slice(x.ndim - shape.length), shape))
        fail(`input shape ${shapeStr(x.shape)} must end in normalizedShape ${shapeStr(shape)}`);
      return layerNormOp(x, shape, elementwiseAffine ? { weight: params.weight, bias: params.bias, eps } : { eps });
    },
  });
};

export interface GroupNormOptions {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps?: number;
  /** Learn a per-channel scale and shift (default true). */
  readonly affine?: boolean;
}

/**
 * Group normalisation of [N, C, ...] over groups of channels (torch.nn.GroupNorm).
 * @example
 * nn.groupNorm({ numGroups: 2, numChannels: 6 });
 */
export const groupNorm = ({ numGroups, numChannels, eps = 1e-5, affine = true }: GroupNormOptions): Module => {
  const kind = "GroupNorm";
  checkInt(kind, "numGroups", numGroups);
  checkInt(kind, "numChannels", numChannels);
  if (numChannels % numGroups !== 0) throw new Error(`${kind}: numChannels=${numChannels} must be divisible by numGroups=${numGroups}`);
  checkNumber(kind, "eps", eps);
  checkBool(kind, "affine", affine);
  return defineModule({
    kind,
    config: { numGroups, numChannels, eps, affine },
    extraRepr: `${numGroups}, ${numChannels}, eps=${pyFloat(eps)}, affine=${pyBool(affine)}`,
    params: { ...(affine ? affineSpecs([numChannels]) : {}) },
    forward: ({ params, fail }, x: Tensor) => {
      if (x.ndim < 2 || x.shape[1] !== numChannels)
        fail(`input shape ${shapeStr(x.shape)} must be [N, numChannels=${numChannels}, ...]`);
      return groupNormOp(x, numGroups, affine ? { weight: params.weight, bias: params.bias, eps } : { eps });
    },
  });
};

export interface InstanceNormOptions {
  readonly numFeatures: number;
  readonly eps?: number;
  /** Weight of each batch in the running averages (default 0.1). */
  readonly momentum?: number;
  /** Learn a per-channel scale and shift (default false, as PyTorch). */
  readonly affine?: boolean;
  /** Keep running statistics and use them in evaluation (default false, as PyTorch). */
  readonly trackRunningStats?: boolean;
}

const instanceNormLayer = (kind: string, spatial: number, o: InstanceNormOptions): Module => {
  const { numFeatures: c, eps = 1e-5, momentum = 0.1, affine = false, trackRunningStats = false } = o;
  checkInt(kind, "numFeatures", c);
  checkNumber(kind, "eps", eps);
  checkNumber(kind, "momentum", momentum);
  checkBool(kind, "affine", affine);
  checkBool(kind, "trackRunningStats", trackRunningStats);
  return defineModule({
    kind,
    config: { numFeatures: c, eps, momentum, affine, trackRunningStats },
    extraRepr: `${c}, eps=${pyFloat(eps)}, momentum=${pyFloat(momentum)}, affine=${pyBool(affine)}, track_running_stats=${pyBool(trackRunningStats)}`,
    params: { ...(affine ? affineSpecs([c]) : {}) },
    // PyTorch registers num_batches_tracked for InstanceNorm too (it is in the state_dict) but never advances it.
    state: runningStats(c, trackRunningStats),
    forward: ({ params, state, training, fail, setState }, input: Tensor) => {
      const rank = spatial + 2;
      if (input.ndim !== rank && input.ndim !== rank - 1)
        fail(`expected ${rank - 1}D (unbatched) or ${rank}D (batched) input (got ${input.ndim}D input of shape ${shapeStr(input.shape)})`);
      const x = input.ndim === rank ? input : reshape(input, [1, ...input.shape]);
      // As PyTorch: a channel count other than numFeatures is an error only where per-channel tensors must match it.
      if ((affine || trackRunningStats) && x.shape[1] !== c)
        fail(`input shape ${shapeStr(input.shape)} has ${x.shape[1]} channels, expected numFeatures=${c}`);
      const useInputStats = training || !trackRunningStats;
      const r = instanceNormOp(x, {
        weight: affine ? params.weight : undefined,
        bias: affine ? params.bias : undefined,
        runningMean: trackRunningStats ? state.running_mean : undefined,
        runningVar: trackRunningStats ? state.running_var : undefined,
        useInputStats,
        momentum,
        eps,
      });
      if (trackRunningStats && useInputStats) setState({ running_mean: r.runningMean!, running_var: r.runningVar!, num_batches_tracked: state.num_batches_tracked! });
      return input.ndim === rank ? r.output : reshape(r.output, input.shape);
    },
  });
};

/**
 * Instance normalisation of [N, C, L] or unbatched [C, L] (torch.nn.InstanceNorm1d): each sample's channel on its own.
 * @example
 * nn.instanceNorm1d({ numFeatures: 4, affine: true });
 */
export const instanceNorm1d = (options: InstanceNormOptions): Module => instanceNormLayer("InstanceNorm1d", 1, options);

/**
 * Instance normalisation of [N, C, H, W] or unbatched [C, H, W] (torch.nn.InstanceNorm2d), as in style transfer.
 * @example
 * nn.instanceNorm2d({ numFeatures: 64, trackRunningStats: true }); // state: running_mean, running_var, num_batches_tracked
 */
export const instanceNorm2d = (options: InstanceNormOptions): Module => instanceNormLayer("InstanceNorm2d", 2, options);
