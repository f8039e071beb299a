// WGSL gather/scatter-add and index-select/index-add: the adds are gather-style (one thread per output, summing in the CPU's order), so results are deterministic without atomics.
import type { Kernel } from "../../ops/backend.js";
import { numel, stridesOf } from "../../ops/_shape.js";
import type { GpuStorage } from "../GpuStorage.js";
import { bindings, main1d, wgslType } from "./_wgsl.js";
import { groupsFor, type GpuContext } from "./_context.js";

/** Codes written to the device's flag buffer; the next readback turns them into an error naming the op. */
export const INDEX_ERROR_OPS = ["", "gather", "scatterAdd", "indexSelect", "indexAdd"] as const;

// The first bad index wins the flag; the others are dropped (one error is reported, as the CPU reports the first).
const FLAG = (code: number) => `
fn bad(v: i32, size: i32, axis: i32) {
  if (atomicCompareExchangeWeak(&O1[0], 0u, ${code}u).exchanged) {
    atomicStore(&O1[1], bitcast<u32>(v)); atomicStore(&O1[2], u32(size)); atomicStore(&O1[3], u32(axis));
  }
}`;

// P = [n, nd, axis, size, idxShape[nd], xStrides[nd]]
const gatherSource = (t: string) => `
${bindings([t, "i32"], [t, "atomic<u32>"])}
${FLAG(1)}
${main1d(`  if (i >= u32(P[0])) { return; }
  let nd = u32(P[1]);
  let axis = u32(P[2]);
  let v = I1[i];
  if (v < 0 || v >= P[3]) { bad(v, P[3], P[2]); O0[i] = ${t}(0); return; }
  var rem = i;
  var off = 0;
  for (var d = i32(nd) - 1; d >= 0; d--) {
    let n = u32(P[4u + u32(d)]);
    let c = i32(rem % n);
    rem = rem / n;
    off += select(c, v, u32(d) == axis) * P[4u + nd + u32(d)];
  }
  O0[i] = I0[u32(off)];`)}`;

export const gather = (ctx: GpuContext): Kernel<GpuStorage, "gather"> => ([x, idx], { axis }, out) => {
  const n = numel(out.shape);
  const o = ctx.alloc(n);
  if (n === 0) return o;
  const nd = idx!.shape.length;
  ctx.launch({
    kernel: "gather", wgsl: gatherSource(wgslType(x!.dtype)), inputs: [x!.data.buffer, idx!.data.buffer], outputs: [o.buffer, ctx.flags],
    params: [n, nd, axis, x!.shape[axis]!, ...idx!.shape, ...stridesOf(x!.shape)], workgroups: groupsFor(n),
  });
  return o;
};

// P = [nOut, nIdx, nd, axis, size, outShape[nd], idxShape[nd], idxStrides[nd]]. Threads below nIdx also validate one index.
const scatterSource = (t: string) => `
${bindings([t, "i32"], [t, "atomic<u32>"])}
${FLAG(2)}
${main1d(`  let nd = u32(P[2]);
  let axis = u32(P[3]);
  if (i < u32(P[1])) { let v = I1[i]; if (v < 0 || v >= P[4]) { bad(v, P[4], P[3]); } }
  if (i >= u32(P[0])) { return; }
  var rem = i;
  var base = 0;
  var j = 0;
  var inside = true;
  for (var d = i32(nd) - 1; d >= 0; d--) {
    let du = u32(d);
    let n = u32(P[5u + du]);
    let c = i32(rem % n);
    rem = rem / n;
    if (du == axis) { j = c; } else {
      if (c >= P[5u + nd + du]) { inside = false; }
      base += c * P[5u + 2u * nd + du];
    }
  }
  var acc = ${t}(0);
  if (inside) {
    let kn = u32(P[5u + nd + axis]);
    let ks = P[5u + 2u * nd + axis];
    for (var k = 0u; k < kn; k++) {
      let at = u32(base + i32(k) * ks);
      if (I1[at] == j) { acc += I0[at]; }
    }
  }
  O0[i] = acc;`)}`;

export const scatterAdd = (ctx: GpuContext): Kernel<GpuStorage, "scatterAdd"> => ([src, idx], { axis, shape }, out) => {
  const n = numel(out.shape);
  const o = ctx.alloc(n);
  const nIdx = numel(idx!.shape);
  if (n === 0 && nIdx === 0) return o;
  ctx.launch({
    kernel: "scatterAdd", wgsl: scatterSource(wgslType(src!.dtype)), inputs: [src!.data.buffer, idx!.data.buffer], outputs: [o.buffer, ctx.flags],
    params: [n, nIdx, shape.length, axis, shape[axis]!, ...shape, ...idx!.shape, ...stridesOf(idx!.shape)], workgroups: groupsFor(Math.max(n, nIdx)),
  });
  return o;
};

// P = [nOut, K, inner, size]: out[p, j, :] = x[p, idx[j], :]
const selectSource = (t: string) => `
${bindings([t, "i32"], [t, "atomic<u32>"])}
${FLAG(3)}
${main1d(`  if (i >= u32(P[0])) { return; }
  let K = u32(P[1]);
  let inner = u32(P[2]);
  let n = u32(P[3]);
  let p = i / (K * inner);
  let j = (i / inner) % K;
  let v = I1[j];
  if (v < 0 || v >= P[3]) { bad(v, P[3], P[4]); O0[i] = ${t}(0); return; }
  O0[i] = I0[(p * n + u32(v)) * inner + i % inner];`)}`;

export const indexSelect = (ctx: GpuContext): Kernel<GpuStorage, "indexSelect"> => ([x, idx], { axis }, out) => {
  const n = numel(out.shape);
  const o = ctx.alloc(n);
  if (n === 0) return o;
  const K = idx!.shape[0]!;
  const inner = numel(x!.shape.slice(axis + 1));
  ctx.launch({
    kernel: "indexSelect", wgsl: selectSource(wgslType(x!.dtype)), inputs: [x!.data.buffer, idx!.data.buffer], outputs: [o.buffer, ctx.flags],
    params: [n, K, inner, x!.shape[axis]!, axis], workgroups: groupsFor(n),
  });
  return o;
};

// P = [nOut, K, inner, size, axis]: out[p, j, :] = Σ over k with idx[k] = j of src[p, k, :], k ascending.
const addSource = (t: string) => `
${bindings([t, "i32"], [t, "atomic<u32>"])}
${FLAG(4)}
${main1d(`  let K = u32(P[1]);
  if (i < K) { let v = I1[i]; if (v < 0 || v >= P[3]) { bad(v, P[3], P[4]); } }
  if (i >= u32(P[0])) { return; }
  let inner = u32(P[2]);
  let n = u32(P[3]);
  let p = i / (n * inner);
  let j = i32((i / inner) % n);
  let ii = i % inner;
  var acc = ${t}(0);
  for (var k = 0u; k < K; k++) {
    if (I1[k] == j) { acc += I0[(p * K + k) * inner + ii]; }
  }
  O0[i] = acc;`)}`;

export const indexAdd = (ctx: GpuContext): Kernel<GpuStorage, "indexAdd"> => ([src, idx], { axis, shape }, out) => {
  const n = numel(out.shape);
  const o = ctx.alloc(n);
  const K = idx!.shape[0]!;
  if (n === 0 && K === 0) return o;
  ctx.launch({
    kernel: "indexAdd", wgsl: addSource(wgslType(src!.dtype)), inputs: [src!.data.buffer, idx!.data.buffer], outputs: [o.buffer, ctx.flags],
    params: [n, K, numel(shape.slice(axis + 1)), shape[axis]!, axis], workgroups: groupsFor(Math.max(n, K)),
  });
  return o;
};
