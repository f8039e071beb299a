// Convolution layers (torch.nn.Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d) with PyTorch's weight layouts, padding modes and default initialisation.
import type { Tensor } from "../ops/Tensor.js";
import { conv1d as conv1dOp, conv2d as conv2dOp, convTranspose1d as convTranspose1dOp, convTranspose2d as convTranspose2dOp } from "../ops/conv.js";
import { pad as padOp, type PadMode } from "../ops/padding.js";
import { shapeStr } from "../ops/_shape.js";
import { defineModule, type Module } from "./Module.js";
import { calculateFanInAndFanOut, kaimingUniform, uniform } from "./init.js";
import { pyTuple } from "./_pyrepr.js";
import { checkBool, checkInt, checkTuple } from "./_validate.js";

export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";

/** Conv2d's constructor arguments (torch.nn.Conv2d); sizes are an int or one per spatial axis. */
export interface Conv2dOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number | readonly [number, number];
  readonly stride?: number | readonly [number, number];
  readonly padding?: number | readonly [number, number] | "valid" | "same";
  readonly dilation?: number | readonly [number, number];
  readonly groups?: number;
  readonly bias?: boolean;
  /** How the border is filled: zeros (default) or PyTorch's reflect/replicate/circular padding of the input. */
  readonly paddingMode?: PaddingMode;
}

/** Conv1d's constructor arguments (torch.nn.Conv1d). */
export interface Conv1dOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number | readonly [number];
  readonly stride?: number | readonly [number];
  readonly padding?: number | readonly [number] | "valid" | "same";
  readonly dilation?: number | readonly [number];
  readonly groups?: number;
  readonly bias?: boolean;
  readonly paddingMode?: PaddingMode;
}

const PADDING_MODES: readonly string[] = ["zeros", "reflect", "replicate", "circular"];

type Op = (x: Tensor, w: Tensor, o: { bias?: Tensor | undefined; stride: number[]; padding: number[] | "valid" | "same"; dilation: number[]; groups: number }) => Tensor;

/** The weight/bias specs and the checked geometry shared by the convolutions. */
const convLayer = (kind: string, dims: 1 | 2, o: Conv2dOptions | Conv1dOptions, op: Op): Module => {
  const { inChannels, outChannels, groups = 1, bias = true, paddingMode = "zeros" } = o;
  checkInt(kind, "inChannels", inChannels);
  checkInt(kind, "outChannels", outChannels);
  checkInt(kind, "groups", groups);
  checkBool(kind, "bias", bias);
  if (inChannels % groups !== 0) throw new Error(`${kind}: inChannels=${inChannels} must be divisible by groups=${groups}`);
  if (outChannels % groups !== 0) throw new Error(`${kind}: outChannels=${outChannels} must be divisible by groups=${groups}`);
  if (!PADDING_MODES.includes(paddingMode))
    throw new Error(`${kind}: paddingMode must be one of ${PADDING_MODES.map((m) => `"${m}"`).join(", ")}, got "${String(paddingMode)}"`);
  const kernel = checkTuple(kind, "kernelSize", o.kernelSize, dims);
  const stride = checkTuple(kind, "stride", o.stride ?? 1, dims);
  const dilation = checkTuple(kind, "dilation", o.dilation ?? 1, dims);
  const padding = o.padding ?? 0;
  if (typeof padding === "string") {
    if (padding !== "valid" && padding !== "same") throw new Error(`${kind}: invalid padding string "${padding}", should be one of "valid", "same"`);
    if (padding === "same" && stride.some((s) => s !== 1))
      throw new Error(`${kind}: padding "same" is not supported for strided convolutions (stride ${pyTuple(stride)})`);
  }
  const padTuple = typeof padding === "string" ? padding : checkTuple(kind, "padding", padding, dims, 0);
  const weightShape = [outChannels, inChannels / groups, ...kernel];
  const bound = (({ fanIn }) => (fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0))(calculateFanInAndFanOut(weightShape));
  // Non-zero padding modes pad the input first (last axis first, as F.pad), then convolve without padding.
  const inputPad: number[] | null =
    paddingMode === "zeros" || padTuple === "valid"
      ? null
      : kernel
          .map((k, i) => {
            if (padTuple !== "same") return [padTuple[i]!, padTuple[i]!];
            const total = dilation[i]! * (k - 1);
            return [Math.floor(total / 2), total - Math.floor(total / 2)];
          })
          .reverse()
          .flat();
  let repr = `${inChannels}, ${outChannels}, kernel_size=${pyTuple(kernel)}, stride=${pyTuple(stride)}`;
  if (typeof padTuple === "string") repr += `, padding=${padTuple}`;
  else if (padTuple.some((p) => p !== 0)) repr += `, padding=${pyTuple(padTuple)}`;
  if (dilation.some((d) => d !== 1)) repr += `, dilation=${pyTuple(dilation)}`;
  if (groups !== 1) repr += `, groups=${groups}`;
  if (!bias) repr += ", bias=False";
  if (paddingMode !== "zeros") repr += `, padding_mode=${paddingMode}`;
  return defineModule({
    kind,
    config: { inChannels, outChannels, kernelSize: kernel, stride, padding: padTuple, dilation, groups, bias, paddingMode },
    extraRepr: repr,
    params: {
      weight: { shape: weightShape, init: kaimingUniform({ a: Math.sqrt(5) }) },
      ...(bias ? { bias: { shape: [outChannels], init: uniform({ a: -bound, b: bound }) } } : {}),
    },
    forward: ({ params, fail }, x: Tensor) => {
      const c = x.shape[x.ndim - dims - 1];
      if ((x.ndim === dims + 1 || x.ndim === dims + 2) && c !== inChannels)
        fail(`input shape ${shapeStr(x.shape)} has ${c} channels, expected inChannels=${inChannels}`);
      const input = inputPad ? padOp(x, inputPad, { mode: paddingMode as PadMode }) : x;
      return op(input, params.weight, {
        bias: bias ? params.bias : undefined,
        stride,
        padding: inputPad ? kernel.map(() => 0) : padTuple,
        dilation,
        groups,
      });
    },
  });
};

/**
 * 2-D convolution over [N, C, H, W] (torch.nn.Conv2d); weight [out, in/groups, kh, kw], kaiming-uniform (a = √5)
 * and bias uniform on ±1/√fan_in, PyTorch's defaults.
 * @example
 * nn.conv2d({ inChannels: 1, outChannels: 6, kernelSize: 5, padding: 2 }); // LeNet's first layer
 */
export const conv2d = (options: Conv2dOptions): Module =>
  convLayer("Conv2d", 2, options, (x, w, o) => conv2dOp(x, w, { ...o, stride: o.stride as [number, number], dilation: o.dilation as [number, number], padding: typeof o.padding === "string" ? o.padding : (o.padding as [number, number]) }));

/**
 * 1-D convolution over [N, C, L] (torch.nn.Conv1d); weight [out, in/groups, k].
 * @example
 * nn.conv1d({ inChannels: 4, outChannels: 8, kernelSize: 3, padding: "same" });
 */
export const conv1d = (options: Conv1dOptions): Module =>
  convLayer("Conv1d", 1, options, (x, w, o) => conv1dOp(x, w, { ...o, stride: o.stride[0]!, dilation: o.dilation[0]!, padding: typeof o.padding === "string" ? o.padding : o.padding[0]! }));

/** ConvTranspose2d's constructor arguments (torch.nn.ConvTranspose2d). */
export interface ConvTranspose2dOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number | readonly [number, number];
  readonly stride?: number | readonly [number, number];
  readonly padding?: number | readonly [number, number];
  readonly outputPadding?: number | readonly [number, number];
  readonly groups?: number;
  readonly bias?: boolean;
  readonly dilation?: number | readonly [number, number];
}

/** ConvTranspose1d's constructor arguments (torch.nn.ConvTranspose1d). */
export interface ConvTranspose1dOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number | readonly [number];
  readonly stride?: number | readonly [number];
  readonly padding?: number | readonly [number];
  readonly outputPadding?: number | readonly [number];
  readonly groups?: number;
  readonly bias?: boolean;
  readonly dilation?: number | readonly [number];
}

type TransposeOptions = ConvTranspose1dOptions | ConvTranspose2dOptions;

/** The shared body of ConvTranspose1d/2d: checks, PyTorch's weight layout [in, out/groups, ...k], init and repr. */
const convTransposeLayer = (kind: string, dims: 1 | 2, o: TransposeOptions, op: (x: Tensor, w: Tensor, bias: Tensor | undefined, g: Geometry) => Tensor): Module => {
  const { inChannels, outChannels, groups = 1, bias = true } = o;
  checkInt(kind, "inChannels", inChannels);
  checkInt(kind, "outChannels", outChannels);
  checkInt(kind, "groups", groups);
  checkBool(kind, "bias", bias);
  if (inChannels % groups !== 0) throw new Error(`${kind}: inChannels=${inChannels} must be divisible by groups=${groups}`);
  if (outChannels % groups !== 0) throw new Error(`${kind}: outChannels=${outChannels} must be divisible by groups=${groups}`);
  const kernel = checkTuple(kind, "kernelSize", o.kernelSize, dims);
  const stride = checkTuple(kind, "stride", o.stride ?? 1, dims);
  const padding = checkTuple(kind, "padding", o.padding ?? 0, dims, 0);
  const outputPadding = checkTuple(kind, "outputPadding", o.outputPadding ?? 0, dims, 0);
  const dilation = checkTuple(kind, "dilation", o.dilation ?? 1, dims);
  const weightShape = [inChannels, outChannels / groups, ...kernel];
  const { fanIn } = calculateFanInAndFanOut(weightShape);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  let repr = `${inChannels}, ${outChannels}, kernel_size=${pyTuple(kernel)}, stride=${pyTuple(stride)}`;
  if (padding.some((p) => p !== 0)) repr += `, padding=${pyTuple(padding)}`;
  if (dilation.some((d) => d !== 1)) repr += `, dilation=${pyTuple(dilation)}`;
  if (outputPadding.some((p) => p !== 0)) repr += `, output_padding=${pyTuple(outputPadding)}`;
  if (groups !== 1) repr += `, groups=${groups}`;
  if (!bias) repr += ", bias=False";
  return defineModule({
    kind,
    config: { inChannels, outChannels, kernelSize: kernel, stride, padding, outputPadding, groups, bias, dilation },
    extraRepr: repr,
    params: {
      weight: { shape: weightShape, init: kaimingUniform({ a: Math.sqrt(5) }) },
      ...(bias ? { bias: { shape: [outChannels], init: uniform({ a: -bound, b: bound }) } } : {}),
    },
    forward: ({ params, fail }, x: Tensor) => {
      const c = x.shape[x.ndim - 1 - dims];
      if ((x.ndim === dims + 1 || x.ndim === dims + 2) && c !== inChannels)
        fail(`input shape ${shapeStr(x.shape)} has ${c} channels, expected inChannels=${inChannels}`);
      return op(x, params.weight, bias ? params.bias : undefined, { stride, padding, outputPadding, dilation, groups });
    },
  });
};

interface Geometry {
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly outputPadding: readonly number[];
  readonly dilation: readonly number[];
  readonly groups: number;
}

const two = (v: readonly number[]): [number, number] => [v[0]!, v[1]!];

/**
 * Transposed 2-D convolution (torch.nn.ConvTranspose2d); weight [in, out/groups, kh, kw], initialised as PyTorch
 * does (its fan_in is computed from that layout, i.e. out/groups·kh·kw).
 * @example
 * nn.convTranspose2d({ inChannels: 4, outChannels: 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1 }); // doubles H and W
 */
export const convTranspose2d = (o: ConvTranspose2dOptions): Module =>
  convTransposeLayer("ConvTranspose2d", 2, o, (x, w, bias, g) =>
    convTranspose2dOp(x, w, { bias, stride: two(g.stride), padding: two(g.padding), outputPadding: two(g.outputPadding), dilation: two(g.dilation), groups: g.groups }));

/**
 * Transposed 1-D convolution (torch.nn.ConvTranspose1d); weight [in, out/groups, k], state_dict keys weight and bias.
 * @example
 * nn.convTranspose1d({ inChannels: 8, outChannels: 4, kernelSize: 4, stride: 2, padding: 1 }); // doubles L
 */
export const convTranspose1d = (o: ConvTranspose1dOptions): Module =>
  convTransposeLayer("ConvTranspose1d", 1, o, (x, w, bias, g) =>
    convTranspose1dOp(x, w, { bias, stride: g.stride[0]!, padding: g.padding[0]!, outputPadding: g.outputPadding[0]!, dilation: g.dilation[0]!, groups: g.groups }));
