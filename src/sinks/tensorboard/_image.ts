// Turns an image tensor into 8-bit HWC pixels as torch.utils.tensorboard does: layout by dataFormats, grey to RGB, float × 255.
import type { Tensor } from "../../ops/Tensor.js";
import { shapeStr } from "../../ops/_shape.js";
import type { PngPixels } from "./png.js";
import { makeGrid } from "./makeGrid.js";

/** Axis letters of an image tensor: N (batch), C (channels), H (height), W (width). */
export type DataFormats = "CHW" | "HWC" | "HW" | "NCHW" | "NHWC" | "WH" | "CWH" | "WHC" | "NCWH" | "NWHC";

const checkFormat = (method: string, dataFormats: string, img: Tensor): void => {
  if (typeof dataFormats !== "string" || !/^[NCHW]+$/.test(dataFormats) || new Set(dataFormats).size !== dataFormats.length || !dataFormats.includes("H") || !dataFormats.includes("W"))
    throw new Error(`${method}: dataFormats must use each of N, C, H, W at most once and include H and W (e.g. "CHW", "HWC", "HW", "NCHW"), got "${dataFormats}"`);
  if (dataFormats.length !== img.ndim)
    throw new Error(`${method}: dataFormats "${dataFormats}" has ${dataFormats.length} axes but the image has shape ${shapeStr(img.shape)}`);
};

/** The image as [C, H, W] (a batch tiled into a grid first), ready for readback. */
export const toCHW = (method: string, img: Tensor, dataFormats: string, grid: { nrow: number; padding: number }): Tensor => {
  checkFormat(method, dataFormats, img);
  const order = (target: string): number[] => [...target].map((a) => dataFormats.indexOf(a));
  if (dataFormats.includes("N")) {
    if (!dataFormats.includes("C")) throw new Error(`${method}: a batch needs a C axis in dataFormats, got "${dataFormats}"`);
    return makeGrid(img.permute(order("NCHW")), grid);
  }
  const chw = dataFormats.includes("C") ? img.permute(order("CHW")) : img.permute(order("HW")).unsqueeze(0);
  const c = chw.shape[0]!;
  if (c !== 1 && c !== 3 && c !== 4) throw new Error(`${method}: images need 1, 3 or 4 channels, got ${c} (shape ${shapeStr(img.shape)}, dataFormats "${dataFormats}")`);
  return chw;
};

/**
 * Pixels of a [C, H, W] image: float/bool values are scaled by 255 and int32 taken as they are (PyTorch scales all but uint8),
 * then clamped to [0, 255] and truncated; one channel is repeated to RGB, as PyTorch's SummaryWriter writes it.
 */
export const toPixels = async (chw: Tensor): Promise<PngPixels> => {
  const [c, height, width] = chw.shape as [number, number, number];
  if (c !== 1 && c !== 3 && c !== 4) throw new Error(`addImage: images need 1, 3 or 4 channels, got shape ${shapeStr(chw.shape)}`);
  const src = await chw.data();
  const scale = chw.dtype === "int32" ? 1 : 255;
  const channels = c === 4 ? 4 : 3;
  const data = new Uint8Array(height * width * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let k = 0; k < channels; k++) {
        // float32 arithmetic, as numpy's (tensor * 255).astype(uint8); NaN becomes 0.
        const v = Math.fround(src[(c === 1 ? 0 : k) * height * width + y * width + x]! * scale);
        data[(y * width + x) * channels + k] = v > 255 ? 255 : v > 0 ? Math.trunc(v) : 0;
      }
  return { data, height, width, channels };
};
