// Convolutions over NCHW as torch.nn.functional computes them: conv1d/conv2d through the conv primitive, convTranspose1d/2d through convInputGrad.
import type { Tensor } from "./Tensor.js";
import { applyPrim } from "./apply.js";
import { shapeStr } from "./_shape.js";
import { add } from "./elementwise.js";
import { reshape } from "./layout.js";
import { batched, checkFloat, pair, single, type Pair } from "./_window.js";

export type { Pair } from "./_window.js";

/** Options of conv2d (torch.nn.functional.conv2d). */
export interface Conv2dOptions {
  /** Added to each output channel; shape [Cout]. */
  readonly bias?: Tensor | undefined;
  readonly stride?: Pair;
  /** Zero padding on each side, "valid" (none), or "same" (output size = input size; stride 1 only). */
  readonly padding?: Pair | "valid" | "same";
  readonly dilation?: Pair;
  /** Independent channel groups; groups = Cin with Cout = k·Cin is a depthwise convolution. */
  readonly groups?: number;
}

/** Options of conv1d (torch.nn.functional.conv1d). */
export interface Conv1dOptions {
  readonly bias?: Tensor | undefined;
  readonly stride?: number;
  readonly padding?: number | "valid" | "same";
  readonly dilation?: number;
  readonly groups?: number;
}

/** Options of convTranspose2d (torch.nn.functional.conv_transpose2d). */
export interface ConvTranspose2dOptions {
  readonly bias?: Tensor | undefined;
  readonly stride?: Pair;
  /** Removed from each side of the output (the padding of the convolution this transposes). */
  readonly padding?: Pair;
  /** Added to the bottom/right of the output to pick one of the sizes a strided convolution maps from. */
  readonly outputPadding?: Pair;
  readonly dilation?: Pair;
  readonly groups?: number;
}

type Quad = readonly [number, number, number, number];

interface Geometry {
  readonly stride: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
}

/** The spatial part of a shape for messages: conv1d works on [.., 1, L] internally but reports [L]. */
const spatial = (v: readonly number[], dims: number): string => shapeStr(v.slice(v.length - dims));

/** Checks groups, channel counts, dtypes and bias; the shapes named are the caller's (x and w as given). */
const checkChannels = (op: string, x: Tensor, w: Tensor, cin: number, wIn: number, wOut: number, groups: number, transposed: boolean, bias: Tensor | undefined): void => {
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${groups}`);
  checkFloat(op, "input", x);
  checkFloat(op, "weight", w);
  if (transposed) {
    if (cin !== w.shape[0])
      throw new Error(`${op}: input shape ${shapeStr(x.shape)} has ${cin} channels but weight shape ${shapeStr(w.shape)} expects ${w.shape[0]} (weight.shape[0] = Cin)`);
    if (cin % groups !== 0) throw new Error(`${op}: weight shape ${shapeStr(w.shape)} has ${cin} input channels, not divisible by groups ${groups}`);
  } else {
    if (wOut % groups !== 0) throw new Error(`${op}: weight shape ${shapeStr(w.shape)} has ${wOut} output channels, not divisible by groups ${groups}`);
    if (cin !== wIn * groups)
      throw new Error(`${op}: input shape ${shapeStr(x.shape)} has ${cin} channels but weight shape ${shapeStr(w.shape)} with groups ${groups} expects ${wIn * groups} (weight.shape[1] × groups)`);
  }
  const cout = transposed ? wIn * groups : wOut;
  if (bias !== undefined) {
    checkFloat(op, "bias", bias);
    if (bias.ndim !== 1 || bias.shape[0] !== cout)
      throw new Error(`${op}: bias shape ${shapeStr(bias.shape)} must be [${cout}] (one value per output channel)`);
  }
};

/** [top, bottom, left, right] zero padding; "same" puts the odd extra on the bottom/right, as PyTorch does. */
const convPadding = (op: string, dims: number, padding: Pair | "valid" | "same", k: readonly number[], g: Geometry): Quad => {
  if (padding === "valid") return [0, 0, 0, 0];
  if (padding === "same") {
    if (g.stride[0] !== 1 || g.stride[1] !== 1)
      throw new Error(`${op}: padding "same" is not supported for strided convolutions (stride ${spatial(g.stride, dims)})`);
    const total = [g.dilation[0] * (k[0]! - 1), g.dilation[1] * (k[1]! - 1)];
    return [Math.floor(total[0]! / 2), Math.ceil(total[0]! / 2), Math.floor(total[1]! / 2), Math.ceil(total[1]! / 2)];
  }
  if (typeof padding === "string") throw new Error(`${op}: padding must be a number, a pair, "valid" or "same", got "${padding as string}"`);
  const [ph, pw] = pair(op, "padding", padding, 0);
  return [ph, ph, pw, pw];
};

/** x [N, Cin, H, W] ⊛ w [Cout, Cin/G, kh, kw] → [N, Cout, OH, OW] through the conv primitive; messages name the caller's dims. */
const convCore = (op: string, dims: number, x: Tensor, w: Tensor, pad: Quad, g: Geometry, origX: Tensor): Tensor => {
  const [, , h, wd] = x.shape as [number, number, number, number];
  const [, , kh, kw] = w.shape as [number, number, number, number];
  const eff = [g.dilation[0] * (kh - 1) + 1, g.dilation[1] * (kw - 1) + 1];
  const padded = [h + pad[0] + pad[1], wd + pad[2] + pad[3]];
  if (eff[0]! > padded[0]! || eff[1]! > padded[1]!)
    throw new Error(
      `${op}: kernel size ${spatial([kh, kw], dims)} (dilated ${spatial(eff, dims)}) is larger than the padded input size ${spatial(padded, dims)} (input shape ${shapeStr(origX.shape)})`,
    );
  return applyPrim("conv", [x, w], { stride: g.stride, dilation: g.dilation, padding: pad, groups: g.groups });
};

const withBias = (y: Tensor, bias: Tensor | undefined): Tensor =>
  bias === undefined ? y : add(y, reshape(bias, [1, bias.shape[0]!, 1, 1]));

/**
 * 2-D convolution (cross-correlation) of NCHW input with [Cout, Cin/groups, kH, kW] weights, as torch.nn.functional.conv2d.
 * @example
 * conv2d(x, w, { padding: 1 }).shape; // x [1, 1, 5, 5], w [1, 1, 3, 3] → [1, 1, 5, 5]
 */
export const conv2d = (x: Tensor, weight: Tensor, { bias, stride = 1, padding = 0, dilation = 1, groups = 1 }: Conv2dOptions = {}): Tensor => {
  const op = "conv2d";
  const bx = batched(op, x, 2, "C, H, W");
  if (weight.ndim !== 4) throw new Error(`${op}: weight shape ${shapeStr(weight.shape)} must be 4-D [Cout, Cin/groups, kH, kW]`);
  checkChannels(op, x, weight, bx.x.shape[1]!, weight.shape[1]!, weight.shape[0]!, groups, false, bias);
  const g: Geometry = { stride: pair(op, "stride", stride, 1), dilation: pair(op, "dilation", dilation, 1), groups };
  const pad = convPadding(op, 2, padding, weight.shape.slice(2), g);
  return bx.unbatch(withBias(convCore(op, 2, bx.x, weight, pad, g, x), bias));
};

/**
 * 1-D convolution of [N, C, L] input with [Cout, Cin/groups, k] weights, as torch.nn.functional.conv1d.
 * @example
 * conv1d(x, w, { padding: "same" }).shape; // x [2, 4, 10], w [8, 4, 3] → [2, 8, 10]
 */
export const conv1d = (x: Tensor, weight: Tensor, { bias, stride = 1, padding = 0, dilation = 1, groups = 1 }: Conv1dOptions = {}): Tensor => {
  const op = "conv1d";
  const bx = batched(op, x, 1, "C, L");
  if (weight.ndim !== 3) throw new Error(`${op}: weight shape ${shapeStr(weight.shape)} must be 3-D [Cout, Cin/groups, k]`);
  checkChannels(op, x, weight, bx.x.shape[1]!, weight.shape[1]!, weight.shape[0]!, groups, false, bias);
  // A length-L signal is a 1×L image; the height axis gets a unit kernel, stride and no padding.
  const g: Geometry = { stride: [1, single(op, "stride", stride, 1)], dilation: [1, single(op, "dilation", dilation, 1)], groups };
  const w4 = reshape(weight, [weight.shape[0]!, weight.shape[1]!, 1, weight.shape[2]!]);
  const pad = convPadding(op, 1, typeof padding === "number" ? [0, single(op, "padding", padding, 0)] : padding, w4.shape.slice(2), g);
  const [n, c, l] = bx.x.shape as [number, number, number];
  const y = withBias(convCore(op, 1, reshape(bx.x, [n, c, 1, l]), w4, pad, g, x), bias);
  return bx.unbatch(reshape(y, [y.shape[0]!, y.shape[1]!, y.shape[3]!]));
};

/** col2im of wᵀ·x (convInputGrad): x [N, Cin, H, W] with w [Cin, Cout/G, kh, kw] → [N, Cout, OH, OW]; messages name the caller's dims. */
const transposeCore = (
  op: string, dims: number, x: Tensor, weight: Tensor, s: [number, number], d: [number, number], pad: [number, number],
  op2: [number, number], groups: number, origX: Tensor, origW: Tensor,
): Tensor => {
  const [, , h, w] = x.shape as [number, number, number, number];
  const [ph, pw] = pad;
  if (!(op2[0] < Math.max(s[0], d[0]) && op2[1] < Math.max(s[1], d[1])))
    throw new Error(`${op}: outputPadding ${spatial(op2, dims)} must be smaller than either stride ${spatial(s, dims)} or dilation ${spatial(d, dims)}`);
  const [, coutG, kh, kw] = weight.shape as [number, number, number, number];
  const oh = (h - 1) * s[0] - 2 * ph + d[0] * (kh - 1) + op2[0] + 1;
  const ow = (w - 1) * s[1] - 2 * pw + d[1] * (kw - 1) + op2[1] + 1;
  if (oh <= 0 || ow <= 0)
    throw new Error(`${op}: output size ${spatial([oh, ow], dims)} is not positive (input shape ${shapeStr(origX.shape)}, weight shape ${shapeStr(origW.shape)}, padding ${spatial(pad, dims)})`);
  // The bottom/right padding is trimmed by outputPadding so that exactly H×W windows fit the output; it goes
  // negative only when stride ≤ outputPadding < dilation, where the kernels simply clip.
  const trim = [Math.max(0, op2[0] - s[0] + 1), Math.max(0, op2[1] - s[1] + 1)];
  // The gradient of a convolution over the output with respect to its input: each input pixel scatters its patch.
  return applyPrim("convInputGrad", [x, weight], {
    stride: s,
    dilation: d,
    padding: [ph, ph - trim[0]!, pw, pw - trim[1]!],
    groups,
    size: [oh, ow],
  });
};

/**
 * Transposed 2-D convolution (the gradient of conv2d with respect to its input), weights [Cin, Cout/groups, kH, kW],
 * as torch.nn.functional.conv_transpose2d.
 * @example
 * convTranspose2d(x, w, { stride: 2, padding: 1, outputPadding: 1 }).shape; // x [1, 4, 8, 8], w [4, 2, 3, 3] → [1, 2, 16, 16]
 */
export const convTranspose2d = (
  x: Tensor,
  weight: Tensor,
  { bias, stride = 1, padding = 0, outputPadding = 0, dilation = 1, groups = 1 }: ConvTranspose2dOptions = {},
): Tensor => {
  const op = "convTranspose2d";
  const bx = batched(op, x, 2, "C, H, W");
  if (weight.ndim !== 4) throw new Error(`${op}: weight shape ${shapeStr(weight.shape)} must be 4-D [Cin, Cout/groups, kH, kW]`);
  checkChannels(op, x, weight, bx.x.shape[1]!, weight.shape[1]!, weight.shape[0]!, groups, true, bias);
  const s = pair(op, "stride", stride, 1);
  const d = pair(op, "dilation", dilation, 1);
  const pad = pair(op, "padding", padding, 0);
  const op2 = pair(op, "outputPadding", outputPadding, 0);
  return bx.unbatch(withBias(transposeCore(op, 2, bx.x, weight, s, d, pad, op2, groups, x, weight), bias));
};

/** Options of convTranspose1d (torch.nn.functional.conv_transpose1d). */
export interface ConvTranspose1dOptions {
  readonly bias?: Tensor | undefined;
  readonly stride?: number;
  /** Removed from each end of the output (the padding of the convolution this transposes). */
  readonly padding?: number;
  /** Added to the end of the output to pick one of the lengths a strided convolution maps from. */
  readonly outputPadding?: number;
  readonly dilation?: number;
  readonly groups?: number;
}

/**
 * Transposed 1-D convolution of [N, Cin, L] (or unbatched [Cin, L]) with weights [Cin, Cout/groups, k], as
 * torch.nn.functional.conv_transpose1d: a 1×L image through the 2-D transposed convolution.
 * @example
 * convTranspose1d(x, w, { stride: 2 }).shape; // x [1, 4, 8], w [4, 2, 2] → [1, 2, 16]
 */
export const convTranspose1d = (
  x: Tensor,
  weight: Tensor,
  { bias, stride = 1, padding = 0, outputPadding = 0, dilation = 1, groups = 1 }: ConvTranspose1dOptions = {},
): Tensor => {
  const op = "convTranspose1d";
  const bx = batched(op, x, 1, "C, L");
  if (weight.ndim !== 3) throw new Error(`${op}: weight shape ${shapeStr(weight.shape)} must be 3-D [Cin, Cout/groups, k]`);
  checkChannels(op, x, weight, bx.x.shape[1]!, weight.shape[1]!, weight.shape[0]!, groups, true, bias);
  const s = single(op, "stride", stride, 1);
  const d = single(op, "dilation", dilation, 1);
  const p = single(op, "padding", padding, 0);
  const o = single(op, "outputPadding", outputPadding, 0);
  const [n, c, l] = bx.x.shape as [number, number, number];
  const w4 = reshape(weight, [weight.shape[0]!, weight.shape[1]!, 1, weight.shape[2]!]);
  const y = withBias(transposeCore(op, 1, reshape(bx.x, [n, c, 1, l]), w4, [1, s], [1, d], [0, p], [0, o], groups, x, weight), bias);
  return bx.unbatch(reshape(y, [y.shape[0]!, y.shape[1]!, y.shape[3]!]));
};
