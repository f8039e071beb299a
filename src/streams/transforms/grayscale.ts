// Grayscale: luma of the RGB channels, as one channel or repeated three times (torchvision.transforms.Grayscale).
import { Tensor } from "../../ops/Tensor.js";
import { colorInput, eachPixel, lumaOf } from "./_color.js";
import { alloc, build, rasterOf } from "./_raster.js";
import type { DeterministicImageTransform, ImageOrTensor } from "./Transform.js";

export interface GrayscaleOptions {
  /** 1 (grayscale output) or 3 (the grey repeated in R, G and B). */
  readonly numOutputChannels?: 1 | 3;
}

/**
 * A transform to grayscale: PIL's "L" conversion (0.299, 0.587, 0.114 in fixed point) for Images, torchvision's
 * 0.2989·R + 0.587·G + 0.114·B for float32 tensors; RGBA Images lose their alpha, as PIL's convert("L") does.
 * @example
 * const gray = grayscale({ numOutputChannels: 1 })(image);
 */
export const grayscale = ({ numOutputChannels = 1 }: GrayscaleOptions = {}): DeterministicImageTransform => {
  const op = "grayscale";
  if (numOutputChannels !== 1 && numOutputChannels !== 3) throw new Error(`${op}: numOutputChannels must be 1 or 3, got ${numOutputChannels}`);
  return <X extends ImageOrTensor>(x: X): X => {
    const r = rasterOf(op, x);
    colorInput(op, r);
    if (r.c === 1 && numOutputChannels === 1) return x;
    const luma = lumaOf(r);
    const c = numOutputChannels;
    const out = alloc(r, r.n * c * r.h * r.w);
    const tensor = r.source instanceof Tensor;
    // Output strides: CHW per image for tensors, HWC for Images.
    const [oc, ox] = tensor ? [r.h * r.w, 1] : [1, c];
    eachPixel(r, (base) => {
      const i = Math.floor(base / r.sn);
      const p = (base % r.sn) / r.sx;
      const l = luma(base);
      for (let ch = 0; ch < c; ch++) out[i * c * r.h * r.w + ch * oc + p * ox] = l;
    });
    return build<X>(r, out, r.h, r.w, c);
  };
};
