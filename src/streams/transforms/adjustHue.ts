// adjust_hue: rotate every pixel's hue in HSV space by a fraction of the colour circle, torchvision.transforms.functional's.
import { alloc, build, rasterOf } from "./_raster.js";
import { colorInput, eachPixel, isBytes } from "./_color.js";
import { hsvToRgbByte, rgbToHsvByte, shiftHueFloat } from "./_hsv.js";
import type { ImageOrTensor } from "./Transform.js";

/**
 * Hue rotated by `hueFactor` in [-0.5, 0.5] (a fraction of the full circle; ±0.5 gives complementary colours).
 * Grayscale input is returned as is; an Image's hue moves in PIL's byte HSV (steps of 1/255), a tensor's in float32.
 * @example
 * const shifted = adjustHue(image, 0.25);
 */
export const adjustHue = <X extends ImageOrTensor>(x: X, hueFactor: number): X => {
  const op = "adjustHue";
  if (typeof hueFactor !== "number" || !(hueFactor >= -0.5 && hueFactor <= 0.5)) throw new Error(`${op}: hueFactor must lie in [-0.5, 0.5], got ${hueFactor}`);
  const r = rasterOf(op, x);
  colorInput(op, r);
  if (r.c === 1) return x;
  const out = alloc(r, r.data.length);
  out.set(r.data);
  const bytes = isBytes(r);
  // torchvision adds np.uint8(hue_factor · 255) to PIL's hue byte and lets it wrap.
  const shift = ((Math.trunc(hueFactor * 255) % 256) + 256) % 256;
  const d = r.data;
  const hsv = new Float64Array(3);
  const rgb = new Float64Array(3);
  eachPixel(r, (base) => {
    const [i0, i1, i2] = [base, base + r.sc, base + 2 * r.sc];
    if (bytes) {
      rgbToHsvByte(d[i0]!, d[i1]!, d[i2]!, hsv);
      hsvToRgbByte((hsv[0]! + shift) % 256, hsv[1]!, hsv[2]!, rgb);
    } else shiftHueFloat(d[i0]!, d[i1]!, d[i2]!, hueFactor, rgb);
    out[i0] = rgb[0]!;
    out[i1] = rgb[1]!;
    out[i2] = rgb[2]!;
  });
  return build<X>(r, out, r.h, r.w);
};
