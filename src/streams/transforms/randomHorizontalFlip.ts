// RandomHorizontalFlip: mirror left–right with probability p, the coin drawn from the key (torchvision's `rand(1) < p`).
import type { Key } from "../../ops/random.js";
import { checkProbability } from "./_probability.js";
import { requireKey, uniforms } from "./_random.js";
import { rasterOf } from "./_raster.js";
import { hflipRaster } from "./flip.js";
import type { ImageOrTensor, ImageTransform } from "./Transform.js";

/**
 * A transform flipping its input left to right with probability `p` (images and tensors alike).
 * @example
 * const maybeFlipped = randomHorizontalFlip({ p: 0.5 })(image, key(0));
 */
export const randomHorizontalFlip = ({ p = 0.5 }: { readonly p?: number } = {}): ImageTransform => {
  checkProbability("randomHorizontalFlip", p);
  return <X extends ImageOrTensor>(x: X, key: Key): X => {
    const r = rasterOf("randomHorizontalFlip", x);
    return uniforms(requireKey("randomHorizontalFlip", key), 1)[0]! < p ? hflipRaster<X>(r) : x;
  };
};
