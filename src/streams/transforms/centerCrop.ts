// CenterCrop: the central box of a given size, zero-padded first when the box is larger (torchvision.transforms.CenterCrop).
import { pairSize } from "./_size.js";
import { rasterOf, roundHalfEven } from "./_raster.js";
import { cropRaster } from "./crop.js";
import type { DeterministicImageTransform } from "./Transform.js";

/** torchvision's offset along one axis: Python's round((n - size) / 2) inside, floor of half the padding outside. */
const offset = (n: number, size: number): number => (size > n ? -Math.floor((size - n) / 2) : roundHalfEven((n - size) / 2));

/**
 * A transform keeping the central `size` (one number for a square, or [height, width]) of its input.
 * @example
 * const middle = centerCrop(224)(image);
 */
export const centerCrop = (size: number | readonly number[]): DeterministicImageTransform => {
  const [height, width] = pairSize("centerCrop", size);
  return (x) => {
    const r = rasterOf("centerCrop", x);
    return cropRaster(r, { top: offset(r.h, height), left: offset(r.w, width), height, width });
  };
};
