// RandomResizedCrop: a box of random area and aspect ratio (torchvision's 10 tries, then a central fallback), resized to `size`.
import type { Key } from "../../ops/random.js";
import { foldIn } from "../../ops/random.js";
import { intIn, requireKey, uniforms } from "./_random.js";
import { rasterOf, roundHalfEven } from "./_raster.js";
import { pairSize } from "./_size.js";
import { cropRaster, type CropBox } from "./crop.js";
import { resizeRaster, type InterpolationMode } from "./resize.js";
import type { ImageOrTensor, ImageTransform } from "./Transform.js";

export interface RandomResizedCropOptions {
  /** Bounds of the box's area as a fraction of the input's. */
  readonly scale?: readonly [number, number];
  /** Bounds of the box's aspect ratio (width / height), sampled uniformly in log space. */
  readonly ratio?: readonly [number, number];
  readonly interpolation?: InterpolationMode;
  readonly antialias?: boolean;
}

const checkRange = (name: string, v: readonly number[] | undefined, positive: boolean): void => {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((e) => typeof e === "number" && Number.isFinite(e) && (positive ? e > 0 : e >= 0)) || v[0]! > v[1]!)
    throw new Error(`randomResizedCrop: ${name} must be [min, max] with 0 ${positive ? "<" : "<="} min <= max, got ${JSON.stringify(v)}`);
};

/**
 * torchvision's RandomResizedCrop.get_params: up to ten boxes of area U(scale)·H·W and log-uniform aspect ratio,
 * the first that fits placed uniformly; otherwise the whole image cropped centrally to the nearest allowed ratio.
 */
export const randomResizedCropBox = (key: Key, height: number, width: number, scale: readonly number[], ratio: readonly number[]): CropBox => {
  const area = height * width;
  const [logLo, logHi] = [Math.log(ratio[0]!), Math.log(ratio[1]!)];
  for (let attempt = 0; attempt < 10; attempt++) {
    const [a, b, c, d] = uniforms(foldIn(key, attempt), 4);
    const targetArea = area * (scale[0]! + a! * (scale[1]! - scale[0]!));
    const aspect = Math.exp(logLo + b! * (logHi - logLo));
    const w = roundHalfEven(Math.sqrt(targetArea * aspect));
    const h = roundHalfEven(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) return { top: intIn(c!, 0, height - h + 1), left: intIn(d!, 0, width - w + 1), height: h, width: w };
  }
  const inRatio = width / height;
  const [w, h] = inRatio < ratio[0]! ? [width, roundHalfEven(width / ratio[0]!)] : inRatio > ratio[1]! ? [roundHalfEven(height * ratio[1]!), height] : [width, height];
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
};

/**
 * A transform cropping a random box (area fraction in `scale`, aspect ratio in `ratio`) and resizing it to `size`
 * (one number for a square, or [height, width]) — the ImageNet training augmentation.
 * @example
 * const augment = randomResizedCrop(224);
 * const sample = augment(image, key(0));
 */
export const randomResizedCrop = (
  size: number | readonly number[],
  { scale = [0.08, 1], ratio = [3 / 4, 4 / 3], interpolation = "bilinear", antialias = true }: RandomResizedCropOptions = {},
): ImageTransform => {
  const op = "randomResizedCrop";
  const [oh, ow] = pairSize(op, size);
  checkRange("scale", scale, false);
  checkRange("ratio", ratio, true);
  return <X extends ImageOrTensor>(x: X, key: Key): X => {
    const r = rasterOf(op, x);
    const box = randomResizedCropBox(requireKey(op, key), r.h, r.w, scale, ratio);
    const cropped = rasterOf(op, cropRaster(r, box));
    return box.height === oh && box.width === ow ? (cropped.source as X) : resizeRaster<X>(op, cropped, oh, ow, interpolation, antialias);
  };
};
