// WGSL data movement: one strided-copy kernel serves permute, expand, slice, pad and concat; reshape shares storage.
import type { Kernel } from "../../ops/backend.js";
import type { DType } from "../../ops/dtype.js";
import { broadcastStrides, collapse, numel, stridesOf, type Shape } from "../../ops/_shape.js";
import type { GpuStorage } from "../GpuStorage.js";
import { bindings, main1d } from "./_wgsl.js";
import { groupsFor, type GpuContext } from "./_context.js";

// Elements move as raw 32-bit words, whatever their dtype.
// P = [n, nd, readBase, writeBase, shape[nd], readStrides[nd], writeStrides[nd]]
const COPY = `
${bindings(["u32"], ["u32"])}
${main1d(`  if (i >= u32(P[0])) { return; }
  let nd = u32(P[1]);
  var rem = i;
  var r = P[2];
  var w = P[3];
  for (var d = i32(nd) - 1; d >= 0; d--) {
    let n = u32(P[4u + u32(d)]);
    let c = i32(rem % n);
    rem = rem / n;
    r += c * P[4u + nd + u32(d)];
    w += c * P[4u + 2u * nd + u32(d)];
  }
  O0[u32(w)] = I0[u32(r)];`)}`;

// P = [n, bits]
const FILL = `
${bindings([], ["u32"])}
${main1d(`  if (i >= u32(P[0])) { return; }
  O0[i] = bitcast<u32>(P[1]);`)}`;

/** The 32-bit pattern of `value` stored as `dtype`. */
export const valueBits = (value: number, dtype: DType): number =>
  dtype === "float32" ? new Int32Array(new Float32Array([value]).buffer)[0]! : dtype === "bool" ? (value !== 0 ? 1 : 0) : value | 0;

/** Copies the elements of an iteration shape from strided reads to strided writes. */
export const stridedCopy = (
  ctx: GpuContext, kernel: string, src: GPUBuffer, dst: GPUBuffer, shape: Shape,
  read: readonly number[], readBase: number, write: readonly number[], writeBase: number,
): void => {
  const n = numel(shape);
  if (n === 0) return;
  const c = collapse(shape, [read, write]);
  ctx.launch({ kernel, wgsl: COPY, inputs: [src], outputs: [dst], params: [n, c.shape.length, readBase, writeBase, ...c.shape, ...c.strides[0]!, ...c.strides[1]!], workgroups: groupsFor(n) });
};

/** Fills `n` words of `dst` with `value` stored as `dtype`. */
export const fill = (ctx: GpuContext, dst: GPUBuffer, n: number, value: number, dtype: DType): void => {
  if (n > 0) ctx.launch({ kernel: "fill", wgsl: FILL, inputs: [], outputs: [dst], params: [n, valueBits(value, dtype)], workgroups: groupsFor(n) });
};

// Storage never changes once made, so a reshape shares it (the scope and the finalizer see one storage object).
export const reshape = (_ctx: GpuContext): Kernel<GpuStorage, "reshape"> => ([x]) => x!.data;

export const permute = (ctx: GpuContext): Kernel<GpuStorage, "permute"> => ([x], { perm }, out) => {
  const o = ctx.alloc(numel(out.shape));
  const st = stridesOf(x!.shape);
  stridedCopy(ctx, "permute", x!.data.buffer, o.buffer, out.shape, perm.map((p) => st[p]!), 0, stridesOf(out.shape), 0);
  return o;
};

export const expand = (ctx: GpuContext): Kernel<GpuStorage, "expand"> => ([x], { shape }, out) => {
  const o = ctx.alloc(numel(out.shape));
  stridedCopy(ctx, "expand", x!.data.buffer, o.buffer, shape, broadcastStrides(x!.shape, shape), 0, stridesOf(shape), 0);
  return o;
};

export const slice = (ctx: GpuContext): Kernel<GpuStorage, "slice"> => ([x], { begin, step }, out) => {
  const o = ctx.alloc(numel(out.shape));
  const st = stridesOf(x!.shape);
  const base = st.reduce((s, v, d) => s + v * begin[d]!, 0);
  stridedCopy(ctx, "slice", x!.data.buffer, o.buffer, out.shape, st.map((v, d) => v * step[d]!), base, stridesOf(out.shape), 0);
  return o;
};

export const pad = (ctx: GpuContext): Kernel<GpuStorage, "pad"> => ([x], { widths, value }, out) => {
  const n = numel(out.shape);
  const o = ctx.alloc(n);
  fill(ctx, o.buffer, n, value, out.dtype);
  const ost = stridesOf(out.shape);
  const base = ost.reduce((s, v, d) => s + v * widths[d]![0], 0);
  stridedCopy(ctx, "pad", x!.data.buffer, o.buffer, x!.shape, stridesOf(x!.shape), 0, ost, base);
  return o;
};

export const concat = (ctx: GpuContext): Kernel<GpuStorage, "concat"> => (xs, { axis }, out) => {
  const o = ctx.alloc(numel(out.shape));
  const ost = stridesOf(out.shape);
  let at = 0;
  for (const x of xs) {
    stridedCopy(ctx, "concat", x.data.buffer, o.buffer, x.shape, stridesOf(x.shape), 0, ost, at * ost[axis]!);
    at += x.shape[axis]!;
  }
  return o;
};
