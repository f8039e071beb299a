// CPU kernels that move elements without arithmetic: reshape (free), permute, expand.
import type { Kernel } from "../backend.js";
import { allocUninit, type AnyTypedArray } from "../dtype.js";
import { numel, stridesOf } from "../_shape.js";
import { copyBox } from "./_stridedCopy.js";
import { broadcastCopy } from "./broadcastCopy.js";

type Arr = AnyTypedArray;

// Storage is immutable once a tensor owns it, so a reshape can share it.
export const reshape: Kernel<Arr, "reshape"> = ([x]) => x!.data;

export const permute: Kernel<Arr, "permute"> = ([x], { perm }, out) => {
  const inStrides = stridesOf(x!.shape);
  // Walk the output in order, reading the input at its permuted strides.
  return copyBox(x!.data, 0, perm.map((p) => inStrides[p]!), out.dtype, out.shape);
};

/** Copies `x` broadcast to the output shape (broadcastCopy.ts). */
export const expand: Kernel<Arr, "expand"> = ([x], { shape }, out) => broadcastCopy(x!.data, x!.shape, shape, allocUninit(out.dtype, numel(shape)));
