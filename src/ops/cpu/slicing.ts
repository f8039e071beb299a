// CPU kernels for strided slices, constant padding and concatenation: each is one strided copy (_stridedCopy.ts).
import type { Kernel } from "../backend.js";
import { allocFor, allocUninit, type AnyTypedArray } from "../dtype.js";
import { numel, stridesOf } from "../_shape.js";
import { copyBox, stridedCopy } from "./_stridedCopy.js";

type Arr = AnyTypedArray;

export const slice: Kernel<Arr, "slice"> = ([x], { begin, step }, out) => {
  const st = stridesOf(x!.shape);
  let off = 0;
  for (let d = 0; d < st.length; d++) off += begin[d]! * st[d]!;
  return copyBox(x!.data, off, st.map((s, d) => s * step[d]!), out.dtype, out.shape);
};

export const pad: Kernel<Arr, "pad"> = ([x], { widths, value }, out) => {
  const o = allocFor(out.dtype, numel(out.shape)); // zeroed, so a zero pad needs no fill
  if (value !== 0) o.fill(value);
  // The input is the interior box of the output, starting at the leading widths.
  const ost = stridesOf(out.shape);
  let off = 0;
  for (let d = 0; d < ost.length; d++) off += widths[d]![0] * ost[d]!;
  stridedCopy(x!.data, 0, stridesOf(x!.shape), o, off, ost, x!.shape);
  return o;
};

export const concat: Kernel<Arr, "concat"> = (xs, { axis }, out) => {
  const o = allocUninit(out.dtype, numel(out.shape)); // the parts cover every element
  const ost = stridesOf(out.shape);
  let at = 0;
  for (const x of xs) {
    stridedCopy(x.data, 0, stridesOf(x.shape), o, at * ost[axis]!, ost, x.shape);
    at += x.shape[axis]!;
  }
  return o;
};
