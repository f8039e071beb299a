// ToPILImage: a CHW tensor (float in [0, 1], or integer bytes) back to an 8-bit HWC Image (torchvision.transforms.ToPILImage).
import { Tensor } from "../../ops/Tensor.js";
import type { Image } from "../Image.js";

/**
 * A transform from a tensor [C, H, W] (C = 1, 3 or 4) or [H, W] to an Image. Floats become bytes as torchvision
 * does, `byte(x · 255)` — truncated, not rounded, after clamping to [0, 255]; int32 values must already be bytes.
 * @example
 * const img = toImage()(toTensor()(image)); // the same bytes back
 */
export const toImage = (): ((x: Tensor) => Image) => (x) => {
  const op = "toImage";
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected a tensor [C, H, W] or [H, W], got ${x === null ? "null" : typeof x}`);
  if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`${op}: expected a tensor [C, H, W] or [H, W], got shape [${x.shape.join(", ")}]`);
  const [c, h, w] = x.ndim === 2 ? [1, x.shape[0]!, x.shape[1]!] : (x.shape as [number, number, number]);
  if (c !== 1 && c !== 3 && c !== 4) throw new Error(`${op}: an Image has 1, 3 or 4 channels, got ${c} (shape [${x.shape.join(", ")}])`);
  if (h === 0 || w === 0) throw new Error(`${op}: the image is empty, shape [${x.shape.join(", ")}]`);
  if (!x.device.readSync) throw new Error(`${op}: this tensor lives on ${x.device.name}; read it back to the CPU first`);
  const src = x.dataSync();
  const data = new Uint8Array(c * h * w);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    let b: number;
    if (x.dtype === "float32") b = Number.isNaN(v) ? 0 : Math.trunc(Math.min(255, Math.max(0, Math.fround(v * 255))));
    else if (v < 0 || v > 255) throw new Error(`${op}: an ${x.dtype} tensor must hold bytes 0–255, got ${v} at flat index ${i}`);
    else b = v;
    const ch = Math.floor(i / (h * w));
    data[(i % (h * w)) * c + ch] = b;
  }
  return Object.freeze({ data, height: h, width: w, channels: c as 1 | 3 | 4 });
};

/** torchvision's name for `toImage`. */
export const toPILImage = toImage;
