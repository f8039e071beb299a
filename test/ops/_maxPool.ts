// Max pooling through maxPoolIndices + gather against the previous im2col path (values, indices, gradients), on any device.
import { expect } from "vitest";
import { maxPool2d, maxPool1d, tensor, grad, sum, mul, reshape, cpuDevice, type Backend, type Tensor } from "../../src/index.js";
import { applyPrim } from "../../src/ops/apply.js";
import { rules } from "../../src/ops/prims/index.js";
import type { WindowParams } from "../../src/ops/primitive.js";

type P2 = readonly [number, number];

/** One pooling geometry over an [N, C, H, W] input, in maxPool2d's options. */
export interface Geometry {
  readonly shape: readonly [number, number, number, number];
  readonly kernel: P2;
  readonly stride: P2;
  readonly padding: P2;
  readonly dilation: P2;
  readonly ceilMode: boolean;
}

/** A small deterministic generator (so a failing case can be rerun). */
const rng = (seed: number) => {
  let s = seed * 2654435761 + 1;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x6d2b79f5) | 0;
    return ((s >>> 0) % 1_000_003) / 1_000_003;
  };
};

/** Values with many ties (quarters), -0 and +0, and when asked NaN and -∞. */
export const values = (n: number, seed: number, { nan = false, negInf = false } = {}): number[] => {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const u = r();
    if (nan && u < 0.04) return NaN;
    if (negInf && u > 0.9) return -Infinity;
    if (u < 0.12) return -0;
    if (u < 0.18) return 0;
    return Math.round((u - 0.5) * 12) / 4;
  });
};

/** PyTorch's output size along one axis (ceil mode drops a last window starting beyond the input and left padding). */
const outLen = (size: number, k: number, s: number, d: number, p: number, ceil: boolean): number => {
  let o = Math.floor((size + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= size + p) o--;
  return o;
};

/** The primitive's window: padding [top, bottom, left, right] with the ceil-mode overhang added after. */
export const windowOf = (g: Geometry): { p: WindowParams; out: P2 } => {
  const [h, w] = [g.shape[2], g.shape[3]];
  const out = [0, 1].map((a) => outLen([h, w][a]!, g.kernel[a]!, g.stride[a]!, g.dilation[a]!, g.padding[a]!, g.ceilMode)) as unknown as P2;
  const after = [0, 1].map((a) => Math.max(g.padding[a]!, (out[a]! - 1) * g.stride[a]! + g.dilation[a]! * (g.kernel[a]! - 1) + 1 - [h, w][a]! - g.padding[a]!));
  return { p: { kernel: g.kernel, stride: g.stride, dilation: g.dilation, padding: [g.padding[0], after[0]!, g.padding[1], after[1]!] }, out };
};

/** Random valid geometries: odd sizes, stride ≠ kernel, padding up to half the kernel, dilation, ceil mode, 1-row images. */
export const geometries = (count: number, seed: number): Geometry[] => {
  const r = rng(seed);
  const pick = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const found: Geometry[] = [];
  while (found.length < count) {
    const oneRow = r() < 0.2;
    const kernel: P2 = [oneRow ? 1 : pick(1, 4), pick(1, 4)];
    const g: Geometry = {
      shape: [pick(1, 2), pick(1, 3), oneRow ? 1 : pick(3, 11), pick(3, 11)],
      kernel,
      stride: [pick(1, 3), pick(1, 3)],
      padding: [pick(0, Math.floor(kernel[0] / 2)), pick(0, Math.floor(kernel[1] / 2))],
      dilation: [oneRow ? 1 : pick(1, 2), pick(1, 2)],
      ceilMode: r() < 0.5,
    };
    const { out } = windowOf(g);
    if (out[0] >= 1 && out[1] >= 1) found.push(g);
  }
  return found;
};

/** The previous path, written out: im2col padded with -∞, the first argmax per column, the value gathered there. */
export const im2colMaxPool = (x: Tensor, g: Geometry): { values: Tensor; indices: () => Promise<number[]> } => {
  const [n, c, , w] = g.shape;
  const { p, out } = windowOf(g);
  const cols = reshape(applyPrim("unfold", [x], { ...p, value: -Infinity }), [n * c, g.kernel[0] * g.kernel[1], out[0] * out[1]]);
  const arg = applyPrim("argReduce", [cols], { op: "argmax", axis: 1 });
  const values = reshape(applyPrim("gather", [cols, arg], { axis: 1 }), [n, c, out[0], out[1]]);
  const indices = async () => Array.from(await arg.data(), (k, f) => {
    const [y, z] = [Math.floor(f / out[1]) % out[0], f % out[1]];
    const i = y * g.stride[0] - g.padding[0] + Math.floor(k / g.kernel[1]) * g.dilation[0];
    const j = z * g.stride[1] - g.padding[1] + (k % g.kernel[1]) * g.dilation[1];
    return i * w + j;
  });
  return { values, indices };
};

const bits = async (t: Tensor): Promise<number[]> => Array.from(await t.data());
const negZeros = (v: readonly number[]): boolean[] => v.map((e) => Object.is(e, -0));

const opts = (g: Geometry) => ({ kernelSize: g.kernel, stride: g.stride, padding: g.padding, dilation: g.dilation, ceilMode: g.ceilMode });

/** Max pooling of one geometry equals the im2col path bit for bit: values (±0, NaN), indices, gradient, double backward. */
export const checkAgainstIm2col = async (device: Backend, g: Geometry, seed: number): Promise<void> => {
  const label = JSON.stringify(g);
  const size = g.shape.reduce((a, b) => a * b);
  const x = tensor(values(size, seed, { nan: seed % 2 === 0 }), { shape: [...g.shape], device });
  const ref = im2colMaxPool(x, g);
  const r = maxPool2d(x, { ...opts(g), returnIndices: true });
  const v = await bits(r.values);
  expect(v, `values ${label}`).toEqual(await bits(ref.values));
  expect(negZeros(v), `-0 ${label}`).toEqual(negZeros(await bits(ref.values)));
  expect(await bits(r.indices), `indices ${label}`).toEqual(await ref.indices());
  expect(await bits(maxPool2d(x, opts(g))), `values without indices ${label}`).toEqual(v);

  const xs = tensor(values(size, seed + 7), { shape: [...g.shape], device });
  const w = tensor(values(v.length, seed + 11).map((e) => e + 0.5), { shape: r.values.shape, device });
  const u = tensor(values(size, seed + 13), { shape: [...g.shape], device });
  // A weighted sum of squares: its gradient depends on x, so the double backward is not zero.
  const loss = (f: (t: Tensor) => Tensor) => (t: Tensor) => sum(mul(mul(f(t), f(t)), w));
  const fNew = (t: Tensor) => maxPool2d(t, opts(g));
  const fOld = (t: Tensor) => im2colMaxPool(t, g).values;
  expect(await bits(grad(loss(fNew))(xs)), `gradient ${label}`).toEqual(await bits(grad(loss(fOld))(xs)));
  const second = (f: (t: Tensor) => Tensor) => grad((t: Tensor) => sum(mul(grad(loss(f))(t), u)))(xs);
  expect(await bits(second(fNew)), `double backward ${label}`).toEqual(await bits(second(fOld)));
};

/** The CPU kernel of maxPoolIndices equals its decomposition (run on the CPU), -∞ windows included. */
export const checkKernelAgainstDecomposition = async (g: Geometry, seed: number): Promise<void> => {
  const size = g.shape.reduce((a, b) => a * b);
  const x = tensor(values(size, seed, { nan: seed % 2 === 0, negInf: true }), { shape: [...g.shape], device: cpuDevice });
  const { p } = windowOf(g);
  const kernel = applyPrim("maxPoolIndices", [x], p);
  const decomposed = rules().maxPoolIndices.decompose!([x], p);
  expect(decomposed.dtype).toBe("int32");
  expect(kernel.shape, JSON.stringify(g)).toEqual(decomposed.shape);
  expect(await bits(kernel), JSON.stringify(g)).toEqual(await bits(decomposed));
};

/** On another device (the decomposition there) every geometry gives the CPU kernel's values, indices and gradient. */
export const checkDeviceAgainstCpu = async (device: Backend, g: Geometry, seed: number): Promise<void> => {
  const label = JSON.stringify(g);
  const size = g.shape.reduce((a, b) => a * b);
  const data = values(size, seed, { nan: seed % 2 === 0, negInf: true });
  const on = (d: Backend) => {
    const x = tensor(data, { shape: [...g.shape], device: d });
    const r = maxPool2d(x, { ...opts(g), returnIndices: true });
    const w = tensor(values(r.values.size, seed + 3), { shape: r.values.shape, device: d });
    return { ...r, grad: grad((t: Tensor) => sum(mul(maxPool2d(t, opts(g)), w)))(x) };
  };
  const [a, b] = [on(device), on(cpuDevice)];
  expect(await bits(a.values), `values ${label}`).toEqual(await bits(b.values));
  expect(await bits(a.indices), `indices ${label}`).toEqual(await bits(b.indices));
  expect(await bits(a.grad), `gradient ${label}`).toEqual(await bits(b.grad));
};

/** 1-D pools go through the same primitive over a 1×L image. */
export const checkPool1d = async (device: Backend): Promise<void> => {
  const g: Geometry = { shape: [2, 3, 1, 13], kernel: [1, 3], stride: [1, 2], padding: [0, 1], dilation: [1, 2], ceilMode: true };
  const x = tensor(values(2 * 3 * 13, 3, { nan: true }), { shape: [2, 3, 13], device });
  const r = maxPool1d(x, { kernelSize: 3, stride: 2, padding: 1, dilation: 2, ceilMode: true, returnIndices: true });
  const ref = im2colMaxPool(reshape(x, [2, 3, 1, 13]), g);
  expect(await bits(r.values)).toEqual(await bits(reshape(ref.values, r.values.shape)));
  expect(await bits(r.indices)).toEqual(await ref.indices());
};
