// conv1d, conv2d and convTranspose2d against PyTorch fixtures, the curriculum's worked example, finite differences, errors.
import { describe, expect, it } from "vitest";
import { conv1d, conv2d, convTranspose2d, tensor, randn, key, split, ones, zeros, grad, sum, mul, type Tensor } from "../../src/index.js";
import { applyPrim } from "../../src/ops/apply.js";
import { checkCase, checkFiniteDifferences, expectClose, loadCases, type OpRunner } from "../_harness.js";

type Opts = Record<string, never>;

const runners: Record<string, OpRunner> = {
  conv2d: ([x, w, b], p) => conv2d(x!, w!, { ...(p as Opts), bias: b }),
  conv1d: ([x, w, b], p) => conv1d(x!, w!, { ...(p as Opts), bias: b }),
  convTranspose2d: ([x, w, b], p) => convTranspose2d(x!, w!, { ...(p as Opts), bias: b }),
};

describe("convolutions match PyTorch (forward and gradients)", () => {
  for (const c of loadCases("conv")) it(`${c.op}: ${c.name}`, () => checkCase(c, runners[c.op]!));
});

describe("unfold and fold kernels", () => {
  // Deterministic pseudo-random geometries, including bottom/right padding above or below top/left (ceil mode, convTranspose2d).
  let seed = 7;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  const geometries = Array.from({ length: 40 }, () => ({
    shape: [1 + rand(2), 1 + rand(3), 1 + rand(7), 1 + rand(7)],
    kernel: [1 + rand(3), 1 + rand(3)] as const,
    stride: [1 + rand(3), 1 + rand(3)] as const,
    dilation: [1 + rand(2), 1 + rand(2)] as const,
    padding: [rand(3), rand(4) - 1, rand(3), rand(4) - 1] as const,
  })).filter((g) =>
    [0, 1].every((a) => g.shape[2 + a]! + g.padding[2 * a]! + g.padding[2 * a + 1]! >= g.dilation[a]! * (g.kernel[a]! - 1) + 1),
  );

  it("unfold reads every window position, padding included, in PyTorch's row/column order", () => {
    expect(geometries.length).toBeGreaterThan(25);
    for (const [t, g] of geometries.entries()) {
      const [n, c, h, w] = g.shape as [number, number, number, number];
      const [kh, kw] = g.kernel;
      const x = randn(key(t), g.shape);
      const u = applyPrim("unfold", [x], { ...g, value: -Infinity });
      const oh = Math.floor((h + g.padding[0] + g.padding[1] - g.dilation[0] * (kh - 1) - 1) / g.stride[0]) + 1;
      const ow = Math.floor((w + g.padding[2] + g.padding[3] - g.dilation[1] * (kw - 1) - 1) / g.stride[1]) + 1;
      expect(u.shape).toEqual([n, c * kh * kw, oh * ow]);
      const xs = x.dataSync();
      const expected = new Float32Array(u.size);
      let at = 0;
      for (let b = 0; b < n * c; b++)
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++)
            for (let y = 0; y < oh; y++)
              for (let z = 0; z < ow; z++) {
                const ih = y * g.stride[0] - g.padding[0] + i * g.dilation[0];
                const iw = z * g.stride[1] - g.padding[2] + j * g.dilation[1];
                expected[at++] = ih >= 0 && ih < h && iw >= 0 && iw < w ? xs[(b * h + ih) * w + iw]! : -Infinity;
              }
      expect(Array.from(u.dataSync())).toEqual(Array.from(expected));
    }
  });

  it("fold is the adjoint of unfold: <unfold(x), y> = <x, fold(y)>", () => {
    for (const [t, g] of geometries.entries()) {
      const x = randn(key(100 + t), g.shape);
      const u = applyPrim("unfold", [x], { ...g, value: 0 });
      const y = randn(key(200 + t), u.shape);
      const f = applyPrim("fold", [y], { ...g, size: [g.shape[2]!, g.shape[3]!] });
      expect(sum(mul(u, y)).item()).toBeCloseTo(sum(mul(x, f)).item(), 3);
    }
  });
});

describe("the curriculum's worked example", () => {
  const input = tensor([[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [5, 2, 3, 1, 1], [2, 1, 0, 1, 1]]).reshape(1, 1, 5, 5);
  const kernel = tensor([[1, 2, 1], [0, 1, 0], [2, 1, 0]]).reshape(1, 1, 3, 3);

  it("stride 1", () => expect(conv2d(input, kernel, { stride: 1 }).tolist()).toEqual([[[[10, 12, 12], [18, 16, 16], [13, 9, 3]]]]));
  it("stride 2", () => expect(conv2d(input, kernel, { stride: 2 }).tolist()).toEqual([[[[10, 12], [13, 3]]]]));
  it("padding 1", () =>
    expect(conv2d(input, kernel, { stride: 1, padding: 1 }).tolist()).toEqual([
      [[[1, 3, 4, 10, 8], [5, 10, 12, 12, 6], [7, 18, 16, 16, 8], [11, 13, 9, 3, 4], [14, 13, 9, 7, 4]]],
    ]));
});

describe("convolutions: finite differences", () => {
  const ks = split(key(11), 6);
  const x = randn(ks[0]!, [2, 4, 5, 6]);
  it("conv2d with groups, stride, dilation and bias", () =>
    checkFiniteDifferences(([x, w, b]) => conv2d(x!, w!, { bias: b, groups: 2, stride: [2, 1], dilation: [1, 2], padding: 1 }), [
      x, randn(ks[1]!, [4, 2, 3, 2]), randn(ks[2]!, [4]),
    ]));
  it("conv1d with padding same", () =>
    checkFiniteDifferences(([x, w]) => conv1d(x!, w!, { padding: "same" }), [randn(ks[3]!, [2, 3, 7]), randn(ks[4]!, [2, 3, 4])]));
  it("convTranspose2d with stride, outputPadding and groups", () =>
    checkFiniteDifferences(([x, w]) => convTranspose2d(x!, w!, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }), [
      x, randn(ks[5]!, [4, 1, 3, 3]),
    ]));
});

describe("convolutions: behaviour", () => {
  it("convTranspose2d is the gradient of conv2d with respect to its input", () => {
    const [k1, k2, k3] = split(key(12), 3);
    const x = randn(k1!, [2, 4, 7, 6]);
    const w = randn(k2!, [6, 2, 3, 3]);
    const opts = { stride: 2, padding: 1, dilation: [2, 1] as const, groups: 2 };
    const y = conv2d(x, w, opts);
    const g = randn(k3!, y.shape);
    const dx = grad((t: Tensor) => sum(mul(conv2d(t, w, opts), g)))(x);
    // Several input widths give 3 output columns at stride 2; outputPadding picks 6 rather than 5.
    expectClose(convTranspose2d(g, w, { ...opts, outputPadding: [0, 1] }), dx, { atol: 1e-4, rtol: 1e-4 });
  });

  it("a 1×1 convolution is a matmul over channels", () => {
    const [k1, k2] = split(key(13));
    const x = randn(k1!, [2, 3, 4, 5]);
    const w = randn(k2!, [6, 3, 1, 1]);
    const viaMatmul = w.reshape(6, 3).matmul(x.permute(1, 0, 2, 3).reshape(3, -1)).reshape(6, 2, 4, 5).permute(1, 0, 2, 3);
    expectClose(conv2d(x, w), viaMatmul, { atol: 1e-5 });
  });

  it("padding 'same' keeps the spatial size for odd and even kernels", () => {
    const x = ones([1, 1, 5, 6]);
    expect(conv2d(x, ones([1, 1, 4, 3]), { padding: "same" }).shape).toEqual([1, 1, 5, 6]);
    expect(conv2d(x, ones([1, 1, 2, 2]), { padding: "same", dilation: 3 }).shape).toEqual([1, 1, 5, 6]);
    expect(conv1d(ones([2, 1, 9]), ones([3, 1, 4]), { padding: "same" }).shape).toEqual([2, 3, 9]);
  });
});

describe("convolutions: errors name the op and the offending values", () => {
  const x = zeros([1, 3, 5, 5]);
  const w = zeros([4, 3, 3, 3]);
  it("ranks", () => {
    expect(() => conv2d(zeros([3, 5]), w)).toThrow(/^conv2d: input shape \[3, 5\] must be 4-D \[N, C, H, W\] \(or 3-D \[C, H, W\] unbatched\)/);
    expect(() => conv2d(x, zeros([4, 3, 3]))).toThrow(/^conv2d: weight shape \[4, 3, 3\] must be 4-D \[Cout, Cin\/groups, kH, kW\]/);
    expect(() => conv1d(x, zeros([4, 3, 3]))).toThrow(/^conv1d: input shape \[1, 3, 5, 5\] must be 3-D \[N, C, L\]/);
    expect(() => conv1d(zeros([1, 3, 5]), w)).toThrow(/^conv1d: weight shape \[4, 3, 3, 3\] must be 3-D/);
    expect(() => convTranspose2d(zeros([5]), w)).toThrow(/^convTranspose2d: input shape \[5\] must be 4-D/);
  });
  it("channel mismatches name both shapes and groups", () => {
    expect(() => conv2d(x, zeros([4, 2, 3, 3]))).toThrow(
      /^conv2d: input shape \[1, 3, 5, 5\] has 3 channels but weight shape \[4, 2, 3, 3\] with groups 1 expects 2 \(weight.shape\[1\] × groups\)/,
    );
    expect(() => conv2d(zeros([1, 4, 5, 5]), zeros([6, 1, 3, 3]), { groups: 2 })).toThrow(
      /^conv2d: input shape \[1, 4, 5, 5\] has 4 channels but weight shape \[6, 1, 3, 3\] with groups 2 expects 2/,
    );
    expect(() => conv2d(zeros([1, 4, 5, 5]), zeros([3, 2, 3, 3]), { groups: 2 })).toThrow(
      /^conv2d: weight shape \[3, 2, 3, 3\] has 3 output channels, not divisible by groups 2/,
    );
    expect(() => convTranspose2d(x, zeros([4, 2, 3, 3]))).toThrow(
      /^convTranspose2d: input shape \[1, 3, 5, 5\] has 3 channels but weight shape \[4, 2, 3, 3\] expects 4/,
    );
    expect(() => conv2d(x, w, { bias: zeros([3]) })).toThrow(/^conv2d: bias shape \[3\] must be \[4\]/);
    expect(() => conv2d(x, w, { groups: 0 })).toThrow(/^conv2d: groups must be a positive integer, got 0/);
  });
  it("strides, padding and dilation", () => {
    expect(() => conv2d(x, w, { stride: 0 })).toThrow(/^conv2d: stride must be a positive integer or a pair of them, got 0/);
    expect(() => conv2d(x, w, { stride: [1, -2] })).toThrow(/^conv2d: stride must be a positive integer or a pair of them, got \[1, -2\]/);
    expect(() => conv2d(x, w, { padding: -1 })).toThrow(/^conv2d: padding must be a non-negative integer or a pair of them, got -1/);
    expect(() => conv2d(x, w, { dilation: 0 })).toThrow(/^conv2d: dilation must be a positive integer/);
    expect(() => conv1d(zeros([1, 3, 5]), zeros([2, 3, 3]), { stride: 1.5 })).toThrow(/^conv1d: stride must be a positive integer, got 1.5$/);
    expect(() => conv2d(x, w, { padding: "same", stride: 2 })).toThrow(/^conv2d: padding "same" is not supported for strided convolutions \(stride \[2, 2\]\)/);
    expect(() => conv1d(zeros([1, 3, 5]), zeros([2, 3, 3]), { padding: "same", stride: 2 })).toThrow(/^conv1d: padding "same" is not supported for strided convolutions \(stride \[2\]\)/);
    expect(() => convTranspose2d(x, zeros([3, 2, 3, 3]), { outputPadding: 1 })).toThrow(
      /^convTranspose2d: outputPadding \[1, 1\] must be smaller than either stride \[1, 1\] or dilation \[1, 1\]/,
    );
  });
  it("a kernel larger than the padded input", () => {
    expect(() => conv2d(zeros([1, 3, 2, 2]), w)).toThrow(
      /^conv2d: kernel size \[3, 3\] \(dilated \[3, 3\]\) is larger than the padded input size \[2, 2\] \(input shape \[1, 3, 2, 2\]\)/,
    );
    expect(() => conv2d(x, w, { dilation: 3 })).toThrow(/^conv2d: kernel size \[3, 3\] \(dilated \[7, 7\]\) is larger than the padded input size \[5, 5\]/);
    expect(() => conv1d(zeros([1, 1, 2]), zeros([1, 1, 4]), { padding: 0 })).toThrow(/^conv1d: kernel size \[4\] \(dilated \[4\]\) is larger than the padded input size \[2\]/);
  });
  it("dtypes", () => {
    expect(() => conv2d(zeros([1, 3, 5, 5], { dtype: "int32" }), w)).toThrow(/^conv2d: input must be float32, got int32 \(shape \[1, 3, 5, 5\]\)/);
  });
});
