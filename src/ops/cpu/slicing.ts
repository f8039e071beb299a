// CPU kernels for strided slices, constant padding and concatenation: each is one strided copy (_stridedCopy.ts).
import type { Kernel } from "../backend.js";
import type { AnyTypedArray } from "../dtype.js";
import { numel, stridesOf } from "../_shape.js";
import { assemble, copyBox } from "./_stridedCopy.js";

type Arr = AnyTypedArray;

export const slice: Kernel<Arr, "slice"> = ([x], { begin, step }, out) => {
  const st = stridesOf(x!.shape);
  let off = 0;
  for (let d = 0; d < st.length; d++) off += begin[d]! * st[d]!;
  return copyBox(x!.data, off, st.map((s, d) => s * step[d]!), out.dtype, out.shape);
};

export const pad: Kernel<Arr, "pad"> = ([x], { widths, value }, out) => {
  // The input is the interior box of the output, starting at the leading widths; the rest is `value`.
  const ost = stridesOf(out.shape);
  let off = 0;
  for (let d = 0; d < ost.length; d++) off += widths[d]![0] * ost[d]!;
  return assemble(out.dtype, numel(out.shape), ost, [{ src: x!.data, srcOffset: 0, srcStrides: stridesOf(x!.shape), dstOffset: off, shape: x!.shape }], value);
};

export const concat: Kernel<Arr, "concat"> = (xs, { axis }, out) => {
  // Each input is the box of the output that starts where the previous one ends along `axis`; they cover every element.
  const ost = stridesOf(out.shape);
  let at = 0;
  const parts = xs.map((x) => {
    const p = { src: x.data, srcOffset: 0, srcStrides: stridesOf(x.shape), dstOffset: at * ost[axis]!, shape: x.shape };
    at += x.shape[axis]!;
    return p;
  });
  return assemble(out.dtype, numel(out.shape), ost, parts, null);
};
