// interpolate against PyTorch fixtures (every mode, alignCorners both ways, scale factors), finite differences, errors.
import { describe, expect, it } from "vitest";
import { interpolate, tensor, randn, key, zeros, arange, adaptiveAvgPool2d, type InterpolateOptions } from "../../src/index.js";
import { checkCase, checkFiniteDifferences, expectClose, loadCases } from "../_harness.js";

describe("interpolate matches PyTorch (forward and gradients)", () => {
  for (const c of loadCases("interpolate"))
    it(c.name, () => checkCase(c, ([x], p) => interpolate(x!, p as InterpolateOptions)));
});

describe("interpolate: finite differences", () => {
  const x = randn(key(31), [1, 2, 4, 5]);
  it("bilinear", () => checkFiniteDifferences(([x]) => interpolate(x!, { size: [7, 3], mode: "bilinear" }), [x]));
  it("bilinear alignCorners", () => checkFiniteDifferences(([x]) => interpolate(x!, { scaleFactor: 1.5, mode: "bilinear", alignCorners: true }), [x]));
  it("nearest", () => checkFiniteDifferences(([x]) => interpolate(x!, { size: [6, 3] }), [x]));
});

describe("interpolate: behaviour", () => {
  it("nearest ×2 repeats every pixel", () => {
    const y = interpolate(tensor([[[[1, 2], [3, 4]]]]), { scaleFactor: 2 });
    expect(y.tolist()).toEqual([[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]);
  });

  it("bilinear with alignCorners keeps the corners and interpolates between them", () => {
    const y = interpolate(tensor([[[[0, 3], [6, 9]]]]), { size: [3, 4], mode: "bilinear", alignCorners: true });
    expect(y.tolist()).toEqual([[[[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]]]]);
  });

  it("the same size returns the input", () => {
    const x = randn(key(32), [1, 1, 3, 3]);
    expect(interpolate(x, { size: 3, mode: "bilinear" })).toBe(x);
    expect(interpolate(x, { scaleFactor: 1 })).toBe(x);
  });

  it("area is adaptive average pooling", () => {
    const x = randn(key(33), [2, 3, 7, 5]);
    expectClose(interpolate(x, { size: [3, 2], mode: "area" }), adaptiveAvgPool2d(x, [3, 2]));
  });
});

describe("interpolate: errors name the op and the offending values", () => {
  const x = zeros([1, 1, 4, 4]);
  it("rank, mode and dtype", () => {
    expect(() => interpolate(zeros([4, 4]), { size: 2 })).toThrow(/^interpolate: input shape \[4, 4\] must be 3-D \[N, C, L\] or 4-D \[N, C, H, W\]/);
    expect(() => interpolate(x, { size: 2, mode: "linear" })).toThrow(/^interpolate: mode "linear" needs 3-D \[N, C, L\] input, got shape \[1, 1, 4, 4\]/);
    expect(() => interpolate(zeros([1, 1, 4]), { size: 2, mode: "bilinear" })).toThrow(/^interpolate: mode "bilinear" needs 4-D \[N, C, H, W\] input, got shape \[1, 1, 4\]/);
    expect(() => interpolate(x, { size: 2, mode: "cubic" as "nearest" })).toThrow(/^interpolate: unknown mode "cubic"/);
    expect(() => interpolate(x, { size: 2, alignCorners: true })).toThrow(/^interpolate: alignCorners can only be set with the interpolating modes linear, bilinear and bicubic, not "nearest"/);
    expect(() => interpolate(arange(16).reshape(1, 1, 4, 4), { size: 2 })).toThrow(/^interpolate: input must be float32, got int32/);
  });
  it("size and scaleFactor", () => {
    expect(() => interpolate(x, { size: 2, scaleFactor: 2 })).toThrow(/^interpolate: only one of size and scaleFactor should be given/);
    expect(() => interpolate(x, {})).toThrow(/^interpolate: either size or scaleFactor should be given/);
    expect(() => interpolate(x, { size: [2, 3, 4] })).toThrow(/^interpolate: input shape \[1, 1, 4, 4\] has 2 spatial dimensions but size is \[2, 3, 4\]/);
    expect(() => interpolate(x, { scaleFactor: -1 })).toThrow(/^interpolate: scaleFactor must be positive, got \[-1, -1\]/);
    expect(() => interpolate(x, { scaleFactor: 0.1 })).toThrow(/^interpolate: output size \[0, 0\] must be positive integers \(input shape \[1, 1, 4, 4\]\)/);
    expect(() => interpolate(x, { size: 2, recomputeScaleFactor: true })).toThrow(/^interpolate: recomputeScaleFactor is not meaningful with an explicit size/);
  });
});
