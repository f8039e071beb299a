// Pooling over tiling windows (the reshape + reduce path) against the im2col path, bit for bit, on any device.
import { expect } from "vitest";
import {
  maxPool2d, avgPool2d, maxPool1d, avgPool1d, adaptiveAvgPool2d, adaptiveMaxPool2d, tensor, grad, sum, mul, div, reshape,
  type Backend, type Tensor,
} from "../../src/index.js";
import { applyPrim } from "../../src/ops/apply.js";

/** Deterministic values with many ties (multiples of 0.25) and, when asked, some NaN. */
const values = (n: number, seed: number, nan: boolean): number[] =>
  Array.from({ length: n }, (_, i) => {
    const r = Math.sin(seed * 1000 + i * 12.9898) * 43758.5453;
    const u = r - Math.floor(r);
    return nan && u < 0.03 ? NaN : Math.round((u - 0.5) * 16) / 4 + (u > 0.9 ? u : 0);
  });

type K = readonly [number, number];

/** The old path: im2col over whole windows, the window sum over the columns, divided by the window size. */
const im2colAvg = (x: Tensor, k: K, divisor: number): Tensor => {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [oh, ow] = [Math.floor(h / k[0]), Math.floor(w / k[1])];
  const cols = applyPrim("unfold", [x], { kernel: k, stride: k, dilation: [1, 1], padding: [0, 0, 0, 0], value: 0 });
  const sums = applyPrim("reduce", [reshape(cols, [n * c, k[0] * k[1], oh * ow])], { op: "sum", axes: [1] });
  return div(reshape(sums, [n, c, oh, ow]), divisor);
};

/** The old max path: im2col padded with -∞, the first argmax per window and the value gathered there. */
const im2colMax = (x: Tensor, k: K): { values: Tensor; arg: Tensor } => {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [oh, ow] = [Math.floor(h / k[0]), Math.floor(w / k[1])];
  const cols = reshape(applyPrim("unfold", [x], { kernel: k, stride: k, dilation: [1, 1], padding: [0, 0, 0, 0], value: -Infinity }), [n * c, k[0] * k[1], oh * ow]);
  const arg = applyPrim("argReduce", [cols], { op: "argmax", axis: 1 });
  return { values: reshape(applyPrim("gather", [cols, arg], { axis: 1 }), [n, c, oh, ow]), arg: reshape(arg, [n, c, oh, ow]) };
};

/** Flat h·W + w input positions of window-local argmaxes (plain arithmetic, independent of the library's). */
const flatIndices = (arg: ArrayLike<number>, shape: readonly number[], k: K, width: number): number[] => {
  const [oh, ow] = [shape[2]!, shape[3]!];
  return Array.from(arg, (a, f) => {
    const [y, z] = [Math.floor(f / ow) % oh, f % ow];
    return (y * k[0] + Math.floor(a / k[1])) * width + z * k[1] + (a % k[1]);
  });
};

const bits = async (t: Tensor): Promise<number[]> => Array.from(await t.data());

/** A weighted sum, so each output's gradient differs (a plain sum would give every window the same cotangent). */
const gradOf = (f: (x: Tensor) => Tensor, x: Tensor, weights: Tensor) => grad((t: Tensor) => sum(mul(f(t), weights)))(x);

/** Shapes and kernels: LeNet's and CIFAR's 2×2, odd kernels, rows/columns left over (cropped), 1-row images. */
export const tiledCases: readonly { shape: readonly [number, number, number, number]; k: K }[] = [
  { shape: [2, 3, 8, 8], k: [2, 2] }, { shape: [1, 2, 7, 9], k: [2, 2] }, { shape: [2, 1, 9, 6], k: [3, 3] },
  { shape: [1, 2, 6, 10], k: [2, 5] }, { shape: [3, 2, 5, 4], k: [1, 4] }, { shape: [1, 1, 1, 12], k: [1, 3] },
  { shape: [2, 2, 6, 6], k: [6, 6] },
];

/** Checks avg and max pooling (values, gradients, indices) of one case against the im2col path on `device`. */
export const checkTiled = async (device: Backend, { shape, k }: (typeof tiledCases)[number], seed: number): Promise<void> => {
  const label = `[${shape}] by [${k}]`;
  const x = tensor(values(shape.reduce((a, b) => a * b), seed, false), { shape: [...shape], device });
  const out = [shape[0], shape[1], Math.floor(shape[2] / k[0]), Math.floor(shape[3] / k[1])];
  const weights = tensor(values(out.reduce((a, b) => a * b), seed + 1, false), { shape: out, device });

  for (const divisorOverride of [undefined, 3]) {
    const avg = (t: Tensor) => avgPool2d(t, { kernelSize: [...k], divisorOverride });
    const old = (t: Tensor) => im2colAvg(t, k, divisorOverride ?? k[0] * k[1]);
    expect(await bits(avg(x)), `avg ${label}`).toEqual(await bits(old(x)));
    expect(await bits(gradOf(avg, x, weights)), `avg grad ${label}`).toEqual(await bits(gradOf(old, x, weights)));
  }

  for (const nan of [false, true]) {
    const xm = tensor(values(x.size, seed + 2, nan), { shape: [...shape], device });
    const r = maxPool2d(xm, { kernelSize: [...k], returnIndices: true });
    const ref = im2colMax(xm, k);
    // Without indices or a gradient the window maximum is a max reduction: the same values, ±0 and NaN included.
    const plain = await bits(maxPool2d(xm, { kernelSize: [...k] }));
    expect(plain.map((v) => Object.is(v, -0)), `max -0 ${label}`).toEqual((await bits(ref.values)).map((v) => Object.is(v, -0)));
    expect(plain, `max ${label}`).toEqual(await bits(ref.values));
    expect(await bits(r.values), `max with indices ${label}`).toEqual(await bits(ref.values));
    expect(await bits(r.indices), `max indices ${label}`).toEqual(flatIndices(await ref.arg.data(), out, k, shape[3]));
    const gNew = gradOf((t) => maxPool2d(t, { kernelSize: [...k] }), xm, weights);
    expect(await bits(gNew), `max grad ${label}`).toEqual(await bits(gradOf((t) => im2colMax(t, k).values, xm, weights)));
  }
};

/** The other entry points that reach the tiled path: 1-D pools, ceil mode without overhang, evenly divisible adaptive pools. */
export const checkTiledEntryPoints = async (device: Backend): Promise<void> => {
  const x = tensor(values(2 * 3 * 6 * 8, 5, false), { shape: [2, 3, 6, 8], device });
  expect(await bits(avgPool2d(x, { kernelSize: 2, ceilMode: true, countIncludePad: false }))).toEqual(await bits(im2colAvg(x, [2, 2], 4)));
  expect(await bits(maxPool2d(x, { kernelSize: 2, ceilMode: true }))).toEqual(await bits(im2colMax(x, [2, 2]).values));
  expect(await bits(adaptiveAvgPool2d(x, [3, 2]))).toEqual(await bits(im2colAvg(x, [2, 4], 8)));
  const a = adaptiveMaxPool2d(x, [2, 4], { returnIndices: true });
  const ref = im2colMax(x, [3, 2]);
  expect(await bits(a.values)).toEqual(await bits(ref.values));
  expect(await bits(a.indices)).toEqual(flatIndices(await ref.arg.data(), [2, 3, 2, 4], [3, 2], 8));
  // Window [-0, +0; -1, -0] keeps its first maximum -0; window [+0, -0; NaN, 1] is NaN.
  const z = tensor([-0, 0, 0, -0, -1, -0, NaN, 1], { shape: [1, 1, 2, 4], device });
  const zs = await bits(maxPool2d(z, { kernelSize: 2 }));
  expect(Object.is(zs[0], -0) && Number.isNaN(zs[1])).toBe(true);
  expect(zs).toEqual(await bits(im2colMax(z, [2, 2]).values));
  const l = reshape(x, [2, 3, 48]);
  expect(await bits(avgPool1d(l, { kernelSize: 4 }))).toEqual(await bits(reshape(im2colAvg(reshape(l, [2, 3, 1, 48]), [1, 4], 4), [2, 3, 12])));
  const m = maxPool1d(l, { kernelSize: 5, returnIndices: true }); // 48 = 9 windows of 5 and 3 dropped
  const mref = im2colMax(reshape(l, [2, 3, 1, 48]), [1, 5]);
  expect(await bits(m.values)).toEqual(await bits(reshape(mref.values, [2, 3, 9])));
  expect(await bits(m.indices)).toEqual(flatIndices(await mref.arg.data(), [2, 3, 1, 9], [1, 5], 48));
};
