// Colour arithmetic shared by the colour transforms, in both of torchvision's dialects: float32 tensors and PIL's bytes.
import { Tensor } from "../../ops/Tensor.js";
import { alloc, build, requireChannels, requireFloatOrImage, type Raster } from "./_raster.js";
import type { ImageOrTensor } from "./Transform.js";

const f = Math.fround;

/** Checks a colour transform's input: float32 tensors of 1 or 3 channels, or Images of any channel count. */
export const colorInput = (op: string, r: Raster): void => {
  requireFloatOrImage(op, r);
  if (r.source instanceof Tensor) requireChannels(op, r, [1, 3]);
};

/** Whether the raster holds PIL-style bytes (an Image) rather than a float tensor. */
export const isBytes = (r: Raster): boolean => !(r.source instanceof Tensor);

/** Calls `fn(base)` for every pixel; channel `ch` of that pixel is at `base + ch * r.sc`. */
export const eachPixel = (r: Raster, fn: (base: number) => void): void => {
  for (let i = 0; i < r.n; i++) for (let p = 0; p < r.h * r.w; p++) fn(i * r.sn + p * r.sx);
};

/** torchvision's tensor luma 0.2989·R + 0.587·G + 0.114·B (float32 steps, as torch evaluates it). */
export const lumaFloat = (r: number, g: number, b: number): number => f(f(f(f(0.2989) * r) + f(f(0.587) * g)) + f(f(0.114) * b));

/** PIL's "L" conversion: ITU-R 601-2 luma 0.299/0.587/0.114 in 16-bit fixed point, rounded. */
export const lumaByte = (r: number, g: number, b: number): number => (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;

/** torchvision's tensor _blend: ratio·a + (1 − ratio)·b in float32, clamped to [0, 1]. */
export const blendFloat = (a: number, b: number, ratio: number): number => Math.min(1, Math.max(0, f(f(f(ratio) * a) + f(f(1 - ratio) * b))));

/** PIL's Image.blend on bytes: degenerate + α·(image − degenerate) in float32, clipped and truncated. */
export const blendByte = (degenerate: number, image: number, alpha: number): number => {
  const t = f(degenerate + f(f(alpha) * (image - degenerate)));
  return t <= 0 ? 0 : t >= 255 ? 255 : Math.trunc(t);
};

/**
 * A copy of the raster whose colour channels (not alpha) are blended towards the grey `degenerate(base)` of each pixel:
 * PIL's ImageEnhance for Images, torchvision's _blend for tensors.
 */
export const blendTowards = <X extends ImageOrTensor>(r: Raster, factor: number, degenerate: (base: number) => number): X => {
  const out = alloc(r, r.data.length);
  out.set(r.data);
  const colours = r.c === 4 ? 3 : r.c;
  const bytes = isBytes(r);
  const d = r.data;
  eachPixel(r, (base) => {
    const g = degenerate(base);
    for (let ch = 0; ch < colours; ch++) {
      const at = base + ch * r.sc;
      out[at] = bytes ? blendByte(g, d[at]!, factor) : blendFloat(d[at]!, g, factor);
    }
  });
  return build<X>(r, out, r.h, r.w);
};

/** The luma of the pixel at `base`: PIL's for Images, torchvision's for tensors; a one-channel pixel is its own luma. */
export const lumaOf = (r: Raster): ((base: number) => number) => {
  const { data: d, sc } = r;
  if (r.c === 1) return (base) => d[base]!;
  const luma = isBytes(r) ? lumaByte : lumaFloat;
  return (base) => luma(d[base]!, d[base + sc]!, d[base + 2 * sc]!);
};

/** Checks a non-negative enhancement factor. */
export const checkFactor = (op: string, name: string, v: number): void => {
  if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) throw new Error(`${op}: ${name} must be a finite non-negative number, got ${v}`);
};
