// maxPoolIndices on the CPU: the one-pass kernel against its im2col decomposition, and max pooling built on it against the previous im2col path.
import { describe, expect, it } from "vitest";
import { cpuDevice, grad, maxPool1d, maxPool2d, sum, tensor, type Tensor } from "../../src/index.js";
import { checkAgainstIm2col, checkKernelAgainstDecomposition, checkPool1d, geometries, type Geometry } from "./_maxPool.js";

const twoByTwo: Geometry = { shape: [2, 3, 8, 6], kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false };
const cases = [twoByTwo, { ...twoByTwo, shape: [1, 2, 7, 9] } as Geometry, ...geometries(40, 1)];

describe("maxPoolIndices CPU kernel equals its decomposition (NaN, ties, ±0, -∞)", () => {
  it("2×2 stride 2 (the special case) and 40 random geometries", async () => {
    for (const [i, g] of cases.entries()) await checkKernelAgainstDecomposition(g, i);
  });
});

describe("max pooling through maxPoolIndices + gather equals the im2col path bit for bit on the CPU", () => {
  it("values, indices, gradients and double backward over random geometries", async () => {
    for (const [i, g] of cases.slice(0, 24).entries()) await checkAgainstIm2col(cpuDevice, g, i);
  });
  it("1-D pools", () => checkPool1d(cpuDevice));
});

describe("max pooling of -∞ windows (PyTorch 1.13's answers)", () => {
  it("a window whose maximum is -∞ points at its first input element, never the padding", async () => {
    // torch.nn.functional.max_pool2d(full((1, 1, 3, 3), -inf), 2, 2, 1, return_indices=True) → indices [0, 1, 3, 4].
    const x = tensor(new Array(9).fill(-Infinity), { shape: [1, 1, 3, 3] });
    const r = maxPool2d(x, { kernelSize: 2, padding: 1, returnIndices: true });
    expect(Array.from(r.values.dataSync())).toEqual([-Infinity, -Infinity, -Infinity, -Infinity]);
    expect(Array.from(r.indices.dataSync())).toEqual([0, 1, 3, 4]);
    // The gradient of the sum goes to those positions: [[1, 1, 0], [1, 1, 0], [0, 0, 0]].
    const g = grad((t: Tensor) => sum(maxPool2d(t, { kernelSize: 2, padding: 1 })))(x);
    expect(Array.from(g.dataSync())).toEqual([1, 1, 0, 1, 1, 0, 0, 0, 0]);
  });
  it("with dilation the first input element is the first tap past the padding", async () => {
    // Kernel 3, dilation 2, padding 1 over a 1×5 row of -∞: windows tap -1, 1, 3 and 1, 3, 5 → first inputs 1 and 1.
    const x = tensor(new Array(5).fill(-Infinity), { shape: [1, 1, 5] });
    const r = maxPool1d(x, { kernelSize: 3, dilation: 2, padding: 1, stride: 2, returnIndices: true });
    expect(Array.from(r.indices.dataSync())).toEqual([1, 1]);
  });
});
