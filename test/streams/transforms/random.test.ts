// Random transforms: the same key gives the same result, different keys differ, and the draws follow their distributions.
import { describe, expect, it } from "vitest";
import { key, split, tensor } from "../../../src/index.js";
import type { Image } from "../../../src/streams/Image.js";
import {
  colorJitter, hflip, randomCrop, randomHorizontalFlip, randomResizedCrop, randomResizedCropBox, randomVerticalFlip, vflip,
  adjustBrightness, adjustContrast, adjustSaturation, adjustHue,
} from "../../../src/streams/transforms/index.js";

/** A small RGB image whose every byte is distinct enough to tell positions apart. */
const image = (h: number, w: number, c: 1 | 3 | 4 = 3): Image => ({
  height: h, width: w, channels: c, data: Uint8Array.from({ length: h * w * c }, (_, i) => (i * 37 + 11) % 256),
});
const same = (a: Image, b: Image) => a.height === b.height && a.width === b.width && a.data.every((v, i) => v === b.data[i]);
const keys = (n: number) => split(key(123), n);

describe("random flips", () => {
  it("flip at rate p over many keys, and the same key decides the same way", () => {
    const img = image(2, 3);
    const flipped = hflip(img);
    for (const p of [0.2, 0.5, 0.9]) {
      const t = randomHorizontalFlip({ p });
      const n = 2000;
      const flips = keys(n).filter((k) => same(t(img, k), flipped)).length;
      // Binomial(2000, p): 5 standard deviations at most ~0.056.
      expect(Math.abs(flips / n - p)).toBeLessThan(0.06);
    }
    const t = randomHorizontalFlip();
    for (const k of keys(20)) expect(same(t(img, k), t(img, k))).toBe(true);
  });

  it("p = 0 never flips and returns the input; p = 1 always flips (tensors too)", () => {
    const x = tensor([[[1, 2, 3], [4, 5, 6]]]);
    for (const k of keys(10)) {
      expect(randomVerticalFlip({ p: 0 })(x, k)).toBe(x);
      expect(randomVerticalFlip({ p: 1 })(x, k).tolist()).toEqual(vflip(x).tolist());
      expect(randomHorizontalFlip({ p: 1 })(x, k).tolist()).toEqual([[[3, 2, 1], [6, 5, 4]]]);
    }
  });
});

describe("randomCrop", () => {
  it("crops a window of the (padded) input at a key-determined, roughly uniform position", () => {
    const x = tensor(Array.from({ length: 36 }, (_, i) => i), { shape: [1, 6, 6] });
    const t = randomCrop(4);
    const tops = new Set<number>();
    for (const k of keys(200)) {
      const y = t(x, k);
      expect(y.shape).toEqual([1, 4, 4]);
      const v = y.dataSync();
      const [top, left] = [Math.floor(v[0]! / 6), v[0]! % 6];
      tops.add(top * 10 + left);
      // Every row of the crop is a contiguous run of the original.
      for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(v[r * 4 + c]).toBe((top + r) * 6 + left + c);
      expect(t(x, k).tolist()).toEqual(y.tolist());
    }
    expect(tops.size).toBe(9); // all 3 × 3 positions occur
  });

  it("padding = 4 on 32×32 gives 32×32 crops of the padded image (CIFAR-10's augmentation)", () => {
    const img = image(32, 32);
    const t = randomCrop(32, { padding: 4 });
    let sawBorder = false;
    for (const k of keys(30)) {
      const y = t(img, k);
      expect([y.height, y.width, y.channels]).toEqual([32, 32, 3]);
      if (y.data[0] === 0 && y.data[1] === 0 && y.data[2] === 0) sawBorder = true;
    }
    expect(sawBorder).toBe(true);
  });

  it("padIfNeeded pads each side by the shortfall, as torchvision does", () => {
    const x = tensor([[[1, 2], [3, 4]]]);
    const y = randomCrop([2, 4], { padIfNeeded: true, fill: 9 })(x, key(0));
    expect(y.shape).toEqual([1, 2, 4]);
    const v = [...y.dataSync()];
    expect(v.filter((e) => e === 9).length).toBe(4);
  });
});

describe("randomResizedCrop", () => {
  it("boxes stay within the scale and ratio bounds (up to rounding) and inside the image", () => {
    const [H, W] = [200, 300];
    for (const k of keys(500)) {
      const b = randomResizedCropBox(k, H, W, [0.08, 1], [3 / 4, 4 / 3]);
      expect(b.top).toBeGreaterThanOrEqual(0);
      expect(b.left).toBeGreaterThanOrEqual(0);
      expect(b.top + b.height).toBeLessThanOrEqual(H);
      expect(b.left + b.width).toBeLessThanOrEqual(W);
      const area = (b.height * b.width) / (H * W);
      expect(area).toBeGreaterThan(0.08 * 0.9);
      expect(area).toBeLessThanOrEqual(1);
      const ratio = b.width / b.height;
      expect(ratio).toBeGreaterThan((3 / 4) * 0.95);
      expect(ratio).toBeLessThan((4 / 3) * 1.05);
    }
  });

  it("the area fraction is spread over the whole scale range", () => {
    const areas = keys(400).map((k) => {
      const b = randomResizedCropBox(k, 100, 100, [0.08, 1], [3 / 4, 4 / 3]);
      return (b.height * b.width) / 1e4;
    });
    expect(Math.min(...areas)).toBeLessThan(0.15);
    expect(Math.max(...areas)).toBeGreaterThan(0.9);
  });

  it("always gives the requested size, on images and tensors, and is reproducible", () => {
    const img = image(40, 30);
    const t = randomResizedCrop([16, 12]);
    for (const k of keys(10)) {
      const y = t(img, k);
      expect([y.height, y.width]).toEqual([16, 12]);
      expect(same(y, t(img, k))).toBe(true);
    }
    const tx = tensor(Array.from({ length: 2 * 20 * 20 }, (_, i) => i / 800), { shape: [2, 20, 20] });
    expect(randomResizedCrop(8)(tx, key(3)).shape).toEqual([2, 8, 8]);
  });
});

describe("colorJitter", () => {
  const img = image(6, 7);
  it("is reproducible per key and varies across keys", () => {
    const t = colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 });
    const outs = keys(8).map((k) => t(img, k));
    keys(8).forEach((k, i) => expect(same(t(img, k), outs[i]!)).toBe(true));
    expect(new Set(outs.map((o) => o.data.join())).size).toBe(8);
  });

  it("with one adjustment is that adjustment at some factor in its range", () => {
    const t = colorJitter({ brightness: [0.5, 0.5] });
    expect(same(t(img, key(1)), adjustBrightness(img, 0.5))).toBe(true);
    const c = colorJitter({ contrast: [1.5, 1.5] });
    expect(same(c(img, key(2)), adjustContrast(img, 1.5))).toBe(true);
    const s = colorJitter({ saturation: [0, 0] });
    expect(same(s(img, key(3)), adjustSaturation(img, 0))).toBe(true);
    const h = colorJitter({ hue: [0.25, 0.25] });
    expect(same(h(img, key(4)), adjustHue(img, 0.25))).toBe(true);
  });

  it("applies the four adjustments in a key-dependent order", () => {
    // Brightness then contrast differs from contrast then brightness once values clip, so both orders show up.
    const t = colorJitter({ brightness: [2, 2], contrast: [0.2, 0.2] });
    const orders = new Set(keys(40).map((k) => t(img, k).data.join()));
    expect(orders.size).toBe(2);
    const bc = adjustContrast(adjustBrightness(img, 2), 0.2).data.join();
    const cb = adjustBrightness(adjustContrast(img, 0.2), 2).data.join();
    expect(orders).toEqual(new Set([bc, cb]));
  });

  it("no jitter is the identity", () => {
    expect(same(colorJitter()(img, key(0)), img)).toBe(true);
  });
});
