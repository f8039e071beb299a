// Bad input to every transform fails with an error naming the transform and the offending value.
import { describe, expect, it } from "vitest";
import { key, tensor, zeros } from "../../../src/index.js";
import type { Image } from "../../../src/streams/Image.js";
import * as T from "../../../src/streams/transforms/index.js";

const img: Image = { height: 4, width: 5, channels: 3, data: new Uint8Array(60) };
const k = key(0);
const call = (f: unknown, ...args: unknown[]) => () => (f as (...a: unknown[]) => unknown)(...args);

describe("transform errors", () => {
  it("non-image input names the transform and what it got", () => {
    expect(call(T.resize(3), [1, 2, 3])).toThrow(/resize: expected an Image \{ data, height, width, channels \} or a Tensor, got an array of 3/);
    expect(call(T.centerCrop(2), new Uint8Array(4))).toThrow(/centerCrop: .*Uint8Array/);
    expect(call(T.hflip, null)).toThrow(/hflip: expected an Image .* got null/);
    expect(call(T.toTensor(), zeros([3, 2, 2]))).toThrow(/toTensor: expected an Image, got a tensor of shape \[3, 2, 2\]/);
    expect(call(T.toTensor(), { foo: 1 })).toThrow(/toTensor: expected an Image .* keys \{foo\}/);
    expect(call(T.normalize({ mean: 0, std: 1 }), img)).toThrow(/normalize: expected a float32 tensor/);
    expect(call(T.toImage(), img)).toThrow(/toImage: expected a tensor/);
    expect(call(T.randomHorizontalFlip(), zeros([3]), k)).toThrow(/randomHorizontalFlip: expected a tensor image .* got shape \[3\]/);
  });

  it("malformed Images name the field", () => {
    expect(call(T.hflip, { ...img, data: new Uint8Array(59) })).toThrow(/hflip: Image.data holds 59 bytes but 4×5×3 needs 60/);
    expect(call(T.hflip, { ...img, channels: 2 })).toThrow(/hflip: Image.channels must be 1, 3 or 4, got 2/);
    expect(call(T.hflip, { ...img, height: 0 })).toThrow(/hflip: Image.height must be a positive integer, got 0/);
    expect(call(T.hflip, { ...img, data: [1, 2] })).toThrow(/hflip: Image.data must be a Uint8Array/);
  });

  it("bad sizes name the transform and the value", () => {
    expect(call(T.resize, 0)).toThrow(/resize: size must be a positive integer .* got 0/);
    expect(call(T.resize, [2, 3, 4])).toThrow(/resize: size must .* got \[2,3,4\]/);
    expect(call(T.resize, 2.5)).toThrow(/resize: size .* got 2.5/);
    expect(call(T.resize, [4, 4], { maxSize: 10 })).toThrow(/resize: maxSize only applies when size is one number/);
    expect(call(T.resize(8, { maxSize: 8 }), img)).toThrow(/resize: maxSize = 8 must be greater than the requested shorter side 8/);
    expect(call(T.resize, 4, { interpolation: "bicubic" })).toThrow(/resize: interpolation must be one of bilinear, nearest, got "bicubic"/);
    expect(call(T.centerCrop, -1)).toThrow(/centerCrop: size must be .* got -1/);
    expect(call(T.randomCrop, [3, 0])).toThrow(/randomCrop: size must be .* got \[3,0\]/);
    expect(call(T.randomResizedCrop, "big")).toThrow(/randomResizedCrop: size must be .* got "big"/);
    expect(call(T.randomCrop(8), img, k)).toThrow(/randomCrop: the crop \[8, 8\] is larger than the \(padded\) input \[4, 5\]/);
    expect(call(T.crop, { top: 0, left: 0, height: 0, width: 2 })).toThrow(/crop: height must be a positive integer, got 0/);
  });

  it("channel counts and dtypes that do not fit are named with the shape", () => {
    expect(call(T.normalize({ mean: [0.5, 0.5, 0.5], std: [1, 1, 1] }), zeros([1, 4, 4]))).toThrow(
      /normalize: mean has 3 values but the tensor has 1 channel \(shape \[1, 4, 4\]\)/,
    );
    expect(call(T.normalize({ mean: 0, std: [1, 2] }), zeros([3, 4, 4]))).toThrow(/normalize: std has 2 values but the tensor has 3 channels/);
    expect(call(T.normalize, { mean: 0, std: [1, 0] })).toThrow(/normalize: std \[1,0\] has a zero/);
    expect(call(T.normalize({ mean: 0, std: 1 }), zeros([2, 2]))).toThrow(/normalize: expected a tensor image \[\.\.\., C, H, W\], got shape \[2, 2\]/);
    expect(call(T.normalize({ mean: 0, std: 1 }), zeros([1, 2, 2], { dtype: "int32" }))).toThrow(/normalize: expected a float32 tensor, got dtype int32/);
    expect(call(T.grayscale(), zeros([4, 2, 2]))).toThrow(/grayscale: expected 1 or 3 channels, got 4 \(shape \[4, 2, 2\]\)/);
    expect(call(T.adjustHue, zeros([2, 2, 2]), 0.1)).toThrow(/adjustHue: expected 1 or 3 channels, got 2/);
    expect(call(T.adjustBrightness, zeros([3, 2, 2], { dtype: "int32" }), 0.5)).toThrow(/adjustBrightness: expected a float32 tensor image/);
    expect(call(T.toImage(), zeros([2, 3, 3]))).toThrow(/toImage: an Image has 1, 3 or 4 channels, got 2 \(shape \[2, 3, 3\]\)/);
    expect(call(T.toImage(), tensor([[[300]]], { dtype: "int32" }))).toThrow(/toImage: an int32 tensor must hold bytes 0–255, got 300 at flat index 0/);
  });

  it("fill of the wrong arity, bad padding and bad modes are named", () => {
    expect(call(T.pad(1, { fill: [1, 2] }), img)).toThrow(/pad: fill has 2 values but the image has 3 channels \(fill \[1,2\]\)/);
    expect(call(T.randomCrop(4, { padding: 2, fill: [0, 0] }), zeros([1, 4, 4]), k)).toThrow(/randomCrop: fill has 2 values but the image has 1 channel/);
    expect(call(T.pad(1, { fill: "red" as never }), img)).toThrow(/pad: fill must be a finite number or an array of them, got "red"/);
    expect(call(T.pad, [1, 2, 3])).toThrow(/pad: padding must be .* got \[1,2,3\]/);
    expect(call(T.pad, 1, { paddingMode: "wrap" })).toThrow(/pad: paddingMode must be one of constant, edge, reflect, symmetric, got "wrap"/);
    expect(call(T.pad(-3), img)).toThrow(/pad: padding \[-3, -3, -3, -3\] leaves nothing of a 4×5 image/);
  });

  it("out-of-range options are named", () => {
    expect(call(T.randomHorizontalFlip, { p: 1.5 })).toThrow(/randomHorizontalFlip: p must be a probability in \[0, 1\], got 1.5/);
    expect(call(T.randomVerticalFlip, { p: -0.1 })).toThrow(/randomVerticalFlip: p must be a probability/);
    expect(call(T.randomResizedCrop, 4, { scale: [0.9, 0.1] })).toThrow(/randomResizedCrop: scale must be \[min, max\] .* got \[0.9,0.1\]/);
    expect(call(T.randomResizedCrop, 4, { ratio: [0, 1] })).toThrow(/randomResizedCrop: ratio must be \[min, max\] with 0 < min/);
    expect(call(T.colorJitter, { brightness: -1 })).toThrow(/colorJitter: brightness as a single number must be finite and non-negative, got -1/);
    expect(call(T.colorJitter, { hue: 0.7 })).toThrow(/colorJitter: hue must be \[min, max\] with -0.5 <= min <= max <= 0.5|colorJitter: hue must be at most 0.5/);
    expect(call(T.colorJitter, { hue: [-0.6, 0] })).toThrow(/colorJitter: hue must be \[min, max\] with -0.5 <= min <= max <= 0.5, got \[-0.6,0\]/);
    expect(call(T.colorJitter, { saturation: [1, 2, 3] })).toThrow(/colorJitter: saturation must be a number or a \[min, max\] pair/);
    expect(call(T.adjustHue, img, 0.6)).toThrow(/adjustHue: hueFactor must lie in \[-0.5, 0.5\], got 0.6/);
    expect(call(T.adjustContrast, img, -1)).toThrow(/adjustContrast: contrastFactor must be a finite non-negative number, got -1/);
    expect(call(T.grayscale, { numOutputChannels: 2 })).toThrow(/grayscale: numOutputChannels must be 1 or 3, got 2/);
  });

  it("random transforms without a key say so", () => {
    for (const [name, t] of [
      ["randomHorizontalFlip", T.randomHorizontalFlip()], ["randomVerticalFlip", T.randomVerticalFlip()],
      ["randomCrop", T.randomCrop(2)], ["randomResizedCrop", T.randomResizedCrop(2)], ["colorJitter", T.colorJitter({ brightness: 0.1 })],
    ] as const)
      expect(call(t, img)).toThrow(new RegExp(`${name}: a random transform needs an RNG key as its second argument`));
  });
});
