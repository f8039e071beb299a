// makeGrid: a batch of images tiled into one image, as torchvision.utils.make_grid (same layout, padding and normalisation).
import type { Tensor } from "../../ops/Tensor.js";
import { full } from "../../ops/creation.js";
import { cat, stack } from "../../ops/join.js";
import { pad } from "../../ops/padding.js";
import { clamp } from "../../ops/elementwise.js";
import { shapeStr } from "../../ops/_shape.js";

export interface MakeGridOptions {
  /** Images per row (default 8). */
  readonly nrow?: number;
  /** Pixels between and around images (default 2). */
  readonly padding?: number;
  /** Shift and scale to [0, 1] by `valueRange` or else by the min and max (default false). */
  readonly normalize?: boolean;
  /** [low, high] used by `normalize` (default: the data's min and max). */
  readonly valueRange?: readonly [number, number];
  /** Normalise each image by its own min and max (default false). */
  readonly scaleEach?: boolean;
  /** Value of the padding pixels (default 0). */
  readonly padValue?: number;
}

const normalized = (x: Tensor, range: readonly [number, number] | undefined): Tensor => {
  if (range) return clamp(x, { min: range[0], max: range[1] }).sub(range[0]).div(Math.max(range[1] - range[0], 1e-5));
  // By the data's own min and max, kept as tensors so this works on any device (clamping to them changes nothing).
  const low = x.min();
  return x.sub(low).div(x.max().sub(low).maximum(1e-5));
};

/**
 * Tiles images [N, C, H, W] (or a list of [C, H, W]) into one [C, H', W'] image, `nrow` per row with `padding`
 * between; one-channel images become three-channel, and a single image is returned unpadded, as torchvision does.
 * @example
 * makeGrid(images, { nrow: 4 }); // 16 images of [1, 28, 28] → [3, 122, 122]
 */
export const makeGrid = (
  images: Tensor | readonly Tensor[],
  { nrow = 8, padding = 2, normalize = false, valueRange, scaleEach = false, padValue = 0 }: MakeGridOptions = {},
): Tensor => {
  if (!Number.isInteger(nrow) || nrow < 1) throw new Error(`makeGrid: nrow must be a positive integer, got ${nrow}`);
  if (!Number.isInteger(padding) || padding < 0) throw new Error(`makeGrid: padding must be a non-negative integer, got ${padding}`);
  let x = Array.isArray(images) ? stack(images as readonly Tensor[]) : (images as Tensor);
  if (x.ndim === 2) x = x.unsqueeze(0);
  if (x.ndim === 3) x = (x.shape[0] === 1 ? cat([x, x, x], 0) : x).unsqueeze(0);
  if (x.ndim !== 4) throw new Error(`makeGrid: expected images of shape [N, C, H, W], [C, H, W] or [H, W], got ${shapeStr(x.shape)}`);
  if (x.shape[1] === 1) x = cat([x, x, x], 1);
  if (normalize) x = scaleEach ? stack(Array.from({ length: x.shape[0]! }, (_, i) => normalized(x.select(0, i), valueRange))) : normalized(x, valueRange);
  if (x.shape[0] === 1) return x.squeeze(0);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const xmaps = Math.min(nrow, n);
  const ymaps = Math.ceil(n / xmaps);
  // Empty cells of the last row show the padding value, as in torchvision's canvas.
  if (xmaps * ymaps > n) x = cat([x, full([xmaps * ymaps - n, c, h, w], padValue, { dtype: x.dtype, device: x.device })], 0);
  // Each cell carries its top/left padding; the canvas then gets the bottom/right border.
  const cells = pad(x, [padding, 0, padding, 0], { value: padValue });
  const [hp, wp] = [h + padding, w + padding];
  const grid = cells.reshape(ymaps, xmaps, c, hp, wp).permute(2, 0, 3, 1, 4).reshape(c, ymaps * hp, xmaps * wp);
  return pad(grid, [0, padding, 0, padding], { value: padValue });
};
