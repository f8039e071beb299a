// One view of the two things image transforms accept — an HWC uint8 Image or a [..., C, H, W] tensor — so each kernel is written once.
import { Tensor } from "../../ops/Tensor.js";
import { fromTyped } from "../../ops/creation.js";
import type { AnyTypedArray } from "../../ops/dtype.js";
import type { Image } from "../Image.js";
import type { ImageOrTensor } from "./Transform.js";

/**
 * `n` stacked images of `c` channels, `h` × `w`, with the strides to address element (image, channel, y, x):
 * an Image is one HWC picture; a tensor [..., C, H, W] is `n = prod(...)` CHW pictures ([H, W] is one channel).
 */
export interface Raster {
  readonly source: ImageOrTensor;
  readonly data: AnyTypedArray;
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly sn: number;
  readonly sc: number;
  readonly sy: number;
  readonly sx: number;
}

const describe = (x: unknown): string => {
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name} (wrap it as an Image { data, height, width, channels })`;
  if (typeof x === "object") return `an object with keys {${Object.keys(x).join(", ")}}`;
  return `${typeof x} ${String(x)}`;
};

/** True when `x` has an Image's fields (not yet checked for consistency). */
export const isImage = (x: unknown): x is Image =>
  typeof x === "object" && x !== null && !(x instanceof Tensor) && "data" in x && "height" in x && "width" in x && "channels" in x;

/** Throws unless `x` is a well-formed Image; names the transform and the field that is wrong. */
export const checkImage = (op: string, x: Image): void => {
  const { data, height, width, channels } = x;
  if (!(data instanceof Uint8Array)) throw new Error(`${op}: Image.data must be a Uint8Array, got ${describe(data)}`);
  for (const [k, v] of [["height", height], ["width", width]] as const)
    if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: Image.${k} must be a positive integer, got ${v}`);
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new Error(`${op}: Image.channels must be 1, 3 or 4, got ${channels}`);
  if (data.length !== height * width * channels)
    throw new Error(`${op}: Image.data holds ${data.length} bytes but ${height}×${width}×${channels} needs ${height * width * channels}`);
};

/** Reads `x` as a raster, or throws an error naming the transform and what it got instead. */
export const rasterOf = (op: string, x: unknown): Raster => {
  if (x instanceof Tensor) {
    if (x.ndim < 2) throw new Error(`${op}: expected a tensor image [..., C, H, W] or [H, W], got shape [${x.shape.join(", ")}]`);
    if (!x.device.readSync)
      throw new Error(`${op}: transforms run on the host, but this tensor lives on ${x.device.name}; read it back to the CPU first`);
    const [h, w] = x.shape.slice(-2) as [number, number];
    const c = x.ndim >= 3 ? x.shape[x.ndim - 3]! : 1;
    if (h === 0 || w === 0 || c === 0) throw new Error(`${op}: the image is empty, shape [${x.shape.join(", ")}]`);
    const n = x.size / (c * h * w);
    return { source: x, data: x.dataSync(), n, c, h, w, sn: c * h * w, sc: h * w, sy: w, sx: 1 };
  }
  if (isImage(x)) {
    checkImage(op, x);
    const { data, height: h, width: w, channels: c } = x;
    return { source: x, data, n: 1, c, h, w, sn: h * w * c, sc: 1, sy: w * c, sx: c };
  }
  throw new Error(`${op}: expected an Image { data, height, width, channels } or a Tensor, got ${describe(x)}`);
};

/** A raster's tensor as a float32 array in CHW order (for tensor math on int32 or bool tensors too). */
export const floatData = (r: Raster): Float32Array => (r.data instanceof Float32Array ? r.data : Float32Array.from(r.data));

/** Throws unless the raster is a float32 tensor or an Image (colour math is defined on [0, 1] floats or bytes). */
export const requireFloatOrImage = (op: string, r: Raster): void => {
  if (r.source instanceof Tensor && r.source.dtype !== "float32")
    throw new Error(`${op}: expected a float32 tensor image in [0, 1] (toTensor() makes one), got dtype ${r.source.dtype}`);
};

/** Throws unless the raster has one of the accepted channel counts. */
export const requireChannels = (op: string, r: Raster, accepted: readonly number[]): void => {
  if (!accepted.includes(r.c)) {
    const shape = r.source instanceof Tensor ? `shape [${r.source.shape.join(", ")}]` : `an Image of ${r.c} channels`;
    throw new Error(`${op}: expected ${accepted.join(" or ")} channels, got ${r.c} (${shape})`);
  }
};

/** A new image or tensor like `r.source` with new data, size and (optionally) channel count; the data is in `r`'s layout. */
export const build = <X extends ImageOrTensor>(r: Raster, data: AnyTypedArray, h: number, w: number, c = r.c): X => {
  const src = r.source;
  if (src instanceof Tensor) {
    const lead = src.shape.slice(0, -2);
    if (src.ndim >= 3) lead[lead.length - 1] = c;
    else if (c !== 1) lead.push(c);
    return fromTyped(data, [...lead, h, w], { dtype: src.dtype, device: src.device }) as X;
  }
  return Object.freeze({ data: data as Uint8Array, height: h, width: w, channels: c as 1 | 3 | 4 }) as X;
};

/** An empty array of the raster's element type for `size` elements. */
export const alloc = (r: Raster, size: number): AnyTypedArray =>
  r.data instanceof Float32Array ? new Float32Array(size) : r.data instanceof Int32Array ? new Int32Array(size) : new Uint8Array(size);

/**
 * Output pixel (y, x) copies input pixel (rows[y], cols[x]); an index of -1 takes `fill[channel]` instead.
 * Crops, pads of every mode and flips are all this separable index map.
 */
export const remap = <X extends ImageOrTensor>(r: Raster, rows: Int32Array, cols: Int32Array, fill: readonly number[]): X => {
  const oh = rows.length;
  const ow = cols.length;
  const out = alloc(r, r.n * r.c * oh * ow);
  const image = !(r.source instanceof Tensor);
  // The output keeps the input's layout: HWC for images, CHW for tensors.
  const [on, oc, oy, ox] = image ? [oh * ow * r.c, 1, ow * r.c, r.c] : [r.c * oh * ow, oh * ow, ow, 1];
  for (let i = 0; i < r.n; i++)
    for (let ch = 0; ch < r.c; ch++)
      for (let y = 0; y < oh; y++) {
        const sy = rows[y]!;
        const dst = i * on + ch * oc + y * oy;
        if (sy < 0) {
          for (let x = 0; x < ow; x++) out[dst + x * ox] = fill[ch]!;
          continue;
        }
        const base = i * r.sn + ch * r.sc + sy * r.sy;
        for (let x = 0; x < ow; x++) {
          const sx = cols[x]!;
          out[dst + x * ox] = sx < 0 ? fill[ch]! : r.data[base + sx * r.sx]!;
        }
      }
  return build<X>(r, out, oh, ow);
};

/** Python's round(): halves go to the even neighbour (torchvision's offsets and sizes use it). */
export const roundHalfEven = (v: number): number => {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
};
