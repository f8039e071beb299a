// One-hot encoding of class indices (F.one_hot), and the class-index range check shared with embedding and the losses.
import type { Tensor } from "./Tensor.js";
import * as E from "./elementwise.js";
import { max } from "./reduce.js";
import { unsqueeze } from "./layout.js";
import { arange } from "./creation.js";
import { shapeStr } from "./_shape.js";

/**
 * Throws naming `op` if an element of the int32 tensor `idx` lies outside [0, n), ignoring elements equal to `except`;
 * `bound` names n in the message (e.g. "C").
 * Reading the values needs a synchronous readback, so the check runs only on devices that have one (the CPU);
 * elsewhere an out-of-range index gives zeros rather than an error.
 * @internal
 */
export const checkIndexRange = (op: string, what: string, idx: Tensor, bound: string, n: number, except?: number): void => {
  const read = idx.device.readSync;
  if (!read) return;
  const data = read.call(idx.device, idx.storage, idx.dtype, idx.size);
  for (let i = 0; i < idx.size; i++) {
    const v = data[i]!;
    if ((v < 0 || v >= n) && v !== except)
      throw new Error(`${op}: ${what} ${v} is out of range for ${bound} = ${n} (must be in [0, ${n})${except === undefined ? "" : ` or equal ignoreIndex ${except}`}; shape ${shapeStr(idx.shape)})`);
  }
};

/**
 * Int32 one-hot vectors along a new last axis; numClasses -1 means max(indices) + 1.
 * @example
 * oneHot(tensor([0, 2], { dtype: "int32" }), 3); // tensor([[1, 0, 0], [0, 0, 1]])
 */
export const oneHot = (indices: Tensor, numClasses = -1): Tensor => {
  if (indices.dtype !== "int32") throw new Error(`oneHot: indices must be int32, got ${indices.dtype} (shape ${shapeStr(indices.shape)})`);
  if (!Number.isInteger(numClasses) || numClasses < -1)
    throw new Error(`oneHot: numClasses must be a non-negative integer or -1 (infer), got ${numClasses}`);
  let n = numClasses;
  if (n === -1) {
    if (indices.size === 0) throw new Error(`oneHot: cannot infer numClasses from an empty tensor (shape ${shapeStr(indices.shape)})`);
    n = max(indices).item() + 1;
  }
  checkIndexRange("oneHot", "class value", indices, "numClasses", n);
  const classes = arange(0, n, 1, { dtype: "int32", device: indices.device });
  return E.cast(E.eq(unsqueeze(indices, -1), classes), "int32");
};
