// Activation layers (torch.nn.ReLU, GELU, Softmax, …): parameterless modules over the functional activations.
import type { Tensor } from "../ops/Tensor.js";
import { relu as reluOp, sigmoid as sigmoidOp, tanh as tanhOp } from "../ops/elementwise.js";
import * as F from "../ops/activation.js";
import { defineModule, type ConfigValue, type Module } from "./Module.js";
import { pyFloat, pyStr } from "./_pyrepr.js";
import { checkNumber } from "./_validate.js";

const elementwise = (kind: string, f: (x: Tensor) => Tensor, extraRepr = "", config: Readonly<Record<string, ConfigValue>> = {}): Module =>
  defineModule({ kind, config, extraRepr, forward: (_ctx, x: Tensor) => f(x) });

/** PyTorch prints int arguments as ints and float ones as floats; JS cannot tell 1 from 1.0, so integral values print as ints here. */
const pyNum = (x: number): string => (Number.isInteger(x) ? String(x) : pyFloat(x));

/**
 * max(x, 0) (torch.nn.ReLU).
 * @example
 * nn.sequential([nn.linear({ inFeatures: 4, outFeatures: 8 }), nn.relu()]);
 */
export const relu = (): Module => elementwise("ReLU", reluOp);
/** min(max(x, 0), 6) (torch.nn.ReLU6). */
export const relu6 = (): Module => elementwise("ReLU6", F.relu6);
/** 1 / (1 + exp(-x)) (torch.nn.Sigmoid). */
export const sigmoid = (): Module => elementwise("Sigmoid", sigmoidOp);
/** tanh(x) (torch.nn.Tanh). */
export const tanh = (): Module => elementwise("Tanh", tanhOp);
/** x·sigmoid(x) (torch.nn.SiLU). */
export const silu = (): Module => elementwise("SiLU", F.silu);
/** x·tanh(softplus(x)) (torch.nn.Mish). */
export const mish = (): Module => elementwise("Mish", F.mish);

/** x for x > 0, else negativeSlope·x (torch.nn.LeakyReLU). */
export const leakyRelu = ({ negativeSlope = 0.01 }: { negativeSlope?: number } = {}): Module => {
  checkNumber("LeakyReLU", "negativeSlope", negativeSlope);
  return elementwise("LeakyReLU", (x) => F.leakyRelu(x, { negativeSlope }), `negative_slope=${pyFloat(negativeSlope)}`, { negativeSlope });
};

/** x for x > 0, else alpha·(exp(x) - 1) (torch.nn.ELU). */
export const elu = ({ alpha = 1 }: { alpha?: number } = {}): Module => {
  checkNumber("ELU", "alpha", alpha);
  return elementwise("ELU", (x) => F.elu(x, { alpha }), `alpha=${pyFloat(alpha)}`, { alpha });
};

/** x·Φ(x), exactly or with the tanh approximation (torch.nn.GELU). */
export const gelu = ({ approximate = "none" }: { approximate?: "none" | "tanh" } = {}): Module => {
  if (approximate !== "none" && approximate !== "tanh") throw new Error(`GELU: approximate must be "none" or "tanh", got ${JSON.stringify(approximate)}`);
  return elementwise("GELU", (x) => F.gelu(x, { approximate }), `approximate=${pyStr(approximate)}`, { approximate });
};

/** log(1 + exp(beta·x)) / beta, linear above the threshold (torch.nn.Softplus). */
export const softplus = ({ beta = 1, threshold = 20 }: { beta?: number; threshold?: number } = {}): Module => {
  checkNumber("Softplus", "beta", beta);
  checkNumber("Softplus", "threshold", threshold);
  return elementwise("Softplus", (x) => F.softplus(x, { beta, threshold }), `beta=${pyNum(beta)}, threshold=${pyNum(threshold)}`, { beta, threshold });
};

/** Clamps to [minVal, maxVal] (torch.nn.Hardtanh). */
export const hardtanh = ({ minVal = -1, maxVal = 1 }: { minVal?: number; maxVal?: number } = {}): Module => {
  if (!(minVal <= maxVal)) throw new Error(`Hardtanh: minVal ${minVal} must not exceed maxVal ${maxVal}`);
  return elementwise("Hardtanh", (x) => F.hardtanh(x, { minVal, maxVal }), `min_val=${pyFloat(minVal)}, max_val=${pyFloat(maxVal)}`, { minVal, maxVal });
};

/** PyTorch's legacy choice when no dim is given: 0 for 0-, 1- and 3-D inputs, else 1 (torch.nn.functional._get_softmax_dim). */
const legacyDim = (ndim: number): number => (ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1);

const softmaxLike = (kind: string, f: (x: Tensor, axis: number) => Tensor, dim: number | null): Module => {
  if (dim !== null && !Number.isInteger(dim)) throw new Error(`${kind}: dim must be an integer or null, got ${String(dim)}`);
  return defineModule({
    kind,
    config: { dim },
    extraRepr: `dim=${dim === null ? "None" : dim}`,
    forward: (_ctx, x: Tensor) => f(x, dim ?? legacyDim(x.ndim)),
  });
};

/**
 * Softmax along `dim` (torch.nn.Softmax); without a dim, PyTorch's legacy rule picks one.
 * @example
 * nn.softmax({ dim: 1 }); // probabilities over classes of [N, C] logits
 */
export const softmax = ({ dim = null }: { dim?: number | null } = {}): Module => softmaxLike("Softmax", F.softmax, dim);
/** log(softmax(x)) along `dim` (torch.nn.LogSoftmax). */
export const logSoftmax = ({ dim = null }: { dim?: number | null } = {}): Module => softmaxLike("LogSoftmax", F.logSoftmax, dim);
