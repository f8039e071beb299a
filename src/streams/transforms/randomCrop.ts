// RandomCrop: an optional pad, then a box of the given size at a position drawn from the key (torchvision.transforms.RandomCrop).
import type { Key } from "../../ops/random.js";
import { fillFor } from "./_fill.js";
import { intIn, requireKey, uniforms } from "./_random.js";
import { rasterOf, type Raster } from "./_raster.js";
import { pairSize } from "./_size.js";
import { cropRaster } from "./crop.js";
import { padRaster, padSides, type Padding, type PaddingMode } from "./pad.js";
import type { ImageOrTensor, ImageTransform } from "./Transform.js";

export interface RandomCropOptions {
  /** Padding applied to every input first, as `pad`'s. */
  readonly padding?: Padding;
  /** Pad (each side by the shortfall, as torchvision) when the input is smaller than the crop. */
  readonly padIfNeeded?: boolean;
  readonly fill?: number | readonly number[];
  readonly paddingMode?: PaddingMode;
}

/**
 * A transform cutting a `size` box (one number for a square, or [height, width]) at a random position.
 * @example
 * const augment = randomCrop(32, { padding: 4 }); // the CIFAR-10 augmentation
 * const patch = augment(image, key(0));
 */
export const randomCrop = (size: number | readonly number[], { padding, padIfNeeded = false, fill = 0, paddingMode = "constant" }: RandomCropOptions = {}): ImageTransform => {
  const op = "randomCrop";
  const [th, tw] = pairSize(op, size);
  const sides = padding === undefined ? undefined : padSides(op, padding);
  return <X extends ImageOrTensor>(x: X, key: Key): X => {
    let r = rasterOf(op, x);
    fillFor(op, fill, r);
    if (sides) r = rasterOf(op, padRaster(op, r, sides, fill, paddingMode));
    if (padIfNeeded && r.w < tw) r = rasterOf(op, padRaster(op, r, [tw - r.w, 0, tw - r.w, 0], fill, paddingMode));
    if (padIfNeeded && r.h < th) r = rasterOf(op, padRaster(op, r, [0, th - r.h, 0, th - r.h], fill, paddingMode));
    if (r.h < th || r.w < tw)
      throw new Error(`${op}: the crop [${th}, ${tw}] is larger than the (padded) input [${r.h}, ${r.w}]; pass padIfNeeded: true or a smaller size`);
    const [u, v] = uniforms(requireKey(op, key), 2);
    if (r.h === th && r.w === tw) return r.source as X;
    return cropRaster<X>(r as Raster, { top: intIn(u!, 0, r.h - th + 1), left: intIn(v!, 0, r.w - tw + 1), height: th, width: tw });
  };
};
