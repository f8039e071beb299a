// PILToTensor: an 8-bit HWC Image to a CHW integer tensor with the byte values kept (torchvision.transforms.PILToTensor).
import type { Tensor } from "../../ops/Tensor.js";
import { fromTyped } from "../../ops/creation.js";
import type { Image } from "../Image.js";
import { imageInput, toChw } from "./_imageInput.js";

/**
 * A transform from an Image to an int32 tensor [C, H, W] of the bytes 0–255 (rivulet has no uint8 dtype; torchvision's is uint8).
 * @example
 * const x = pilToTensor()(image); // int32 [3, H, W]
 */
export const pilToTensor = (): ((img: Image) => Tensor) => (img) => {
  const { height: h, width: w, channels: c } = imageInput("pilToTensor", img);
  return fromTyped(toChw(img, new Int32Array(c * h * w), (v) => v), [c, h, w]);
};
