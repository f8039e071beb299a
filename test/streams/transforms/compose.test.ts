// compose: stage order, per-stage keys, typing of chains, and deterministic transforms used without a key.
import { describe, expect, expectTypeOf, it } from "vitest";
import { key, foldIn, Tensor, tensor, type Key } from "../../../src/index.js";
import type { Image } from "../../../src/streams/Image.js";
import {
  centerCrop, compose, normalize, randomCrop, randomHorizontalFlip, resize, toImage, toTensor, type Transform,
} from "../../../src/streams/transforms/index.js";

const img: Image = { height: 6, width: 8, channels: 3, data: Uint8Array.from({ length: 144 }, (_, i) => (i * 7) % 256) };

describe("compose", () => {
  it("runs the stages in order and types the chain from Image to Tensor", () => {
    const t = compose([resize(4), centerCrop(4), toTensor(), normalize({ mean: 0.5, std: 0.5 })]);
    const y = t(img);
    expectTypeOf(y).toEqualTypeOf<Tensor>();
    expect(y.shape).toEqual([3, 4, 4]);
    const manual = normalize({ mean: 0.5, std: 0.5 })(toTensor()(centerCrop(4)(resize(4)(img))));
    expect(y.tolist()).toEqual(manual.tolist());
  });

  it("keeps image-or-tensor transforms polymorphic", () => {
    const geo = compose([resize([3, 3]), randomHorizontalFlip()]);
    expectTypeOf(geo(img, key(0))).toEqualTypeOf<Image>();
    expectTypeOf(geo(tensor([[[1]]]), key(0))).toEqualTypeOf<Tensor>();
    const back = compose([toTensor(), toImage()]);
    expectTypeOf(back(img)).toEqualTypeOf<Image>();
    expect(back(img).data).toEqual(img.data);
  });

  it("gives stage i the key foldIn(key, i), so the chain is reproducible and stages draw independently", () => {
    const seen: [number, Key][] = [];
    const spy = (i: number): Transform<number, number> => (x, k) => (seen.push([i, k]), x + 1);
    const k = key(9);
    expect(compose([spy(0), spy(1), spy(2)])(0, k)).toBe(3);
    expect(seen).toEqual([[0, foldIn(k, 0)], [1, foldIn(k, 1)], [2, foldIn(k, 2)]]);
    const aug = compose([randomCrop(4), randomHorizontalFlip()]);
    expect(aug(img, k).data).toEqual(aug(img, k).data);
  });

  it("runs deterministic chains without a key and names the random stage that needs one", () => {
    expect(compose([centerCrop(2)])(img).height).toBe(2);
    expect(() => compose([centerCrop(2), randomHorizontalFlip()])(img)).toThrow(/randomHorizontalFlip: a random transform needs an RNG key/);
  });

  it("an empty chain is the identity; a non-function stage is named", () => {
    expect(compose([])(img)).toBe(img);
    expect(() => compose([centerCrop(2), 3 as never])).toThrow(/compose: stage 1 is not a transform/);
  });

  it("a chain whose stages do not fit together has type never", () => {
    const bad = compose([toTensor(), toTensor() as unknown as Transform<Image, Tensor>]);
    expectTypeOf<ReturnType<typeof bad<Image>>>().toEqualTypeOf<never>();
    expect(() => bad(img)).toThrow(/toTensor: expected an Image, got a tensor of shape \[3, 6, 8\]/);
  });
});
