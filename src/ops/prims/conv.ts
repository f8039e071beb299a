// Rules for the convolution primitives (conv, convInputGrad, convWeightGrad): shapes, vjps in terms of each other,
// and their decompositions into unfold (im2col) + matmul + fold (col2im) for devices without a fused kernel.
import type { PrimRule } from "../rule.js";
import type { ConvParams } from "../primitive.js";
import type { Tensor } from "../Tensor.js";
import { applyPrim } from "../apply.js";
import { windowCount } from "../_shape.js";
import { expand, reshape } from "../layout.js";
import { sum } from "../reduce.js";
import { zeros } from "../creation.js";

const geometry = (p: ConvParams): ConvParams => ({ stride: p.stride, dilation: p.dilation, padding: p.padding, groups: p.groups });

/** The unfold/fold window of a convolution with kernel [kh, kw]. */
const window = (p: ConvParams, kernel: readonly [number, number]) =>
  ({ kernel, stride: p.stride, dilation: p.dilation, padding: p.padding }) as const;

/** Output positions [OH, OW] of a convolution over an [H, W] input. */
const outSize = (p: ConvParams, h: number, w: number, kh: number, kw: number): [number, number] => [
  windowCount(h, kh, p.stride[0], p.dilation[0], p.padding[0], p.padding[1]),
  windowCount(w, kw, p.stride[1], p.dilation[1], p.padding[2], p.padding[3]),
];

/** The weights as the batch of matmul operands: [1, Cout, K] ungrouped, else [N·G, Cout/G, K] (group-major per sample). */
const weightBatch = (w: Tensor, n: number, groups: number): Tensor => {
  const [cout, cinG, kh, kw] = w.shape as [number, number, number, number];
  const k = cinG * kh * kw;
  if (groups === 1) return reshape(w, [1, cout, k]);
  return reshape(expand(reshape(w, [1, groups, cout / groups, k]), [n, groups, cout / groups, k]), [n * groups, cout / groups, k]);
};

const conv_ = (x: Tensor, w: Tensor, p: ConvParams): Tensor => applyPrim("conv", [x, w], geometry(p));
const inputGrad = (g: Tensor, w: Tensor, p: ConvParams, size: readonly [number, number]): Tensor =>
  applyPrim("convInputGrad", [g, w], { ...geometry(p), size });
const weightGrad = (x: Tensor, g: Tensor, p: ConvParams, kernel: readonly [number, number]): Tensor =>
  applyPrim("convWeightGrad", [x, g], { ...geometry(p), kernel });

export const conv: PrimRule<"conv"> = {
  out: ([x, w], p) => {
    const [n, , h, wd] = x!.shape as [number, number, number, number];
    const [cout, , kh, kw] = w!.shape as [number, number, number, number];
    return { shape: [n, cout, ...outSize(p, h, wd, kh, kw)], dtype: x!.dtype };
  },
  vjp: (g, [x, w], _y, p) => [
    x!.requiresGrad ? inputGrad(g, w!, p, [x!.shape[2]!, x!.shape[3]!]) : null,
    w!.requiresGrad ? weightGrad(x!, g, p, [w!.shape[2]!, w!.shape[3]!]) : null,
  ],
  // im2col + one (grouped, batched) matmul.
  decompose: ([x, w], p) => {
    const [n, , h, wd] = x!.shape as [number, number, number, number];
    const [cout, cinG, kh, kw] = w!.shape as [number, number, number, number];
    const [oh, ow] = outSize(p, h, wd, kh, kw);
    // An empty batch: the matmul would broadcast the weights' batch of 1 over it.
    if (n === 0) return zeros([0, cout, oh, ow], { device: x!.device });
    const cols = applyPrim("unfold", [x!], { ...window(p, [kh, kw]), value: 0 });
    const G = p.groups;
    const b = G === 1 ? cols : reshape(cols, [n * G, cinG * kh * kw, oh * ow]);
    return reshape(applyPrim("matmul", [weightBatch(w!, n, G), b], { transA: false, transB: false }), [n, cout, oh, ow]);
  },
};

export const convInputGrad: PrimRule<"convInputGrad"> = {
  out: ([g, w], p) => ({ shape: [g!.shape[0]!, w!.shape[1]! * p.groups, p.size[0], p.size[1]], dtype: g!.dtype }),
  // Linear in each input: <c, convInputGrad(g, w)> = <conv(c, w), g>.
  vjp: (c, [g, w], _y, p) => [
    g!.requiresGrad ? conv_(c, w!, p) : null,
    w!.requiresGrad ? weightGrad(c, g!, p, [w!.shape[2]!, w!.shape[3]!]) : null,
  ],
  // Columns wᵀ·g, then col2im sums the overlapping patches back into the image.
  decompose: ([g, w], p) => {
    const [n, cout, oh, ow] = g!.shape as [number, number, number, number];
    const [, cinG, kh, kw] = w!.shape as [number, number, number, number];
    const G = p.groups;
    if (n === 0) return zeros([0, G * cinG, p.size[0], p.size[1]], { device: g!.device });
    const cols = applyPrim("matmul", [weightBatch(w!, n, G), reshape(g!, [n * G, cout / G, oh * ow])], { transA: true, transB: false });
    return applyPrim("fold", [reshape(cols, [n, G * cinG * kh * kw, oh * ow])], { ...window(p, [kh, kw]), size: p.size });
  },
};

export const convWeightGrad: PrimRule<"convWeightGrad"> = {
  out: ([x, g], p) => ({ shape: [g!.shape[1]!, x!.shape[1]! / p.groups, p.kernel[0], p.kernel[1]], dtype: x!.dtype }),
  // Linear in each input: <c, convWeightGrad(x, g)> = <conv(x, c), g>.
  vjp: (c, [x, g], _y, p) => [
    x!.requiresGrad ? inputGrad(g!, c, p, [x!.shape[2]!, x!.shape[3]!]) : null,
    g!.requiresGrad ? conv_(x!, c, p) : null,
  ],
  // Per sample g·colsᵀ, summed over the batch.
  decompose: ([x, g], p) => {
    const [n, cin] = x!.shape as [number, number];
    const [, cout, oh, ow] = g!.shape as [number, number, number, number];
    const [kh, kw] = p.kernel;
    const G = p.groups;
    const k = (cin / G) * kh * kw;
    const cols = applyPrim("unfold", [x!], { ...window(p, p.kernel), value: 0 });
    const b = G === 1 ? cols : reshape(cols, [n * G, k, oh * ow]);
    const per = applyPrim("matmul", [reshape(g!, [n * G, cout / G, oh * ow]), b], { transA: false, transB: true });
    return reshape(sum(reshape(per, [n, cout * k]), 0), [cout, cin / G, kh, kw]);
  },
};
