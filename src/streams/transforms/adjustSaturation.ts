// adjust_saturation: blend each pixel with its own grey, torchvision.transforms.functional's.
import { blendTowards, checkFactor, colorInput, lumaOf } from "./_color.js";
import { rasterOf } from "./_raster.js";
import type { ImageOrTensor } from "./Transform.js";

/**
 * Saturation changed by `saturationFactor` (0 grey, 1 unchanged, 2 twice as saturated); grayscale input is returned as is.
 * @example
 * const vivid = adjustSaturation(image, 2);
 */
export const adjustSaturation = <X extends ImageOrTensor>(x: X, saturationFactor: number): X => {
  const op = "adjustSaturation";
  checkFactor(op, "saturationFactor", saturationFactor);
  const r = rasterOf(op, x);
  colorInput(op, r);
  if (r.c === 1) return x;
  const luma = lumaOf(r);
  return blendTowards<X>(r, saturationFactor, luma);
};
