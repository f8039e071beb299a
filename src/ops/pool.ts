// Max and average pooling (fixed and adaptive windows, 1-D and 2-D) over NCHW, as torch.nn.functional computes them.
import type { Tensor } from "./Tensor.js";
import { applyPrim } from "./apply.js";
import { shapeStr } from "./_shape.js";
import { add, cast, div, minimum, mul, remainder, sub } from "./elementwise.js";
import { permute, reshape } from "./layout.js";
import { sum } from "./reduce.js";
import { fromTyped } from "./creation.js";
import { sliceAxis } from "./slicing.js";
import { isRecording } from "./_tape.js";
import { batched, checkFloat, pair, single, type Pair } from "./_window.js";

/** Options of maxPool2d (torch.nn.functional.max_pool2d). */
export interface MaxPool2dOptions {
  readonly kernelSize: Pair;
  /** Defaults to kernelSize. */
  readonly stride?: Pair | undefined;
  /** Implicit -∞ padding on each side; at most half the kernel size. */
  readonly padding?: Pair;
  readonly dilation?: Pair;
  /** Rounds the output size up, adding windows that overhang the bottom/right (but start inside the input or left padding). */
  readonly ceilMode?: boolean;
  /** Also return the argmax positions h·W + w within each input plane. */
  readonly returnIndices?: boolean;
}

/** Options of avgPool2d (torch.nn.functional.avg_pool2d). */
export interface AvgPool2dOptions {
  readonly kernelSize: Pair;
  /** Defaults to kernelSize. */
  readonly stride?: Pair | undefined;
  /** Implicit zero padding on each side; at most half the kernel size. */
  readonly padding?: Pair;
  readonly ceilMode?: boolean;
  /** Count the zero padding in the divisor (never the ceil-mode overhang); default true. */
  readonly countIncludePad?: boolean;
  /** Divide every window sum by this instead. */
  readonly divisorOverride?: number | undefined;
}

/** Options of maxPool1d (torch.nn.functional.max_pool1d). */
export interface MaxPool1dOptions {
  readonly kernelSize: number;
  readonly stride?: number | undefined;
  readonly padding?: number;
  readonly dilation?: number;
  readonly ceilMode?: boolean;
  readonly returnIndices?: boolean;
}

/** Options of avgPool1d (torch.nn.functional.avg_pool1d). */
export interface AvgPool1dOptions {
  readonly kernelSize: number;
  readonly stride?: number | undefined;
  readonly padding?: number;
  readonly ceilMode?: boolean;
  readonly countIncludePad?: boolean;
}

/** Pooled values with the positions of the maxima (int32, flat h·W + w per input plane), like PyTorch's return_indices. */
export interface PoolWithIndices {
  readonly values: Tensor;
  readonly indices: Tensor;
}

/** Output size per spatial axis for adaptive pooling; null keeps the input's size. */
export type AdaptiveSize = number | readonly [number | null, number | null];

type P2 = readonly [number, number];

/** A resolved pooling window over [N, C, H, W]; padding is [top, bottom, left, right] with any ceil-mode overhang added. */
interface Win {
  readonly kernel: P2;
  readonly stride: P2;
  readonly dilation: P2;
  readonly padding: readonly [number, number, number, number];
  readonly out: P2;
}

const spatial = (v: readonly number[], dims: number): string => shapeStr(v.slice(v.length - dims));

/** PyTorch's pooling_output_shape: ceil mode drops a last window that would start beyond the input and left padding. */
const poolOut = (size: number, k: number, s: number, d: number, p: number, ceilMode: boolean): number => {
  let o = Math.floor((size + 2 * p - d * (k - 1) - 1 + (ceilMode ? s - 1 : 0)) / s) + 1;
  if (ceilMode && (o - 1) * s >= size + p) o--;
  return o;
};

/** Validates a pooling geometry (with PyTorch's rules) on a batched input and resolves its padding and output size. */
const poolWindow = (op: string, dims: number, x: Tensor, orig: Tensor, kernel: P2, stride: P2, pad: P2, dilation: P2, ceilMode: boolean): Win => {
  checkFloat(op, "input", orig);
  if (pad[0] > Math.floor(kernel[0] / 2) || pad[1] > Math.floor(kernel[1] / 2))
    throw new Error(`${op}: padding ${spatial(pad, dims)} must be at most half of kernelSize ${spatial(kernel, dims)}`);
  const [h, w] = [x.shape[2]!, x.shape[3]!];
  const out = [0, 1].map((a) => poolOut([h, w][a]!, kernel[a]!, stride[a]!, dilation[a]!, pad[a]!, ceilMode)) as [number, number];
  if (h === 0 || w === 0 || out[0] < 1 || out[1] < 1)
    throw new Error(`${op}: output size ${spatial(out, dims)} is too small for input shape ${shapeStr(orig.shape)} (kernelSize ${spatial(kernel, dims)}, stride ${spatial(stride, dims)}, padding ${spatial(pad, dims)}, dilation ${spatial(dilation, dims)})`);
  // The bottom/right padding the last (possibly overhanging) window needs, so that unfold makes exactly `out` windows.
  const after = [0, 1].map((a) => Math.max(pad[a]!, (out[a]! - 1) * stride[a]! + dilation[a]! * (kernel[a]! - 1) + 1 - [h, w][a]! - pad[a]!));
  return { kernel, stride, dilation, padding: [pad[0], after[0]!, pad[1], after[1]!], out };
};

const unfoldWin = (x: Tensor, win: Win, value: number): Tensor => {
  const [n, c] = x.shape as [number, number];
  const cols = applyPrim("unfold", [x], { kernel: win.kernel, stride: win.stride, dilation: win.dilation, padding: win.padding, value });
  return reshape(cols, [n * c, win.kernel[0] * win.kernel[1], win.out[0] * win.out[1]]);
};

/** True when the windows tile the input: stride = kernel, no dilation, no padding and no ceil-mode overhang. */
const tiles = (win: Win): boolean =>
  win.stride[0] === win.kernel[0] && win.stride[1] === win.kernel[1] && win.dilation[0] === 1 && win.dilation[1] === 1 &&
  win.padding.every((p) => p === 0);

/**
 * Tiling windows without im2col: the input (cropped to whole windows, as PyTorch's floor mode drops the rest) seen
 * as [N·C·OH, kh, OW, kw], a free reshape whose window axes 1 and 3 are reduced in place (a sum's gradient is an expand).
 */
const tiled = (x: Tensor, win: Win): Tensor => {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [kh, kw] = win.kernel;
  const [oh, ow] = win.out;
  const rows = oh * kh < h ? sliceAxis(x, 2, 0, oh * kh) : x;
  const cropped = ow * kw < w ? sliceAxis(rows, 3, 0, ow * kw) : rows;
  return reshape(cropped, [n * c * oh, kh, ow, kw]);
};

/**
 * Max pooling over tiling windows when no gradient or indices are wanted (inference): the window maximum is a max
 * reduction. Its values equal the first maximum's bit for bit (a NaN wins, and of +0 and -0 the first is kept), but its
 * gradient would split ties, so training gathers at maxPoolIndices, whose gradient goes to the first maximum.
 */
const maxPoolTiled = (x: Tensor, win: Win): Tensor => {
  const [n, c] = x.shape as [number, number];
  return reshape(applyPrim("reduce", [tiled(x, win)], { op: "max", axes: [1, 3] }), [n, c, win.out[0], win.out[1]]);
};

/**
 * Max over the rows of `cols` [M, K, L]: the argmax (first on ties) and the value gathered there, so the gradient goes
 * to that one element as in PyTorch (a max reduction would split it between ties).
 */
const maxOfRows = (cols: Tensor): { values: Tensor; arg: Tensor } => {
  const arg = applyPrim("argReduce", [cols], { op: "argmax", axis: 1 });
  return { values: applyPrim("gather", [cols, arg], { axis: 1 }), arg };
};

/**
 * Max pooling as PyTorch computes it: the position of each window's first maximum (the maxPoolIndices primitive,
 * one pass per window on the CPU), then the values gathered from the flattened planes there, so the gradient is the
 * gather's adjoint and goes to that one element, as in PyTorch (a max reduction would split it between ties).
 */
const maxPoolCore = (x: Tensor, win: Win, withIndices: boolean): Tensor | PoolWithIndices => {
  // Inference over tiling windows: a max reduction has the same values, measured faster than the general CPU kernel,
  // and spares devices without a kernel the decomposition's im2col; only the CPU's 2×2 kernel beats it (see
  // docs/cpu-performance.md).
  const fast2x2 = win.kernel[0] === 2 && win.kernel[1] === 2 && x.device.kernels.maxPoolIndices !== undefined;
  if (tiles(win) && !fast2x2 && !withIndices && !(x.requiresGrad && isRecording())) return maxPoolTiled(x, win);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const shape = [n, c, win.out[0], win.out[1]];
  const indices = applyPrim("maxPoolIndices", [x], { kernel: win.kernel, stride: win.stride, dilation: win.dilation, padding: win.padding });
  const v = reshape(applyPrim("gather", [reshape(x, [n, c, h * w]), reshape(indices, [n, c, shape[2]! * shape[3]!])], { axis: 2 }), shape);
  return withIndices ? { values: v, indices } : v;
};

/** PyTorch's avg_pool2d divisor per window: the padded window (clipped to input + padding, so no ceil overhang) or only its in-input part. */
const avgDivisors = (x: Tensor, win: Win, pad: P2, countIncludePad: boolean): Tensor => {
  const [h, w] = [x.shape[2]!, x.shape[3]!];
  const [oh, ow] = win.out;
  const divisors = new Float32Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    const h0 = y * win.stride[0] - pad[0];
    const h1 = Math.min(h0 + win.kernel[0], h + pad[0]);
    for (let z = 0; z < ow; z++) {
      const w0 = z * win.stride[1] - pad[1];
      const w1 = Math.min(w0 + win.kernel[1], w + pad[1]);
      const inside = Math.max(0, Math.min(h1, h) - Math.max(h0, 0)) * Math.max(0, Math.min(w1, w) - Math.max(w0, 0));
      // A window with no input element sums to 0; dividing by 1 keeps it 0 rather than NaN.
      divisors[y * ow + z] = countIncludePad ? (h1 - h0) * (w1 - w0) : inside > 0 ? inside : 1;
    }
  }
  return fromTyped(divisors, [oh, ow], { device: x.device });
};

const avgPoolCore = (x: Tensor, win: Win, pad: P2, countIncludePad: boolean, divisorOverride: number | undefined): Tensor => {
  const [n, c] = x.shape as [number, number];
  // Tiling windows have no padding, so every divisor is the window size; the window sum adds the same elements in
  // the same row-major order as the im2col column sum, so the result is the same.
  if (tiles(win)) {
    const sums = reshape(applyPrim("reduce", [tiled(x, win)], { op: "sum", axes: [1, 3] }), [n, c, win.out[0], win.out[1]]);
    return div(sums, divisorOverride ?? win.kernel[0] * win.kernel[1]);
  }
  const sums = reshape(sum(unfoldWin(x, win, 0), 1), [n, c, win.out[0], win.out[1]]);
  return div(sums, divisorOverride ?? avgDivisors(x, win, pad, countIncludePad));
};

/**
 * 2-D max pooling over NCHW (or unbatched CHW) input, as torch.nn.functional.max_pool2d.
 * @example
 * maxPool2d(x, { kernelSize: 3, ceilMode: true }); // x [1, 1, 5, 5] → [1, 1, 2, 2]
 * const { values, indices } = maxPool2d(x, { kernelSize: 2, returnIndices: true });
 */
export function maxPool2d(x: Tensor, opts: MaxPool2dOptions & { readonly returnIndices: true }): PoolWithIndices;
export function maxPool2d(x: Tensor, opts: MaxPool2dOptions & { readonly returnIndices?: false }): Tensor;
export function maxPool2d(x: Tensor, opts: MaxPool2dOptions): Tensor | PoolWithIndices;
export function maxPool2d(x: Tensor, { kernelSize, stride = kernelSize, padding = 0, dilation = 1, ceilMode = false, returnIndices = false }: MaxPool2dOptions): Tensor | PoolWithIndices {
  const op = "maxPool2d";
  const b = batched(op, x, 2, "C, H, W");
  const win = poolWindow(op, 2, b.x, x, pair(op, "kernelSize", kernelSize, 1), pair(op, "stride", stride, 1), pair(op, "padding", padding, 0), pair(op, "dilation", dilation, 1), ceilMode);
  return unbatchResult(b.unbatch, maxPoolCore(b.x, win, returnIndices));
}

/**
 * 2-D average pooling over NCHW (or unbatched CHW) input, as torch.nn.functional.avg_pool2d.
 * @example
 * avgPool2d(x, { kernelSize: 2 }); // x [1, 6, 28, 28] → [1, 6, 14, 14]
 */
export const avgPool2d = (
  x: Tensor,
  { kernelSize, stride = kernelSize, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride }: AvgPool2dOptions,
): Tensor => {
  const op = "avgPool2d";
  const b = batched(op, x, 2, "C, H, W");
  if (divisorOverride !== undefined && (!Number.isFinite(divisorOverride) || divisorOverride === 0))
    throw new Error(`${op}: divisorOverride must be a non-zero number, got ${divisorOverride}`);
  const pad = pair(op, "padding", padding, 0);
  const win = poolWindow(op, 2, b.x, x, pair(op, "kernelSize", kernelSize, 1), pair(op, "stride", stride, 1), pad, [1, 1], ceilMode);
  return b.unbatch(avgPoolCore(b.x, win, pad, countIncludePad, divisorOverride));
};

/** The 1-D pools run as 2-D pools over a 1×L image. */
const as2d = (op: string, x: Tensor): { x4: Tensor; back: (y: Tensor) => Tensor } => {
  const b = batched(op, x, 1, "C, L");
  const [n, c, l] = b.x.shape as [number, number, number];
  return { x4: reshape(b.x, [n, c, 1, l]), back: (y) => b.unbatch(reshape(y, [n, c, y.shape[3]!])) };
};

const unbatchResult = (back: (y: Tensor) => Tensor, r: Tensor | PoolWithIndices): Tensor | PoolWithIndices =>
  "values" in r ? { values: back(r.values), indices: back(r.indices) } : back(r);

/**
 * 1-D max pooling over [N, C, L] (or [C, L]) input, as torch.nn.functional.max_pool1d.
 * @example
 * maxPool1d(x, { kernelSize: 2 }); // x [4, 8, 10] → [4, 8, 5]
 */
export function maxPool1d(x: Tensor, opts: MaxPool1dOptions & { readonly returnIndices: true }): PoolWithIndices;
export function maxPool1d(x: Tensor, opts: MaxPool1dOptions & { readonly returnIndices?: false }): Tensor;
export function maxPool1d(x: Tensor, opts: MaxPool1dOptions): Tensor | PoolWithIndices;
export function maxPool1d(x: Tensor, { kernelSize, stride = kernelSize, padding = 0, dilation = 1, ceilMode = false, returnIndices = false }: MaxPool1dOptions): Tensor | PoolWithIndices {
  const op = "maxPool1d";
  const { x4, back } = as2d(op, x);
  const one = (name: string, v: number, min: number): P2 => [min, single(op, name, v, min)];
  const win = poolWindow(op, 1, x4, x, one("kernelSize", kernelSize, 1), one("stride", stride, 1), one("padding", padding, 0), one("dilation", dilation, 1), ceilMode);
  return unbatchResult(back, maxPoolCore(x4, win, returnIndices));
}

/**
 * 1-D average pooling over [N, C, L] (or [C, L]) input, as torch.nn.functional.avg_pool1d.
 * @example
 * avgPool1d(x, { kernelSize: 3, stride: 1, padding: 1 }); // same length as x
 */
export const avgPool1d = (x: Tensor, { kernelSize, stride = kernelSize, padding = 0, ceilMode = false, countIncludePad = true }: AvgPool1dOptions): Tensor => {
  const op = "avgPool1d";
  const { x4, back } = as2d(op, x);
  const pad: P2 = [0, single(op, "padding", padding, 0)];
  const win = poolWindow(op, 1, x4, x, [1, single(op, "kernelSize", kernelSize, 1)], [1, single(op, "stride", stride, 1)], pad, [1, 1], ceilMode);
  return back(avgPoolCore(x4, win, pad, countIncludePad, undefined));
};

// ---- adaptive pooling ---------------------------------------------------------------------------

/** PyTorch's adaptive bins along one axis: bin i covers [floor(i·size/out), ceil((i+1)·size/out)). */
const bins = (size: number, out: number): { start: Int32Array; len: Int32Array } => {
  const start = new Int32Array(out);
  const len = new Int32Array(out);
  for (let i = 0; i < out; i++) {
    start[i] = Math.floor((i * size) / out);
    len[i] = Math.ceil(((i + 1) * size) / out) - start[i]!;
  }
  return { start, len };
};

const adaptiveSizes = (op: string, x: Tensor, orig: Tensor, outputSize: AdaptiveSize): P2 => {
  checkFloat(op, "input", orig);
  const own = [x.shape[2]!, x.shape[3]!];
  const req = typeof outputSize === "number" ? [outputSize, outputSize] : [outputSize[0], outputSize[1]];
  const out = req.map((s, a) => s ?? own[a]!);
  if ((typeof outputSize !== "number" && outputSize.length !== 2) || !out.every((s) => Number.isInteger(s) && s >= 1))
    throw new Error(`${op}: outputSize must be a positive integer or a pair of them (null keeps the input size), got ${JSON.stringify(outputSize)}`);
  if (own[0] === 0 || own[1] === 0) throw new Error(`${op}: input shape ${shapeStr(orig.shape)} has an empty spatial dimension`);
  return [out[0]!, out[1]!];
};

/** The 1-D adaptive pools keep the unit height of their 1×L image. */
const adaptiveLength = (op: string, outputSize: number): AdaptiveSize => {
  if (!Number.isInteger(outputSize) || outputSize < 1) throw new Error(`${op}: outputSize must be a positive integer, got ${outputSize}`);
  return [1, outputSize];
};

/** When the bins tile the input exactly they are ordinary pooling windows (kernel = stride = size / out). */
const evenWindow = (x: Tensor, out: P2): Win | null => {
  const [h, w] = [x.shape[2]!, x.shape[3]!];
  if (h % out[0] !== 0 || w % out[1] !== 0) return null;
  const k: P2 = [h / out[0], w / out[1]];
  return { kernel: k, stride: k, dilation: [1, 1], padding: [0, 0, 0, 0], out };
};

/** Averaging over uneven bins is linear and separable: Ah · X · Awᵀ with Ah[i, r] = 1/len_i on bin i. */
const binMatrix = (size: number, out: number, transposed: boolean, x: Tensor): Tensor => {
  const { start, len } = bins(size, out);
  const m = new Float32Array(size * out);
  for (let i = 0; i < out; i++)
    for (let r = start[i]!; r < start[i]! + len[i]!; r++) m[transposed ? r * out + i : i * size + r] = 1 / len[i]!;
  return fromTyped(m, transposed ? [1, size, out] : [1, out, size], { device: x.device });
};

const adaptiveAvgCore = (x: Tensor, out: P2): Tensor => {
  const even = evenWindow(x, out);
  if (even) return avgPoolCore(x, even, [0, 0], true, undefined);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const mm = (a: Tensor, b: Tensor) => applyPrim("matmul", [a, b], { transA: false, transB: false });
  const rows = mm(reshape(x, [n * c, h, w]), binMatrix(w, out[1], true, x));
  return reshape(mm(binMatrix(h, out[0], false, x), rows), [n, c, out[0], out[1]]);
};

/** Row indices of each bin padded to the longest bin by repeating its last row (harmless for a max, and never the first argmax). */
const binIndex = (size: number, out: number, x: Tensor): { idx: Tensor; k: number; start: Tensor; last: Tensor } => {
  const { start, len } = bins(size, out);
  const k = Math.max(...len);
  const idx = new Int32Array(out * k);
  for (let i = 0; i < out; i++) for (let r = 0; r < k; r++) idx[i * k + r] = start[i]! + Math.min(r, len[i]! - 1);
  const dev = { device: x.device };
  return { idx: fromTyped(idx, [out * k], dev), k, start: fromTyped(start, [out], dev), last: fromTyped(len.map((l) => l - 1), [out], dev) };
};

const adaptiveMaxCore = (x: Tensor, out: P2, withIndices: boolean): Tensor | PoolWithIndices => {
  const even = evenWindow(x, out);
  if (even) return maxPoolCore(x, even, withIndices);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [oh, ow] = out;
  const bh = binIndex(h, oh, x);
  const bw = binIndex(w, ow, x);
  // Gather every bin as a padded bh.k × bw.k window: [N·C, OH, kh, OW, kw] → [N·C·OH·OW, kh·kw, 1].
  const rows = applyPrim("indexSelect", [reshape(x, [n * c, h, w]), bh.idx], { axis: 1 });
  const cells = applyPrim("indexSelect", [rows, bw.idx], { axis: 2 });
  const windows = reshape(permute(reshape(cells, [n * c, oh, bh.k, ow, bw.k]), [0, 1, 3, 2, 4]), [n * c * oh * ow, bh.k * bw.k, 1]);
  const { values, arg } = maxOfRows(windows);
  const shape = [n, c, oh, ow];
  const v = reshape(values, shape);
  if (!withIndices) return v;
  const a = reshape(arg, shape);
  const j = remainder(a, bw.k);
  const i = cast(div(sub(a, j), bw.k), "int32");
  const hIdx = add(reshape(bh.start, [oh, 1]), minimum(i, reshape(bh.last, [oh, 1])));
  const wIdx = add(bw.start, minimum(j, bw.last));
  return { values: v, indices: add(mul(hIdx, w), wIdx) };
};

/**
 * Average pooling to a fixed output size with PyTorch's bins, as torch.nn.functional.adaptive_avg_pool2d.
 * @example
 * adaptiveAvgPool2d(x, [1, 1]); // global average pooling: [N, C, H, W] → [N, C, 1, 1]
 */
export const adaptiveAvgPool2d = (x: Tensor, outputSize: AdaptiveSize): Tensor => {
  const op = "adaptiveAvgPool2d";
  const b = batched(op, x, 2, "C, H, W");
  return b.unbatch(adaptiveAvgCore(b.x, adaptiveSizes(op, b.x, x, outputSize)));
};

/**
 * Max pooling to a fixed output size with PyTorch's bins, as torch.nn.functional.adaptive_max_pool2d.
 * @example
 * adaptiveMaxPool2d(x, 3); // [N, C, 7, 7] → [N, C, 3, 3] with overlapping bins
 */
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, opts: { readonly returnIndices: true }): PoolWithIndices;
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, opts?: { readonly returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, opts?: { readonly returnIndices?: boolean }): Tensor | PoolWithIndices;
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, { returnIndices = false }: { readonly returnIndices?: boolean } = {}): Tensor | PoolWithIndices {
  const op = "adaptiveMaxPool2d";
  const b = batched(op, x, 2, "C, H, W");
  return unbatchResult(b.unbatch, adaptiveMaxCore(b.x, adaptiveSizes(op, b.x, x, outputSize), returnIndices));
}

/**
 * 1-D adaptive average pooling of [N, C, L] (or [C, L]) input, as torch.nn.functional.adaptive_avg_pool1d.
 * @example
 * adaptiveAvgPool1d(x, 1); // [N, C, L] → [N, C, 1]
 */
export const adaptiveAvgPool1d = (x: Tensor, outputSize: number): Tensor => {
  const op = "adaptiveAvgPool1d";
  const { x4, back } = as2d(op, x);
  return back(adaptiveAvgCore(x4, adaptiveSizes(op, x4, x, adaptiveLength(op, outputSize))));
};

/**
 * 1-D adaptive max pooling of [N, C, L] (or [C, L]) input, as torch.nn.functional.adaptive_max_pool1d.
 * @example
 * adaptiveMaxPool1d(x, 1); // [N, C, L] → [N, C, 1]
 */
export function adaptiveMaxPool1d(x: Tensor, outputSize: number, opts: { readonly returnIndices: true }): PoolWithIndices;
export function adaptiveMaxPool1d(x: Tensor, outputSize: number, opts?: { readonly returnIndices?: false }): Tensor;
export function adaptiveMaxPool1d(x: Tensor, outputSize: number, opts?: { readonly returnIndices?: boolean }): Tensor | PoolWithIndices;
export function adaptiveMaxPool1d(x: Tensor, outputSize: number, { returnIndices = false }: { readonly returnIndices?: boolean } = {}): Tensor | PoolWithIndices {
  const op = "adaptiveMaxPool1d";
  const { x4, back } = as2d(op, x);
  return unbatchResult(back, adaptiveMaxCore(x4, adaptiveSizes(op, x4, x, adaptiveLength(op, outputSize)), returnIndices));
}
