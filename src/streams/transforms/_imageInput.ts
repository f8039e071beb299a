// Reading the Image argument of the conversions that accept only images (toTensor, pilToTensor).
import { Tensor } from "../../ops/Tensor.js";
import type { Image } from "../Image.js";
import { checkImage, isImage } from "./_raster.js";

/** Returns `x` as a checked Image or throws naming the transform (a tensor gets a pointer to what to use instead). */
export const imageInput = (op: string, x: unknown): Image => {
  if (x instanceof Tensor) throw new Error(`${op}: expected an Image, got a tensor of shape [${x.shape.join(", ")}] (it is already a tensor)`);
  if (!isImage(x)) throw new Error(`${op}: expected an Image { data, height, width, channels }, got ${x === null ? "null" : typeof x === "object" ? `an object with keys {${Object.keys(x).join(", ")}}` : typeof x}`);
  checkImage(op, x);
  return x;
};

/** An HWC byte image as CHW values mapped by `f`. */
export const toChw = <A extends Float32Array | Int32Array>(img: Image, out: A, f: (v: number) => number): A => {
  const { data, height: h, width: w, channels: c } = img;
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) out[ch * h * w + i] = f(data[i * c + ch]!);
  return out;
};
