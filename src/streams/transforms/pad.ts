// Padding an image or tensor image on its four sides (torchvision.transforms.Pad): constant, edge, reflect or symmetric.
import { fillFor } from "./_fill.js";
import { rasterOf, remap, type Raster } from "./_raster.js";
import type { DeterministicImageTransform, ImageOrTensor } from "./Transform.js";

/** How the border is filled: a constant, the edge pixel repeated, a mirror without or with the edge pixel (numpy's modes). */
export type PaddingMode = "constant" | "edge" | "reflect" | "symmetric";

/** Padding: one number for every side, `[leftRight, topBottom]`, or `[left, top, right, bottom]`; negative values crop. */
export type Padding = number | readonly number[];

export interface PadOptions {
  /** The constant mode's value: one number, or one per channel. */
  readonly fill?: number | readonly number[];
  readonly paddingMode?: PaddingMode;
}

const MODES: readonly PaddingMode[] = ["constant", "edge", "reflect", "symmetric"];

/** Padding as [left, top, right, bottom], checked. */
export const padSides = (op: string, padding: Padding): [number, number, number, number] => {
  const p = typeof padding === "number" ? [padding] : Array.isArray(padding) ? padding : null;
  if (!p || ![1, 2, 4].includes(p.length) || !p.every((v) => Number.isInteger(v)))
    throw new Error(`${op}: padding must be an integer, [leftRight, topBottom] or [left, top, right, bottom] of integers, got ${JSON.stringify(padding)}`);
  if (p.length === 1) return [p[0]!, p[0]!, p[0]!, p[0]!];
  if (p.length === 2) return [p[0]!, p[1]!, p[0]!, p[1]!];
  return [p[0]!, p[1]!, p[2]!, p[3]!];
};

/** The source index of output coordinate o (input coordinate o - before) along an axis of `n` pixels; -1 means fill. */
const sourceIndex = (mode: PaddingMode, p: number, n: number): number => {
  if (p >= 0 && p < n) return p;
  if (mode === "constant") return -1;
  if (mode === "edge") return p < 0 ? 0 : n - 1;
  if (mode === "reflect") {
    if (n === 1) return 0;
    const m = 2 * (n - 1);
    const q = ((p % m) + m) % m;
    return q < n ? q : m - q;
  }
  const m = 2 * n;
  const q = ((p % m) + m) % m;
  return q < n ? q : m - 1 - q;
};

/** Pads a raster by [left, top, right, bottom]. */
export const padRaster = <X extends ImageOrTensor>(op: string, r: Raster, [l, t, rt, b]: readonly number[], fill: number | readonly number[], mode: PaddingMode): X => {
  if (!MODES.includes(mode)) throw new Error(`${op}: paddingMode must be one of ${MODES.join(", ")}, got ${JSON.stringify(mode)}`);
  const oh = r.h + t! + b!;
  const ow = r.w + l! + rt!;
  if (oh < 1 || ow < 1) throw new Error(`${op}: padding [${[l, t, rt, b].join(", ")}] leaves nothing of a ${r.h}×${r.w} image`);
  const values = fillFor(op, fill, r);
  const rows = Int32Array.from({ length: oh }, (_, y) => sourceIndex(mode, y - t!, r.h));
  const cols = Int32Array.from({ length: ow }, (_, x) => sourceIndex(mode, x - l!, r.w));
  return remap<X>(r, rows, cols, values);
};

/**
 * A transform padding each side of its input.
 * @example
 * const padded = pad(4, { paddingMode: "reflect" })(image); // 8 pixels wider and taller
 */
export const pad = (padding: Padding, { fill = 0, paddingMode = "constant" }: PadOptions = {}): DeterministicImageTransform => {
  const sides = padSides("pad", padding);
  if (!MODES.includes(paddingMode)) throw new Error(`pad: paddingMode must be one of ${MODES.join(", ")}, got ${JSON.stringify(paddingMode)}`);
  return (x) => padRaster("pad", rasterOf("pad", x), sides, fill, paddingMode);
};
