// ToTensor: an 8-bit HWC Image to a CHW float32 tensor in [0, 1] (torchvision.transforms.ToTensor).
import type { Tensor } from "../../ops/Tensor.js";
import { fromTyped } from "../../ops/creation.js";
import type { Image } from "../Image.js";
import { imageInput, toChw } from "./_imageInput.js";

/**
 * A transform from an Image (H×W×C bytes) to a float32 tensor [C, H, W] of value/255; a grayscale image gives [1, H, W].
 * @example
 * const x = toTensor()(image); // float32 [3, H, W] in [0, 1]
 */
export const toTensor = (): ((img: Image) => Tensor) => (img) => {
  const { height: h, width: w, channels: c } = imageInput("toTensor", img);
  return fromTyped(toChw(img, new Float32Array(c * h * w), (v) => v / 255), [c, h, w]);
};
