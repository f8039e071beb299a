// ToTensor: an 8-bit HWC Image to a CHW float32 tensor in [0, 1] (torchvision.transforms.ToTensor).
import { Tensor } from "../../ops/Tensor.js";
import { cpuDevice } from "../../ops/device.js";
import { allocUninit } from "../../ops/dtype.js";
import type { Image } from "../Image.js";
import { imageInput, toChw } from "./_imageInput.js";

/**
 * A transform from an Image (H×W×C bytes) to a float32 tensor [C, H, W] of value/255; a grayscale image gives [1, H, W].
 * @example
 * const x = toTensor()(image); // float32 [3, H, W] in [0, 1]
 */
export const toTensor = (): ((img: Image) => Tensor) => (img) => {
  const { height: h, width: w, channels: c } = imageInput("toTensor", img);
  // Written straight into the tensor's CPU storage (fromTyped would copy it once more): a loader runs this per sample.
  const out = toChw(img, allocUninit("float32", c * h * w) as Float32Array, (v) => v / 255);
  return new Tensor(out, [c, h, w], "float32", cpuDevice);
};
