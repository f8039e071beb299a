// WGSL reductions: sum/prod/max/min over any axes (a workgroup tree per output when the reduced extent is long), argmax/argmin, cumsum.
import type { Buf, Kernel } from "../../ops/backend.js";
import type { ReduceOp } from "../../ops/primitive.js";
import { collapse, numel, stridesOf } from "../../ops/_shape.js";
import type { GpuStorage } from "../GpuStorage.js";
import { F32_HELPERS, bindings, main1d, stridedOffset, wgslType } from "./_wgsl.js";
import { groupsFor, type GpuContext } from "./_context.js";

type B = Buf<GpuStorage>;

/** Above this many reduced elements per output, a whole workgroup reduces each output. */
const TREE_MIN = 256;

const initOf = (op: ReduceOp, t: string): string =>
  op === "sum" ? (t === "f32" ? "0.0" : "0") : op === "prod" ? (t === "f32" ? "1.0" : "1") :
  t === "i32" ? (op === "max" ? "-2147483647 - 1" : "2147483647") : op === "max" ? "-inf()" : "inf()";

// max/min let a NaN win and stick, as the CPU kernels (and PyTorch) do.
const combineOf = (op: ReduceOp, t: string): string =>
  op === "sum" ? "a + b" : op === "prod" ? "a * b" :
  t === "i32" ? `${op}(a, b)` : `select(${op}(a, b), select(b, a, is_nan(a)), is_nan(a) || is_nan(b))`;

// P = [nOut, R, ndKeep, ndRed, keepShape, keepStrides, redShape, redStrides]
const reduceSource = (op: ReduceOp, t: string, tree: boolean): string => {
  const kahan = op === "sum" && t === "f32";
  // Compensated (Kahan) summation in f32; the compensation is dropped once the sum is infinite so inf stays inf.
  const accumulate = kahan
    ? `let y = v - c; let s2 = acc + y; c = select(0.0, (s2 - acc) - y, abs(s2) < inf()); acc = s2;`
    : `acc = combine(acc, v);`;
  const head = `
${bindings([t], [t])}
${F32_HELPERS}
${stridedOffset("strided")}
fn combine(a: ${t}, b: ${t}) -> ${t} { return ${combineOf(op, t)}; }
fn keepOff(o: u32) -> u32 { let nk = u32(P[2]); return strided(o, nk, 4u, 4u + nk, 0); }
fn redOff(r: u32) -> u32 { let nk = u32(P[2]); let nr = u32(P[3]); return strided(r, nr, 4u + 2u * nk, 4u + 2u * nk + nr, 0); }`;
  if (!tree)
    return `${head}
${main1d(`  if (i >= u32(P[0])) { return; }
  let base = keepOff(i);
  let R = u32(P[1]);
  var acc: ${t} = ${initOf(op, t)};
  var c: ${t} = ${t}(0);
  for (var r = 0u; r < R; r++) { let v = I0[base + redOff(r)]; ${accumulate} }
  O0[i] = acc;`)}`;
  return `${head}
var<workgroup> sh: array<${t}, 256>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let o = min(wid.y * nwg.x + wid.x, u32(P[0]) - 1u);
  let base = keepOff(o);
  let R = u32(P[1]);
  var acc: ${t} = ${initOf(op, t)};
  var c: ${t} = ${t}(0);
  for (var r = lid; r < R; r += 256u) { let v = I0[base + redOff(r)]; ${accumulate} }
  sh[lid] = acc;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] = combine(sh[lid], sh[lid + s]); }
    workgroupBarrier();
  }
  if (lid == 0u && wid.y * nwg.x + wid.x < u32(P[0])) { O0[o] = sh[0]; }
}`;
};

const sources = new Map<string, string>();

export const reduce = (ctx: GpuContext): Kernel<GpuStorage, "reduce"> => ([x], { op, axes }, out) => {
  const nOut = numel(out.shape);
  const o = ctx.alloc(nOut);
  if (nOut === 0) return o;
  const t = wgslType(x!.dtype);
  const st = stridesOf(x!.shape);
  const keepAxes = x!.shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const keep = collapse(keepAxes.map((d) => x!.shape[d]!), [keepAxes.map((d) => st[d]!)]);
  const red = collapse(axes.map((d) => x!.shape[d]!), [axes.map((d) => st[d]!)]);
  const R = numel(red.shape);
  const tree = R > TREE_MIN;
  const key = `${op}/${t}/${tree}`;
  let wgsl = sources.get(key);
  if (!wgsl) sources.set(key, (wgsl = reduceSource(op, t, tree)));
  const params = [nOut, R, keep.shape.length, red.shape.length, ...keep.shape, ...keep.strides[0]!, ...red.shape, ...red.strides[0]!];
  ctx.launch({ kernel: `reduce ${op}`, wgsl, inputs: [x!.data.buffer], outputs: [o.buffer], params, workgroups: tree ? nOut : groupsFor(nOut) });
  return o;
};

const lineSplit = (x: B, axis: number) => ({
  outer: numel(x.shape.slice(0, axis)),
  r: x.shape[axis] ?? 1,
  inner: numel(x.shape.slice(axis + 1)),
});

// P = [nOut, r, inner]; first occurrence wins ties, and a NaN beats any number (as the CPU kernel).
const argSource = (better: string, t: string): string => `
${bindings([t], ["i32"])}
${F32_HELPERS}
${main1d(`  if (i >= u32(P[0])) { return; }
  let r = u32(P[1]);
  let inner = u32(P[2]);
  let base = (i / inner) * r * inner + i % inner;
  var best = I0[base];
  var bi = 0u;
  for (var k = 1u; k < r; k++) {
    let v = I0[base + k * inner];
    if (${better}) { best = v; bi = k; }
  }
  O0[i] = i32(bi);`)}`;

export const argReduce = (ctx: GpuContext): Kernel<GpuStorage, "argReduce"> => ([x], { op, axis }, out) => {
  const nOut = numel(out.shape);
  const o = ctx.alloc(nOut);
  if (nOut === 0) return o;
  const t = wgslType(x!.dtype);
  const cmp = op === "argmax" ? ">" : "<";
  const better = t === "f32" ? `v ${cmp} best || (is_nan(v) && !is_nan(best))` : `v ${cmp} best`;
  const { r, inner } = lineSplit(x!, axis);
  ctx.launch({ kernel: op, wgsl: argSource(better, t), inputs: [x!.data.buffer], outputs: [o.buffer], params: [nOut, r, inner], workgroups: groupsFor(nOut) });
  return o;
};

// P = [lines, r, inner, reverse]; one thread per line, compensated in f32 like the sums.
const cumsumSource = (t: string): string => `
${bindings([t], [t])}
${F32_HELPERS}
${main1d(`  if (i >= u32(P[0])) { return; }
  let r = u32(P[1]);
  let inner = u32(P[2]);
  let base = (i / inner) * r * inner + i % inner;
  var acc: ${t} = ${t}(0);
  var c: ${t} = ${t}(0);
  for (var kk = 0u; kk < r; kk++) {
    let k = select(kk, r - 1u - kk, P[3] != 0);
    let v = I0[base + k * inner];
    ${t === "f32" ? "let y = v - c; let s2 = acc + y; c = select(0.0, (s2 - acc) - y, abs(s2) < inf()); acc = s2;" : "acc = acc + v;"}
    O0[base + k * inner] = acc;
  }`)}`;

export const cumsum = (ctx: GpuContext): Kernel<GpuStorage, "cumsum"> => ([x], { axis, reverse }, out) => {
  const n = numel(out.shape);
  const o = ctx.alloc(n);
  if (n === 0) return o;
  const t = wgslType(x!.dtype);
  const { outer, r, inner } = lineSplit(x!, axis);
  ctx.launch({ kernel: "cumsum", wgsl: cumsumSource(t), inputs: [x!.data.buffer], outputs: [o.buffer], params: [outer * inner, r, inner, reverse ? 1 : 0], workgroups: groupsFor(outer * inner) });
  return o;
};
