// Max/avg/adaptive pooling against PyTorch fixtures (values, gradients, indices), the curriculum's example, finite differences, errors.
import { describe, expect, it } from "vitest";
import {
  maxPool2d, avgPool2d, maxPool1d, avgPool1d, adaptiveAvgPool2d, adaptiveMaxPool2d, adaptiveAvgPool1d, adaptiveMaxPool1d,
  tensor, randn, key, split, zeros, arange, grad, sum,
  type Tensor, type MaxPool2dOptions, type AvgPool2dOptions, type MaxPool1dOptions, type AvgPool1dOptions,
} from "../../src/index.js";
import { checkCase, checkFiniteDifferences, expectClose, loadCases, type OpRunner } from "../_harness.js";

type Size = number | [number | null, number | null];

const runners: Record<string, OpRunner> = {
  maxPool2d: ([x], p) => maxPool2d(x!, { ...(p as unknown as MaxPool2dOptions), returnIndices: false }),
  "maxPool2d.indices": ([x], p) => maxPool2d(x!, { ...(p as unknown as MaxPool2dOptions), returnIndices: true }).indices,
  avgPool2d: ([x], p) => avgPool2d(x!, p as unknown as AvgPool2dOptions),
  maxPool1d: ([x], p) => maxPool1d(x!, { ...(p as unknown as MaxPool1dOptions), returnIndices: false }),
  "maxPool1d.indices": ([x], p) => maxPool1d(x!, { ...(p as unknown as MaxPool1dOptions), returnIndices: true }).indices,
  avgPool1d: ([x], p) => avgPool1d(x!, p as unknown as AvgPool1dOptions),
  adaptiveAvgPool2d: ([x], p) => adaptiveAvgPool2d(x!, p.outputSize as Size),
  adaptiveMaxPool2d: ([x], p) => adaptiveMaxPool2d(x!, p.outputSize as Size),
  "adaptiveMaxPool2d.indices": ([x], p) => adaptiveMaxPool2d(x!, p.outputSize as Size, { returnIndices: true }).indices,
  adaptiveAvgPool1d: ([x], p) => adaptiveAvgPool1d(x!, p.outputSize as number),
  adaptiveMaxPool1d: ([x], p) => adaptiveMaxPool1d(x!, p.outputSize as number),
  "adaptiveMaxPool1d.indices": ([x], p) => adaptiveMaxPool1d(x!, p.outputSize as number, { returnIndices: true }).indices,
};

describe("pooling matches PyTorch (values, gradients to the first maximum, indices)", () => {
  for (const c of loadCases("pool")) it(`${c.op}: ${c.name}`, () => checkCase(c, runners[c.op]!));
});

describe("the curriculum's MaxPool2d example", () => {
  const input = tensor([[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [5, 2, 3, 1, 1], [2, 1, 0, 1, 1]]).reshape(-1, 1, 5, 5);
  it("ceilMode keeps the partial windows", () => expect(maxPool2d(input, { kernelSize: 3, ceilMode: true }).tolist()).toEqual([[[[2, 3], [5, 1]]]]));
  it("floor mode drops them", () => expect(maxPool2d(input, { kernelSize: 3, ceilMode: false }).tolist()).toEqual([[[[2]]]]));
  it("indices are flat positions in each plane", () => {
    const { values, indices } = maxPool2d(input, { kernelSize: 3, ceilMode: true, returnIndices: true });
    expect(values.tolist()).toEqual([[[[2, 3], [5, 1]]]]);
    expect(indices.dtype).toBe("int32");
    expect(indices.tolist()).toEqual([[[[1, 3], [15, 18]]]]);
  });
});

describe("pooling: finite differences", () => {
  const ks = split(key(21), 4);
  // Continuous random inputs have no ties, so the max is differentiable where it is evaluated.
  it("maxPool2d with padding, dilation and ceil mode", () =>
    checkFiniteDifferences(([x]) => maxPool2d(x!, { kernelSize: 3, stride: 2, padding: 1, dilation: [1, 2], ceilMode: true }), [randn(ks[0]!, [2, 2, 7, 8])], { eps: 1e-3 }));
  it("avgPool2d excluding padding in ceil mode", () =>
    checkFiniteDifferences(([x]) => avgPool2d(x!, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [randn(ks[1]!, [1, 2, 6, 7])]));
  it("adaptiveAvgPool2d with uneven bins", () => checkFiniteDifferences(([x]) => adaptiveAvgPool2d(x!, [3, 4]), [randn(ks[2]!, [2, 1, 7, 6])]));
  it("adaptiveMaxPool2d with uneven bins", () => checkFiniteDifferences(([x]) => adaptiveMaxPool2d(x!, [3, 4]), [randn(ks[3]!, [1, 2, 7, 6])], { eps: 1e-3 }));
});

describe("avgPool2d over exactly tiling windows (LeNet's pools) against a naive reference", () => {
  // Naive float64 window means of x [N, C, H, W] for kernel = stride = [kh, kw], no padding.
  const naive = (x: Tensor, kh: number, kw: number, divisor: number): number[] => {
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const d = x.dataSync();
    const out: number[] = [];
    for (let p = 0; p < n * c; p++)
      for (let y = 0; y < h / kh; y++)
        for (let z = 0; z < w / kw; z++) {
          let s = 0;
          for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) s += d[p * h * w + (y * kh + i) * w + z * kw + j]!;
          out.push(s / divisor);
        }
    return out;
  };
  const ks = split(key(31), 3);
  for (const [shape, k, divisorOverride] of [[[2, 3, 6, 8], [2, 4], undefined], [[1, 2, 4, 4], [2, 2], 3], [[3, 1, 9, 3], [3, 1], undefined]] as const)
    it(`${JSON.stringify(shape)} by ${JSON.stringify(k)}${divisorOverride ? ` divisorOverride ${divisorOverride}` : ""}`, () => {
      const x = randn(ks[0]!, [...shape]);
      const y = avgPool2d(x, { kernelSize: k, divisorOverride });
      expect(y.shape).toEqual([shape[0], shape[1], shape[2] / k[0], shape[3] / k[1]]);
      expectClose(y, tensor(naive(x, k[0], k[1], divisorOverride ?? k[0] * k[1]), { shape: y.shape }), { atol: 1e-6, rtol: 1e-6 });
      // d Σ avg / dx is 1/divisor everywhere: every element lies in exactly one window
      const g = grad((t: Tensor) => sum(avgPool2d(t, { kernelSize: k, divisorOverride })))(x);
      expect(Array.from(g.dataSync())).toEqual(new Array(x.size).fill(Math.fround(1 / (divisorOverride ?? k[0] * k[1]))));
    });
  it("finite differences, and unbatched input", () => {
    checkFiniteDifferences(([x]) => avgPool2d(x!, { kernelSize: 2 }), [randn(ks[1]!, [2, 2, 4, 6])]);
    const x = randn(ks[2]!, [3, 4, 4]);
    expect(avgPool2d(x, { kernelSize: 2 }).tolist()).toEqual(avgPool2d(x.reshape(1, 3, 4, 4), { kernelSize: 2 }).reshape(3, 2, 2).tolist());
  });
});

describe("pooling: behaviour", () => {
  it("ties send the whole gradient to the first maximum, as PyTorch does", () => {
    const g = grad((x: Tensor) => sum(maxPool2d(x, { kernelSize: 2 })))(tensor([[[[1, 1], [1, 1]]]]));
    expect(g.tolist()).toEqual([[[[1, 0], [0, 0]]]]);
  });

  it("global adaptive pooling is the plane mean / max", () => {
    const x = randn(key(22), [2, 3, 5, 7]);
    expectClose(adaptiveAvgPool2d(x, 1), x.mean([2, 3], { keepdim: true }), { atol: 1e-6 });
    expectClose(adaptiveMaxPool2d(x, [1, 1]), x.max([2, 3], { keepdim: true }));
  });

  it("unbatched inputs give unbatched results, indices included", () => {
    const x = arange(0, 16, 1, { dtype: "float32" }).reshape(1, 4, 4);
    const { values, indices } = maxPool2d(x, { kernelSize: 2, returnIndices: true });
    expect(values.tolist()).toEqual([[[5, 7], [13, 15]]]);
    expect(indices.tolist()).toEqual([[[5, 7], [13, 15]]]);
    expect(adaptiveMaxPool1d(arange(0, 6, 1, { dtype: "float32" }).reshape(1, 6), 2, { returnIndices: true }).indices.tolist()).toEqual([[2, 5]]);
  });
});

describe("pooling: errors name the op and the offending values", () => {
  const x = zeros([1, 2, 5, 5]);
  it("ranks and dtypes", () => {
    expect(() => maxPool2d(zeros([5, 5]), { kernelSize: 2 })).toThrow(/^maxPool2d: input shape \[5, 5\] must be 4-D \[N, C, H, W\] \(or 3-D \[C, H, W\] unbatched\)/);
    expect(() => avgPool1d(x, { kernelSize: 2 })).toThrow(/^avgPool1d: input shape \[1, 2, 5, 5\] must be 3-D \[N, C, L\]/);
    expect(() => adaptiveAvgPool2d(zeros([5]), 2)).toThrow(/^adaptiveAvgPool2d: input shape \[5\] must be 4-D/);
    expect(() => maxPool2d(zeros([1, 1, 4, 4], { dtype: "int32" }), { kernelSize: 2 })).toThrow(/^maxPool2d: input must be float32, got int32/);
  });
  it("kernel, stride, padding and dilation", () => {
    expect(() => maxPool2d(x, { kernelSize: 0 })).toThrow(/^maxPool2d: kernelSize must be a positive integer or a pair of them, got 0/);
    expect(() => avgPool2d(x, { kernelSize: 2, stride: [1, 0] })).toThrow(/^avgPool2d: stride must be a positive integer or a pair of them, got \[1, 0\]/);
    expect(() => maxPool2d(x, { kernelSize: 3, padding: 2 })).toThrow(/^maxPool2d: padding \[2, 2\] must be at most half of kernelSize \[3, 3\]/);
    expect(() => maxPool1d(zeros([1, 1, 8]), { kernelSize: 2, padding: 2 })).toThrow(/^maxPool1d: padding \[2\] must be at most half of kernelSize \[2\]/);
    expect(() => maxPool2d(x, { kernelSize: 2, dilation: 0 })).toThrow(/^maxPool2d: dilation must be a positive integer/);
    expect(() => maxPool1d(zeros([1, 1, 8]), { kernelSize: 2, stride: 0 })).toThrow(/^maxPool1d: stride must be a positive integer, got 0$/);
    expect(() => avgPool2d(x, { kernelSize: 2, divisorOverride: 0 })).toThrow(/^avgPool2d: divisorOverride must be a non-zero number, got 0/);
  });
  it("windows that do not fit", () => {
    expect(() => maxPool2d(zeros([1, 2, 2, 2]), { kernelSize: 3 })).toThrow(
      /^maxPool2d: output size \[0, 0\] is too small for input shape \[1, 2, 2, 2\] \(kernelSize \[3, 3\], stride \[3, 3\], padding \[0, 0\], dilation \[1, 1\]\)/,
    );
    expect(() => maxPool2d(x, { kernelSize: 3, stride: 1, dilation: 3 })).toThrow(/^maxPool2d: output size \[-1, -1\] is too small for input shape \[1, 2, 5, 5\] \(kernelSize \[3, 3\], stride \[1, 1\], padding \[0, 0\], dilation \[3, 3\]\)/);
  });
  it("adaptive output sizes", () => {
    expect(() => adaptiveAvgPool2d(x, 0)).toThrow(/^adaptiveAvgPool2d: outputSize must be a positive integer or a pair of them \(null keeps the input size\), got 0/);
    expect(() => adaptiveMaxPool2d(x, [2, 1.5])).toThrow(/^adaptiveMaxPool2d: outputSize must be a positive integer or a pair of them \(null keeps the input size\), got \[2,1.5\]/);
    expect(() => adaptiveAvgPool1d(zeros([1, 1, 4]), -1)).toThrow(/^adaptiveAvgPool1d: outputSize must be a positive integer, got -1/);
    expect(() => adaptiveMaxPool2d(zeros([1, 1, 0, 3]), 2)).toThrow(/^adaptiveMaxPool2d: input shape \[1, 1, 0, 3\] has an empty spatial dimension/);
  });
});
