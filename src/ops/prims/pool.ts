// Rule for maxPoolIndices (the argmax of max pooling): no gradient, and a decomposition into im2col + argmax for devices without a kernel.
import type { PrimRule } from "../rule.js";
import type { WindowParams } from "../primitive.js";
import type { Tensor } from "../Tensor.js";
import { applyPrim } from "../apply.js";
import { windowCount } from "../_shape.js";
import { add, cast, div, eq, mul, remainder, sub, where } from "../elementwise.js";
import { reshape } from "../layout.js";
import { arange, fromTyped } from "../creation.js";

/** Output positions [OH, OW] of the windows over an [H, W] input. */
const outSize = (p: WindowParams, h: number, w: number): [number, number] => [
  windowCount(h, p.kernel[0], p.stride[0], p.dilation[0], p.padding[0], p.padding[1]),
  windowCount(w, p.kernel[1], p.stride[1], p.dilation[1], p.padding[2], p.padding[3]),
];

/** First in-input position of a window starting at `start` (skipping the padding in steps of the dilation). */
const firstInside = (start: number, dilation: number): number => (start >= 0 ? start : start + Math.ceil(-start / dilation) * dilation);

/**
 * The flat position h·W + w of each window's first in-input element, PyTorch's index for a window whose maximum is
 * -∞ (its scan starts there and only a greater value or a NaN replaces it).
 */
const firstInputPositions = (p: WindowParams, out: readonly [number, number], width: number): Int32Array => {
  const [oh, ow] = out;
  const first = new Int32Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    const h0 = firstInside(y * p.stride[0] - p.padding[0], p.dilation[0]);
    for (let z = 0; z < ow; z++) first[y * ow + z] = h0 * width + firstInside(z * p.stride[1] - p.padding[2], p.dilation[1]);
  }
  return first;
};

/** Flat input positions h·W + w of the window-local argmax `arg` [N, C, OH, OW] (int32 arithmetic on arange rows/columns). */
const windowIndices = (arg: Tensor, p: WindowParams, out: readonly [number, number], width: number): Tensor => {
  const kw = p.kernel[1];
  const j = remainder(arg, kw);
  const i = cast(div(sub(arg, j), kw), "int32");
  const dev = { device: arg.device };
  const top = reshape(sub(mul(arange(out[0], undefined, 1, dev), p.stride[0]), p.padding[0]), [out[0], 1]);
  const left = sub(mul(arange(out[1], undefined, 1, dev), p.stride[1]), p.padding[2]);
  return add(mul(add(top, mul(i, p.dilation[0])), width), add(left, mul(j, p.dilation[1])));
};

export const maxPoolIndices: PrimRule<"maxPoolIndices"> = {
  out: ([x], p) => {
    const [n, c, h, w] = x!.shape as [number, number, number, number];
    return { shape: [n, c, ...outSize(p, h, w)], dtype: "int32" };
  },
  // Integer positions: nothing flows back (max pooling's gradient is the vjp of the gather at these positions).
  vjp: () => [null],
  // im2col padded with -∞, the first argmax of each window's column, and its position in the input plane.
  decompose: ([x], p) => {
    const [n, c, h, w] = x!.shape as [number, number, number, number];
    const out = outSize(p, h, w);
    const shape = [n, c, out[0], out[1]];
    const cols = reshape(applyPrim("unfold", [x!], { ...p, value: -Infinity }), [n * c, p.kernel[0] * p.kernel[1], out[0] * out[1]]);
    const arg = applyPrim("argReduce", [cols], { op: "argmax", axis: 1 });
    const top = reshape(applyPrim("gather", [cols, arg], { axis: 1 }), shape);
    // A window whose maximum is -∞ may have found it in the padding, which has no position: PyTorch gives the
    // window's first input element there.
    const first = fromTyped(firstInputPositions(p, out, w), out, { device: x!.device });
    return where(eq(top, -Infinity), first, windowIndices(reshape(arg, shape), p, out, w));
  },
};
