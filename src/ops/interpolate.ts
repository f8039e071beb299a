// Resampling of [N, C, L] and [N, C, H, W] tensors, as torch.nn.functional.interpolate: index selection plus linear or cubic blends, so gradients flow.
import type { Tensor } from "./Tensor.js";
import { applyPrim } from "./apply.js";
import { shapeStr } from "./_shape.js";
import { add, mul } from "./elementwise.js";
import { fromTyped } from "./creation.js";
import { adaptiveAvgPool1d, adaptiveAvgPool2d } from "./pool.js";
import { checkFloat } from "./_window.js";

/** How output samples are taken from the input grid ("area" is adaptive average pooling). */
export type InterpolateMode = "nearest" | "nearest-exact" | "linear" | "bilinear" | "bicubic" | "area";

/** Options of interpolate (torch.nn.functional.interpolate); give exactly one of size and scaleFactor. */
export interface InterpolateOptions {
  /** Output spatial size: one number for every axis, or one per axis. */
  readonly size?: number | readonly number[] | undefined;
  /** Output size = floor(input size · scaleFactor); the factor itself is used for the source coordinates too. */
  readonly scaleFactor?: number | readonly number[] | undefined;
  readonly mode?: InterpolateMode;
  /** linear/bilinear/bicubic only: map the corner pixels' centres onto each other instead of the corners of the grid. */
  readonly alignCorners?: boolean | undefined;
  /** Derive the source coordinates from the computed output size instead of from scaleFactor. */
  readonly recomputeScaleFactor?: boolean | undefined;
}

const f32 = Math.fround;

/** PyTorch's compute_scales_value, in float32: the user's 1/scale when given, else in/out. */
const scaleOf = (inSize: number, outSize: number, scale: number | undefined): number =>
  scale !== undefined && scale > 0 ? f32(1 / scale) : f32(inSize / outSize);

/** Source index per output index for "nearest" (OpenCV's floor(dst·scale)) and "nearest-exact" (floor((dst + ½)·scale)). */
const nearestIndex = (inSize: number, outSize: number, scale: number | undefined, exact: boolean): Int32Array => {
  const idx = new Int32Array(outSize);
  const s = scaleOf(inSize, outSize, scale);
  for (let o = 0; o < outSize; o++) {
    // The legacy mode special-cases ×1 and ×2 with integer arithmetic, whatever the float scale says.
    if (!exact && outSize === inSize) idx[o] = o;
    else if (!exact && outSize === 2 * inSize) idx[o] = o >> 1;
    else idx[o] = Math.min(Math.floor(f32(exact ? (o + 0.5) * s : o * s)), inSize - 1);
  }
  return idx;
};

/** PyTorch's linear source indices and weights: float32 scale, source coordinate in double, negative coordinates clamped to 0. */
const linearWeights = (inSize: number, outSize: number, alignCorners: boolean, scale: number | undefined) => {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w0 = new Float32Array(outSize);
  const w1 = new Float32Array(outSize);
  const ratio = alignCorners ? (outSize > 1 ? f32((inSize - 1) / (outSize - 1)) : 0) : scaleOf(inSize, outSize, scale);
  for (let o = 0; o < outSize; o++) {
    const src = alignCorners ? ratio * o : Math.max(0, ratio * (o + 0.5) - 0.5);
    const a = Math.trunc(src);
    i0[o] = a;
    i1[o] = a < inSize - 1 ? a + 1 : a;
    w1[o] = src - a;
    w0[o] = 1 - w1[o]!;
  }
  return { i0, i1, w0, w1 };
};

/** Keys' cubic convolution weights for the four taps at offsets -1, 0, 1, 2 from floor(src), with PyTorch's A = -0.75. */
const cubicTaps = (t: number): [number, number, number, number] => {
  const A = -0.75;
  const near = (d: number) => ((A + 2) * d - (A + 3)) * d * d + 1;
  const far = (d: number) => ((A * d - 5 * A) * d + 8 * A) * d - 4 * A;
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
};

/**
 * PyTorch's bicubic source taps: the source coordinate is not clamped at 0 (unlike linear), and each of the four
 * taps reads the nearest valid pixel when it falls outside the input (edge replication).
 */
const cubicWeights = (inSize: number, outSize: number, alignCorners: boolean, scale: number | undefined) => {
  const idx = [0, 1, 2, 3].map(() => new Int32Array(outSize));
  const wts = [0, 1, 2, 3].map(() => new Float32Array(outSize));
  const ratio = alignCorners ? (outSize > 1 ? f32((inSize - 1) / (outSize - 1)) : 0) : scaleOf(inSize, outSize, scale);
  for (let o = 0; o < outSize; o++) {
    const src = f32(alignCorners ? ratio * o : ratio * (o + 0.5) - 0.5);
    const base = Math.floor(src);
    const taps = cubicTaps(f32(src - base));
    for (let k = 0; k < 4; k++) {
      idx[k]![o] = Math.min(Math.max(base - 1 + k, 0), inSize - 1);
      wts[k]![o] = taps[k]!;
    }
  }
  return { idx, wts };
};

const select = (x: Tensor, axis: number, idx: Int32Array): Tensor =>
  applyPrim("indexSelect", [x, fromTyped(idx, [idx.length], { device: x.device })], { axis });

/** Resamples one spatial axis; interpolating separably per axis is exactly PyTorch's (bi)linear weighting up to rounding. */
const resampleAxis = (x: Tensor, axis: number, outSize: number, mode: InterpolateMode, alignCorners: boolean, scale: number | undefined): Tensor => {
  const inSize = x.shape[axis]!;
  if (mode === "nearest" || mode === "nearest-exact") {
    const idx = nearestIndex(inSize, outSize, scale, mode === "nearest-exact");
    return idx.every((v, i) => v === i) && outSize === inSize ? x : select(x, axis, idx);
  }
  // PyTorch copies when the size is unchanged, whatever the scale factor.
  if (outSize === inSize) return x;
  const wShape = [outSize, ...Array<number>(x.ndim - 1 - axis).fill(1)];
  const weight = (w: Float32Array) => fromTyped(w, wShape, { device: x.device });
  if (mode === "bicubic") {
    // Bicubic is separable: PyTorch's 4×4 weights are the products of these per-axis ones.
    const { idx, wts } = cubicWeights(inSize, outSize, alignCorners, scale);
    return idx.map((ix, k) => mul(select(x, axis, ix), weight(wts[k]!))).reduce((a, b) => add(a, b));
  }
  const { i0, i1, w0, w1 } = linearWeights(inSize, outSize, alignCorners, scale);
  return add(mul(select(x, axis, i0), weight(w0)), mul(select(x, axis, i1), weight(w1)));
};

const list = (v: number | readonly number[], dims: number): readonly number[] => (typeof v === "number" ? Array<number>(dims).fill(v) : v);

/**
 * Up- or down-samples the spatial axes of [N, C, L] or [N, C, H, W] input, as torch.nn.functional.interpolate.
 * @example
 * interpolate(x, { scaleFactor: 2, mode: "bilinear", alignCorners: false }); // [1, 3, 4, 4] → [1, 3, 8, 8]
 */
export const interpolate = (
  x: Tensor,
  { size, scaleFactor, mode = "nearest", alignCorners, recomputeScaleFactor = false }: InterpolateOptions,
): Tensor => {
  const op = "interpolate";
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`${op}: input shape ${shapeStr(x.shape)} must be 3-D [N, C, L] or 4-D [N, C, H, W]`);
  const modes: readonly InterpolateMode[] = ["nearest", "nearest-exact", "linear", "bilinear", "bicubic", "area"];
  if (!modes.includes(mode)) throw new Error(`${op}: unknown mode "${mode as string}" (expected one of ${modes.join(", ")})`);
  if ((mode === "linear" && x.ndim !== 3) || ((mode === "bilinear" || mode === "bicubic") && x.ndim !== 4))
    throw new Error(`${op}: mode "${mode}" needs ${mode === "linear" ? "3-D [N, C, L]" : "4-D [N, C, H, W]"} input, got shape ${shapeStr(x.shape)}`);
  const linear = mode === "linear" || mode === "bilinear" || mode === "bicubic";
  if (alignCorners !== undefined && !linear)
    throw new Error(`${op}: alignCorners can only be set with the interpolating modes linear, bilinear and bicubic, not "${mode}"`);
  checkFloat(op, "input", x);
  const dims = x.ndim - 2;
  const inSizes = x.shape.slice(2);
  if (size !== undefined && scaleFactor !== undefined) throw new Error(`${op}: only one of size and scaleFactor should be given`);
  if (size === undefined && scaleFactor === undefined) throw new Error(`${op}: either size or scaleFactor should be given`);
  if (recomputeScaleFactor && size !== undefined) throw new Error(`${op}: recomputeScaleFactor is not meaningful with an explicit size`);
  const given = list((size ?? scaleFactor)!, dims);
  if (given.length !== dims)
    throw new Error(`${op}: input shape ${shapeStr(x.shape)} has ${dims} spatial dimension${dims > 1 ? "s" : ""} but ${size !== undefined ? "size" : "scaleFactor"} is ${shapeStr(given)}`);
  if (scaleFactor !== undefined && !given.every((s) => Number.isFinite(s) && s > 0))
    throw new Error(`${op}: scaleFactor must be positive, got ${shapeStr(given)}`);
  const outSizes = size !== undefined ? given : given.map((s, i) => Math.floor(inSizes[i]! * s));
  if (!outSizes.every((s) => Number.isInteger(s) && s > 0))
    throw new Error(`${op}: output size ${shapeStr(outSizes)} must be positive integers (input shape ${shapeStr(x.shape)})`);
  if (mode === "area") return dims === 1 ? adaptiveAvgPool1d(x, outSizes[0]!) : adaptiveAvgPool2d(x, [outSizes[0]!, outSizes[1]!]);
  const scales = scaleFactor !== undefined && !recomputeScaleFactor ? given : undefined;
  let y = x;
  for (let a = 0; a < dims; a++) y = resampleAxis(y, 2 + a, outSizes[a]!, mode, alignCorners ?? false, scales?.[a]);
  return y;
};
