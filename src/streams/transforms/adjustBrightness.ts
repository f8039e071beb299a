// adjust_brightness: scale colours towards black (factor 0) or beyond (factor > 1), torchvision.transforms.functional's.
import { blendTowards, checkFactor, colorInput } from "./_color.js";
import { rasterOf } from "./_raster.js";
import type { ImageOrTensor } from "./Transform.js";

/**
 * Brightness changed by `brightnessFactor` (0 black, 1 unchanged, 2 twice as bright, clipped): a blend with black.
 * @example
 * const brighter = adjustBrightness(image, 1.5);
 */
export const adjustBrightness = <X extends ImageOrTensor>(x: X, brightnessFactor: number): X => {
  const op = "adjustBrightness";
  checkFactor(op, "brightnessFactor", brightnessFactor);
  const r = rasterOf(op, x);
  colorInput(op, r);
  return blendTowards<X>(r, brightnessFactor, () => 0);
};
