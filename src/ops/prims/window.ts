// Rules for unfold (im2col) and fold (col2im), each the adjoint of the other.
import type { PrimRule } from "../rule.js";
import type { WindowParams } from "../primitive.js";
import { applyPrim } from "../apply.js";
import { windowCount } from "../_shape.js";

const geometry = (p: WindowParams): WindowParams => ({ kernel: p.kernel, stride: p.stride, dilation: p.dilation, padding: p.padding });

export const unfold: PrimRule<"unfold"> = {
  out: ([x], p) => {
    const [n, c, h, w] = x!.shape as [number, number, number, number];
    const oh = windowCount(h, p.kernel[0], p.stride[0], p.dilation[0], p.padding[0], p.padding[1]);
    const ow = windowCount(w, p.kernel[1], p.stride[1], p.dilation[1], p.padding[2], p.padding[3]);
    return { shape: [n, c * p.kernel[0] * p.kernel[1], oh * ow], dtype: x!.dtype };
  },
  vjp: (g, [x], _y, p) => [applyPrim("fold", [g], { ...geometry(p), size: [x!.shape[2]!, x!.shape[3]!] })],
};

export const fold: PrimRule<"fold"> = {
  out: ([col], p) => ({
    shape: [col!.shape[0]!, col!.shape[1]! / (p.kernel[0] * p.kernel[1]), p.size[0], p.size[1]],
    dtype: col!.dtype,
  }),
  vjp: (g, _x, _y, p) => [applyPrim("unfold", [g], { ...geometry(p), value: 0 })],
};
