// Resize: to an exact [height, width], or the shorter side to a size keeping the aspect ratio (torchvision.transforms.Resize).
import { Tensor } from "../../ops/Tensor.js";
import { antialiasTaps, linearTaps, nearestPil, nearestTorch, premultiply, resampleBytes, resamplePlanes, unpremultiply, type Taps } from "./_resample.js";
import { build, floatData, rasterOf, remap, roundHalfEven, type Raster } from "./_raster.js";
import { resizedOutputSize, resizeSize } from "./_size.js";
import type { DeterministicImageTransform, ImageOrTensor } from "./Transform.js";

/** How resize samples: PyTorch's bilinear (antialiased when shrinking, by default) or nearest neighbour. */
export type InterpolationMode = "bilinear" | "nearest";

export interface ResizeOptions {
  readonly interpolation?: InterpolationMode;
  /** Tensors only: widen the bilinear filter when shrinking (torch's antialias=True). Images are always antialiased, as PIL does. */
  readonly antialias?: boolean;
  /** With an int size: the longest the longer side may become (the shorter side then gives way). */
  readonly maxSize?: number;
}

const MODES: readonly InterpolationMode[] = ["bilinear", "nearest"];

/** Resamples a raster to oh × ow: PIL's algorithm for Images, torch's for tensors (int32 tensors are rounded back, as uint8 ones are). */
export const resizeRaster = <X extends ImageOrTensor>(op: string, r: Raster, oh: number, ow: number, interpolation: InterpolationMode, antialias: boolean): X => {
  if (!MODES.includes(interpolation)) throw new Error(`${op}: interpolation must be one of ${MODES.join(", ")}, got ${JSON.stringify(interpolation)}`);
  const src = r.source;
  if (!(src instanceof Tensor)) {
    if (interpolation === "nearest") return remap<X>(r, nearestPil(r.h, oh), nearestPil(r.w, ow), []);
    // PIL resizes RGBA with premultiplied alpha so transparent pixels do not bleed their colour.
    const rgba = r.c === 4;
    const bytes = resampleBytes(
      rgba ? premultiply(r.data as Uint8Array) : (r.data as Uint8Array), r.h, r.w, r.c,
      oh === r.h ? null : antialiasTaps(r.h, oh, false), ow === r.w ? null : antialiasTaps(r.w, ow, false), oh, ow,
    );
    return build<X>(r, rgba ? unpremultiply(bytes) : bytes, oh, ow);
  }
  if (interpolation === "nearest") return remap<X>(r, nearestTorch(r.h, oh), nearestTorch(r.w, ow), []);
  if (src.dtype === "bool") throw new Error(`${op}: bilinear interpolation needs a float32 or int32 tensor, got dtype bool`);
  const taps = (n: number, m: number): Taps | null => (n === m ? null : antialias ? antialiasTaps(n, m, true) : linearTaps(n, m));
  const out = resamplePlanes(floatData(r), r.n * r.c, r.h, r.w, taps(r.h, oh), taps(r.w, ow), oh, ow);
  // Integer images come back rounded half to even (torch.round), as torchvision does for uint8 tensors.
  return build<X>(r, src.dtype === "int32" ? Int32Array.from(out, roundHalfEven) : out, oh, ow);
};

/**
 * A transform resizing its input. `size` as a number sets the shorter side and keeps the aspect ratio (the longer
 * side is truncated: 256 turns a 375×500 (h×w) image into 256×341); `[height, width]` is exact.
 * @example
 * const small = resize(256)(image);            // shorter side 256
 * const exact = resize([32, 32], { antialias: false })(toTensor()(image));
 */
export const resize = (size: number | readonly number[], { interpolation = "bilinear", antialias = true, maxSize }: ResizeOptions = {}): DeterministicImageTransform => {
  const s = resizeSize("resize", size);
  if (!MODES.includes(interpolation)) throw new Error(`resize: interpolation must be one of ${MODES.join(", ")}, got ${JSON.stringify(interpolation)}`);
  if (maxSize !== undefined && s.length === 2) throw new Error(`resize: maxSize only applies when size is one number (the shorter side), got size ${JSON.stringify(size)}`);
  return (x) => {
    const r = rasterOf("resize", x);
    const [oh, ow] = resizedOutputSize("resize", r.h, r.w, s, maxSize);
    return oh === r.h && ow === r.w ? x : resizeRaster("resize", r, oh, ow, interpolation, antialias);
  };
};
