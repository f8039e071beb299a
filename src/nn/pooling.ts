// Pooling layers (torch.nn.MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d): parameterless modules over the functional pools.
import type { Tensor } from "../ops/Tensor.js";
import * as P from "../ops/pool.js";
import { defineModule, type Module } from "./Module.js";
import { pyBool, pyIntOrTuple, pyTuple } from "./_pyrepr.js";

/** Values and flat h·W + w indices, as PyTorch's pools return with return_indices=True. */
export type PoolWithIndices = P.PoolWithIndices;

/** The layer takes the functional op's options (torch.nn.MaxPool2d's constructor arguments). */
export type MaxPool2dOptions = P.MaxPool2dOptions;

/**
 * 2-D max pooling (torch.nn.MaxPool2d).
 * @example
 * nn.maxPool2d({ kernelSize: 3, ceilMode: true });
 */
export function maxPool2d(options: MaxPool2dOptions & { readonly returnIndices: true }): Module<Tensor, PoolWithIndices>;
export function maxPool2d(options: MaxPool2dOptions & { readonly returnIndices?: false }): Module;
export function maxPool2d({ kernelSize, stride, padding = 0, dilation = 1, ceilMode = false, returnIndices = false }: MaxPool2dOptions): Module<Tensor, Tensor | PoolWithIndices> {
  const s = stride ?? kernelSize;
  return defineModule({
    kind: "MaxPool2d",
    config: { kernelSize, stride: s, padding, dilation, ceilMode, returnIndices },
    extraRepr: `kernel_size=${pyIntOrTuple(kernelSize)}, stride=${pyIntOrTuple(s)}, padding=${pyIntOrTuple(padding)}, dilation=${pyIntOrTuple(dilation)}, ceil_mode=${pyBool(ceilMode)}`,
    forward: (_ctx, x: Tensor): Tensor | PoolWithIndices => P.maxPool2d(x, { kernelSize, stride: s, padding, dilation, ceilMode, returnIndices }),
  });
}

export type AvgPool2dOptions = P.AvgPool2dOptions;

/**
 * 2-D average pooling (torch.nn.AvgPool2d).
 * @example
 * nn.avgPool2d({ kernelSize: 2, stride: 2 }); // LeNet's subsampling
 */
export const avgPool2d = ({ kernelSize, stride, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride }: AvgPool2dOptions): Module => {
  const s = stride ?? kernelSize;
  return defineModule({
    kind: "AvgPool2d",
    config: { kernelSize, stride: s, padding, ceilMode, countIncludePad, divisorOverride },
    extraRepr: `kernel_size=${pyIntOrTuple(kernelSize)}, stride=${pyIntOrTuple(s)}, padding=${pyIntOrTuple(padding)}`,
    forward: (_ctx, x: Tensor) => P.avgPool2d(x, { kernelSize, stride: s, padding, ceilMode, countIncludePad, divisorOverride }),
  });
};

export type MaxPool1dOptions = Omit<P.MaxPool1dOptions, "returnIndices">;

/** 1-D max pooling of [N, C, L] (torch.nn.MaxPool1d). */
export const maxPool1d = ({ kernelSize, stride, padding = 0, dilation = 1, ceilMode = false }: MaxPool1dOptions): Module => {
  const s = stride ?? kernelSize;
  return defineModule({
    kind: "MaxPool1d",
    config: { kernelSize, stride: s, padding, dilation, ceilMode },
    extraRepr: `kernel_size=${kernelSize}, stride=${s}, padding=${padding}, dilation=${dilation}, ceil_mode=${pyBool(ceilMode)}`,
    forward: (_ctx, x: Tensor) => P.maxPool1d(x, { kernelSize, stride: s, padding, dilation, ceilMode }),
  });
};

export type AvgPool1dOptions = P.AvgPool1dOptions;

/** 1-D average pooling of [N, C, L] (torch.nn.AvgPool1d). */
export const avgPool1d = ({ kernelSize, stride, padding = 0, ceilMode = false, countIncludePad = true }: AvgPool1dOptions): Module => {
  const s = stride ?? kernelSize;
  return defineModule({
    kind: "AvgPool1d",
    config: { kernelSize, stride: s, padding, ceilMode, countIncludePad },
    // AvgPool1d stores its sizes as 1-tuples, so PyTorch prints them that way.
    extraRepr: `kernel_size=${pyTuple([kernelSize])}, stride=${pyTuple([s])}, padding=${pyTuple([padding])}`,
    forward: (_ctx, x: Tensor) => P.avgPool1d(x, { kernelSize, stride: s, padding, ceilMode, countIncludePad }),
  });
};

const adaptiveRepr = (size: P.AdaptiveSize): string =>
  typeof size === "number" ? String(size) : `(${size.map((d) => (d === null ? "None" : String(d))).join(", ")})`;

/**
 * Average pooling to a fixed output size (torch.nn.AdaptiveAvgPool2d); null keeps that input dimension.
 * @example
 * nn.adaptiveAvgPool2d({ outputSize: [1, 1] }); // global average pooling
 */
export const adaptiveAvgPool2d = ({ outputSize }: { outputSize: P.AdaptiveSize }): Module =>
  defineModule({
    kind: "AdaptiveAvgPool2d",
    config: { outputSize },
    extraRepr: `output_size=${adaptiveRepr(outputSize)}`,
    forward: (_ctx, x: Tensor) => P.adaptiveAvgPool2d(x, outputSize),
  });

/** Max pooling to a fixed output size (torch.nn.AdaptiveMaxPool2d). */
export const adaptiveMaxPool2d = ({ outputSize }: { outputSize: P.AdaptiveSize }): Module =>
  defineModule({
    kind: "AdaptiveMaxPool2d",
    config: { outputSize },
    extraRepr: `output_size=${adaptiveRepr(outputSize)}`,
    forward: (_ctx, x: Tensor) => P.adaptiveMaxPool2d(x, outputSize),
  });
