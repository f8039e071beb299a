// CPU kernels that move elements without arithmetic: reshape (free), permute, expand.
import type { Kernel } from "../backend.js";
import { allocFor, allocUninit, type AnyTypedArray } from "../dtype.js";
import { numel, stridesOf } from "../_shape.js";
import { broadcastCopy } from "./broadcastCopy.js";

type Arr = AnyTypedArray;

// Storage is immutable once a tensor owns it, so a reshape can share it.
export const reshape: Kernel<Arr, "reshape"> = ([x]) => x!.data;

export const permute: Kernel<Arr, "permute"> = ([x], { perm }, out) => {
  const src = x!.data;
  const o = allocFor(out.dtype, src.length);
  const nd = perm.length;
  if (nd === 0 || src.length === 0) { o.set(src); return o; }
  const inStrides = stridesOf(x!.shape);
  const st = perm.map((p) => inStrides[p]!);
  const shape = out.shape;
  const inner = shape[nd - 1]!;
  const is = st[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let off = 0;
  for (let p = 0; p < o.length; p += inner) {
    for (let j = 0; j < inner; j++) o[p + j] = src[off + j * is]!;
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      off += st[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= st[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return o;
};

/** Copies `x` broadcast to the output shape (broadcastCopy.ts). */
export const expand: Kernel<Arr, "expand"> = ([x], { shape }, out) => broadcastCopy(x!.data, x!.shape, shape, allocUninit(out.dtype, numel(shape)));
