// WGSL im2col (unfold) and col2im (fold) over NCHW; fold gathers per output pixel, so overlaps sum in the CPU's order without atomics.
import type { Kernel } from "../../ops/backend.js";
import type { WindowParams } from "../../ops/primitive.js";
import { numel, windowCount } from "../../ops/_shape.js";
import type { GpuStorage } from "../GpuStorage.js";
import { bindings, main1d, wgslType } from "./_wgsl.js";
import { valueBits } from "./layout.js";
import { groupsFor, type GpuContext } from "./_context.js";

// P = [n, H, W, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow, valueBits]
const geometry = (h: number, w: number, p: WindowParams): number[] => {
  const oh = Math.max(0, windowCount(h, p.kernel[0], p.stride[0], p.dilation[0], p.padding[0], p.padding[1]));
  const ow = Math.max(0, windowCount(w, p.kernel[1], p.stride[1], p.dilation[1], p.padding[2], p.padding[3]));
  return [h, w, p.kernel[0], p.kernel[1], p.stride[0], p.stride[1], p.dilation[0], p.dilation[1], p.padding[0], p.padding[2], oh, ow];
};

const HEAD = `
  let H = P[1]; let W = P[2]; let kh = u32(P[3]); let kw = u32(P[4]);
  let sh = P[5]; let sw = P[6]; let dh = P[7]; let dw = P[8]; let pt = P[9]; let pl = P[10];
  let oh = u32(P[11]); let ow = u32(P[12]);`;

const unfoldSource = (t: string) => `
${bindings([t], [t])}
${main1d(`  if (i >= u32(P[0])) { return; }${HEAD}
  let L = oh * ow;
  let q = i % L;
  let row = i / L;
  let j = row % kw;
  let ii = (row / kw) % kh;
  let pc = row / (kh * kw);
  let ih = i32(q / ow) * sh - pt + i32(ii) * dh;
  let iw = i32(q % ow) * sw - pl + i32(j) * dw;
  if (ih < 0 || ih >= H || iw < 0 || iw >= W) { O0[i] = bitcast<${t}>(P[13]); return; }
  O0[i] = I0[pc * u32(H * W) + u32(ih * W + iw)];`)}`;

export const unfold = (ctx: GpuContext): Kernel<GpuStorage, "unfold"> => ([x], p, out) => {
  const total = numel(out.shape);
  const o = ctx.alloc(total);
  if (total === 0) return o;
  const t = wgslType(x!.dtype);
  ctx.launch({
    kernel: "unfold", wgsl: unfoldSource(t), inputs: [x!.data.buffer], outputs: [o.buffer],
    params: [total, ...geometry(x!.shape[2]!, x!.shape[3]!, p), valueBits(p.value, out.dtype)], workgroups: groupsFor(total),
  });
  return o;
};

// Window positions y with y·sh − pt + ii·dh = h exist only when the difference divides evenly and lands in [0, oh).
const foldSource = (t: string) => `
${bindings([t], [t])}
${main1d(`  if (i >= u32(P[0])) { return; }${HEAD}
  let L = oh * ow;
  let w = i32(i % u32(W));
  let h = i32((i / u32(W)) % u32(H));
  let pc = i / u32(H * W);
  var acc = ${t}(0);
  for (var ii = 0u; ii < kh; ii++) {
    let ty = h + pt - i32(ii) * dh;
    if (ty < 0 || ty % sh != 0 || u32(ty / sh) >= oh) { continue; }
    let y = u32(ty / sh);
    for (var j = 0u; j < kw; j++) {
      let tx = w + pl - i32(j) * dw;
      if (tx < 0 || tx % sw != 0 || u32(tx / sw) >= ow) { continue; }
      acc += I0[((pc * kh + ii) * kw + j) * L + y * ow + u32(tx / sw)];
    }
  }
  O0[i] = acc;`)}`;

export const fold = (ctx: GpuContext): Kernel<GpuStorage, "fold"> => ([col], p, out) => {
  const total = numel(out.shape);
  const o = ctx.alloc(total);
  if (total === 0) return o;
  ctx.launch({
    kernel: "fold", wgsl: foldSource(wgslType(col!.dtype)), inputs: [col!.data.buffer], outputs: [o.buffer],
    params: [total, ...geometry(out.shape[2]!, out.shape[3]!, p), 0], workgroups: groupsFor(total),
  });
  return o;
};
