// Mirroring an image or tensor image left–right (hflip) or top–bottom (vflip), as torchvision.transforms.functional.
import { rasterOf, remap, type Raster } from "./_raster.js";
import type { ImageOrTensor } from "./Transform.js";

const identity = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);
const reversed = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => n - 1 - i);

/** A raster mirrored left to right. */
export const hflipRaster = <X extends ImageOrTensor>(r: Raster): X => remap<X>(r, identity(r.h), reversed(r.w), []);

/** A raster mirrored top to bottom. */
export const vflipRaster = <X extends ImageOrTensor>(r: Raster): X => remap<X>(r, reversed(r.h), identity(r.w), []);

/**
 * Flips an image or [..., H, W] tensor left to right; also a deterministic transform by itself.
 * @example
 * const mirrored = hflip(image);
 */
export const hflip = <X extends ImageOrTensor>(x: X): X => hflipRaster<X>(rasterOf("hflip", x));

/** Flips an image or [..., H, W] tensor top to bottom; also a deterministic transform by itself. */
export const vflip = <X extends ImageOrTensor>(x: X): X => vflipRaster<X>(rasterOf("vflip", x));
