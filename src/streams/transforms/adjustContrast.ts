// adjust_contrast: blend with the image's mean grey level, torchvision.transforms.functional's.
import { Tensor } from "../../ops/Tensor.js";
import { blendTowards, checkFactor, colorInput, eachPixel, lumaOf } from "./_color.js";
import { rasterOf } from "./_raster.js";
import type { ImageOrTensor } from "./Transform.js";

/**
 * Contrast changed by `contrastFactor` (0 a flat grey, 1 unchanged): a blend with the mean luma of each image
 * (PIL rounds that mean to a byte for Images; tensors keep it in float).
 * @example
 * const flatter = adjustContrast(image, 0.5);
 */
export const adjustContrast = <X extends ImageOrTensor>(x: X, contrastFactor: number): X => {
  const op = "adjustContrast";
  checkFactor(op, "contrastFactor", contrastFactor);
  const r = rasterOf(op, x);
  colorInput(op, r);
  const luma = lumaOf(r);
  const sums = new Float64Array(r.n);
  eachPixel(r, (base) => (sums[Math.floor(base / r.sn)] += luma(base)));
  const means = Array.from(sums, (s) => s / (r.h * r.w)).map((m) => (r.source instanceof Tensor ? Math.fround(m) : Math.trunc(m + 0.5)));
  return blendTowards<X>(r, contrastFactor, (base) => means[Math.floor(base / r.sn)]!);
};
