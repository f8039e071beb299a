// Cutting a box out of an image or tensor image (torchvision.transforms.functional.crop): outside the image is zero.
import type { Raster } from "./_raster.js";
import { rasterOf, remap } from "./_raster.js";
import type { DeterministicImageTransform, ImageOrTensor } from "./Transform.js";

/** The box of a crop: its top-left corner (may be negative) and its size. */
export interface CropBox {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/** Crops a raster; rows and columns outside the input take `fill` (zero by default, as torchvision pads). */
export const cropRaster = <X extends ImageOrTensor>(r: Raster, { top, left, height, width }: CropBox, fill: readonly number[] = new Array<number>(r.c).fill(0)): X => {
  const rows = Int32Array.from({ length: height }, (_, y) => (top + y >= 0 && top + y < r.h ? top + y : -1));
  const cols = Int32Array.from({ length: width }, (_, x) => (left + x >= 0 && left + x < r.w ? left + x : -1));
  return remap<X>(r, rows, cols, fill);
};

/**
 * A transform cutting the box (top, left, height, width) out of its input (zeros where the box leaves the image).
 * @example
 * const patch = crop({ top: 2, left: 4, height: 8, width: 8 })(image);
 */
export const crop = (box: CropBox): DeterministicImageTransform => {
  for (const k of ["top", "left"] as const)
    if (!Number.isInteger(box?.[k])) throw new Error(`crop: ${k} must be an integer, got ${box?.[k]}`);
  for (const k of ["height", "width"] as const)
    if (!Number.isInteger(box[k]) || box[k] < 1) throw new Error(`crop: ${k} must be a positive integer, got ${box[k]}`);
  return (x) => cropRaster(rasterOf("crop", x), box);
};
