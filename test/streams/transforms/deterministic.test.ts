// Deterministic transforms: conversions round-trip, output sizes follow torchvision's rules, tensors keep their layout.
import { describe, expect, it } from "vitest";
import { arange, tensor, Tensor, zeros } from "../../../src/index.js";
import type { Image } from "../../../src/streams/Image.js";
import * as T from "../../../src/streams/transforms/index.js";

const image = (h: number, w: number, c: 1 | 3 | 4 = 3): Image => ({
  height: h, width: w, channels: c, data: Uint8Array.from({ length: h * w * c }, (_, i) => (i * 37 + 11) % 256),
});

describe("conversions", () => {
  it("toTensor gives CHW float32 in [0, 1]; a grayscale image gives [1, H, W]", () => {
    const x = T.toTensor()({ height: 1, width: 2, channels: 3, data: Uint8Array.from([0, 128, 255, 51, 102, 153]) });
    expect(x.shape).toEqual([3, 1, 2]);
    expect(x.dtype).toBe("float32");
    expectArray(x, [0, 51 / 255, 128 / 255, 102 / 255, 1, 153 / 255]);
    expect(T.toTensor()(image(2, 3, 1)).shape).toEqual([1, 2, 3]);
  });

  it("pilToTensor keeps the bytes as int32", () => {
    const x = T.pilToTensor()({ height: 1, width: 2, channels: 3, data: Uint8Array.from([0, 128, 255, 51, 102, 153]) });
    expect(x.dtype).toBe("int32");
    expect(x.tolist()).toEqual([[[0, 51]], [[128, 102]], [[255, 153]]]);
  });

  it("toImage inverts toTensor and pilToTensor for 1, 3 and 4 channels, and reads [H, W] as grayscale", () => {
    for (const c of [1, 3, 4] as const) {
      const img = image(3, 4, c);
      expect(T.toImage()(T.toTensor()(img))).toEqual(img);
      expect(T.toPILImage()(T.pilToTensor()(img))).toEqual(img);
    }
    const g = T.toImage()(tensor([[0, 1], [0.5, 0.25]]));
    expect([g.channels, [...g.data]]).toEqual([1, [0, 255, 127, 63]]);
  });

  it("toImage clamps out-of-range floats before truncating (NaN becomes 0)", () => {
    expect([...T.toImage()(tensor([[[-0.5, 1.5, NaN]]])).data]).toEqual([0, 255, 0]);
  });
});

describe("resize", () => {
  it("an int sets the shorter side and truncates the longer, like torchvision", () => {
    const r = (h: number, w: number, size: number, o: T.ResizeOptions = {}) => {
      const y = T.resize(size, o)(zeros([1, h, w]));
      return y.shape.slice(1);
    };
    expect(r(375, 500, 256)).toEqual([256, 341]); // 256 · 500 / 375 = 341.33
    expect(r(500, 375, 256)).toEqual([341, 256]);
    expect(r(7, 10, 4)).toEqual([4, 5]); // 5.71 truncates to 5
    expect(r(10, 10, 4)).toEqual([4, 4]);
    expect(r(6, 20, 5, { maxSize: 10 })).toEqual([3, 10]); // the long side capped, the short side gives way
  });

  it("returns the input when the size does not change; works on [H, W] and batched tensors", () => {
    const x = zeros([2, 3, 8, 6]);
    expect(T.resize([8, 6])(x)).toBe(x);
    expect(T.resize(3)(x).shape).toEqual([2, 3, 4, 3]);
    expect(T.resize([2, 2])(arange(16).astype("float32").reshape([4, 4])).shape).toEqual([2, 2]);
  });

  it("keeps a constant image constant (weights sum to one), for every mode and path", () => {
    const c = new Uint8Array(5 * 7 * 3).fill(200);
    for (const o of [{}, { interpolation: "nearest" as const }]) {
      const y = T.resize([3, 11], o)({ height: 5, width: 7, channels: 3, data: c });
      expect(y.data.every((v) => v === 200)).toBe(true);
    }
    for (const antialias of [true, false]) {
      const y = T.resize([3, 11], { antialias })(tensor(new Float32Array(35).fill(0.25), { shape: [1, 5, 7] }));
      expectArray(y, new Array(33).fill(0.25));
    }
  });

  it("rounds int32 tensors back to integers and nearest copies any dtype", () => {
    const x = tensor([[[0, 255], [255, 0]]], { dtype: "int32" });
    const y = T.resize([3, 3])(x);
    expect(y.dtype).toBe("int32");
    expect(y.dataSync().every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
    expect(T.resize([4, 4], { interpolation: "nearest" })(x).tolist()).toEqual([[[0, 0, 255, 255], [0, 0, 255, 255], [255, 255, 0, 0], [255, 255, 0, 0]]]);
  });

  it("antialias widens the filter when shrinking, so every input pixel counts", () => {
    // Plain bilinear 8 → 2 reads rows and columns 1, 2, 5 and 6 only; the antialiased filter spans all eight.
    const dot = tensor(Array.from({ length: 64 }, (_, i) => (i === 0 ? 1 : 0)), { shape: [1, 8, 8] });
    expect(T.resize([2, 2], { antialias: false })(dot).dataSync().every((v) => v === 0)).toBe(true);
    expect(T.resize([2, 2])(dot).dataSync()[0]).toBeGreaterThan(0);
  });
});

describe("crops, pads and flips", () => {
  it("centerCrop takes the middle (rounding half to even) and pads with zeros when larger", () => {
    const x = arange(30).astype("float32").reshape([1, 5, 6]);
    expect(T.centerCrop(2)(x).tolist()).toEqual([[[14, 15], [20, 21]]]); // top round(1.5) = 2, left 2
    const y = T.centerCrop([3, 8])(tensor([[[1, 2], [3, 4]]]));
    // Padding puts the odd pixel after the image: (3 - 2) // 2 = 0 rows above, 1 below.
    expect(y.tolist()).toEqual([[[0, 0, 0, 1, 2, 0, 0, 0], [0, 0, 0, 3, 4, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]]]);
  });

  it("pad modes on a row [1, 2, 3]", () => {
    const x = tensor([[[1, 2, 3]]]);
    const row = (mode: T.PaddingMode) => (T.pad([2, 0], { paddingMode: mode, fill: 9 })(x).tolist() as number[][][])[0]![0];
    expect(row("constant")).toEqual([9, 9, 1, 2, 3, 9, 9]);
    expect(row("edge")).toEqual([1, 1, 1, 2, 3, 3, 3]);
    expect(row("reflect")).toEqual([3, 2, 1, 2, 3, 2, 1]);
    expect(row("symmetric")).toEqual([2, 1, 1, 2, 3, 3, 2]);
  });

  it("pads an Image with a per-channel fill", () => {
    const y = T.pad([1, 0, 0, 0], { fill: [10, 20, 30] })({ height: 1, width: 1, channels: 3, data: Uint8Array.from([1, 2, 3]) });
    expect([y.width, [...y.data]]).toEqual([2, [10, 20, 30, 1, 2, 3]]);
  });

  it("crop fills outside the image with zeros; flips mirror images and tensors alike", () => {
    expect(T.crop({ top: -1, left: 1, height: 2, width: 2 })(tensor([[[1, 2], [3, 4]]])).tolist()).toEqual([[[0, 0], [2, 0]]]);
    const img: Image = { height: 1, width: 2, channels: 3, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
    expect([...T.hflip(img).data]).toEqual([4, 5, 6, 1, 2, 3]);
    expect(T.vflip(tensor([[[1], [2]]])).tolist()).toEqual([[[2], [1]]]);
  });

  it("inputs are never modified", () => {
    const img = image(4, 4);
    const before = [...img.data];
    T.pad(2)(img);
    T.adjustHue(img, 0.3);
    T.resize(2)(img);
    expect([...img.data]).toEqual(before);
  });
});

describe("colour", () => {
  it("grayscale: one or three channels, from Images (RGBA too) and tensors", () => {
    expect(T.grayscale()(image(2, 2, 4)).channels).toBe(1);
    const g3 = T.grayscale({ numOutputChannels: 3 })(image(2, 2));
    expect(g3.channels).toBe(3);
    for (let i = 0; i < 4; i++) expect(new Set(g3.data.slice(3 * i, 3 * i + 3)).size).toBe(1);
    const t = T.grayscale({ numOutputChannels: 3 })(tensor([[[1]], [[0]], [[0]]]));
    expectArray(t, [0.2989, 0.2989, 0.2989]);
    // A one-channel tensor asked for three channels gets three (torchvision 0.14 returns one).
    expect(T.grayscale({ numOutputChannels: 3 })(zeros([1, 2, 2])).shape).toEqual([3, 2, 2]);
  });

  it("factor 1 leaves colours unchanged; alpha is never touched", () => {
    const img = image(3, 3, 4);
    for (const f of [T.adjustBrightness, T.adjustContrast, T.adjustSaturation]) expect(f(img, 1)).toEqual(img);
    const dark = T.adjustBrightness(img, 0);
    for (let i = 0; i < 9; i++) expect([...dark.data.slice(4 * i, 4 * i + 4)]).toEqual([0, 0, 0, img.data[4 * i + 3]]);
  });

  it("hue ±0.5 twice is (almost) the identity on tensors", () => {
    const x = tensor([[[0.9, 0.1]], [[0.2, 0.5]], [[0.3, 0.7]]]);
    expectArray(T.adjustHue(T.adjustHue(x, 0.5), -0.5), [...x.dataSync()], 1e-5);
  });
});

function expectArray(t: Tensor, expected: number[], tol = 1e-6): void {
  const a = t.dataSync();
  expect(a.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(a[i]! - e)).toBeLessThanOrEqual(tol));
}
