// RandomVerticalFlip: mirror top–bottom with probability p, the coin drawn from the key (torchvision's `rand(1) < p`).
import type { Key } from "../../ops/random.js";
import { checkProbability } from "./_probability.js";
import { requireKey, uniforms } from "./_random.js";
import { rasterOf } from "./_raster.js";
import { vflipRaster } from "./flip.js";
import type { ImageOrTensor, ImageTransform } from "./Transform.js";

/**
 * A transform flipping its input top to bottom with probability `p` (images and tensors alike).
 * @example
 * const maybeFlipped = randomVerticalFlip({ p: 0.5 })(image, key(0));
 */
export const randomVerticalFlip = ({ p = 0.5 }: { readonly p?: number } = {}): ImageTransform => {
  checkProbability("randomVerticalFlip", p);
  return <X extends ImageOrTensor>(x: X, key: Key): X => {
    const r = rasterOf("randomVerticalFlip", x);
    return uniforms(requireKey("randomVerticalFlip", key), 1)[0]! < p ? vflipRaster<X>(r) : x;
  };
};
