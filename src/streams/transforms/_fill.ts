// The fill value of pads and crops: one number for every channel, or one per channel (torchvision's fill).
import { Tensor } from "../../ops/Tensor.js";
import type { Raster } from "./_raster.js";

/** Fill values per channel, as the raster stores them (bytes for an Image, truncated for int tensors). */
export const fillFor = (op: string, fill: number | readonly number[], r: Raster): number[] => {
  const values = typeof fill === "number" ? Array.from({ length: r.c }, () => fill) : Array.isArray(fill) ? [...fill] : null;
  if (!values || !values.every((v) => typeof v === "number" && Number.isFinite(v)))
    throw new Error(`${op}: fill must be a finite number or an array of them, got ${JSON.stringify(fill)}`);
  if (values.length === 1 && r.c > 1) return Array.from({ length: r.c }, () => values[0]!);
  if (values.length !== r.c)
    throw new Error(`${op}: fill has ${values.length} values but the image has ${r.c} channel${r.c === 1 ? "" : "s"} (fill ${JSON.stringify(fill)})`);
  if (!(r.source instanceof Tensor)) return values.map((v) => Math.min(255, Math.max(0, Math.round(v))));
  return r.source.dtype === "float32" ? values : values.map(Math.trunc);
};
