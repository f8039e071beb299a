// WGSL argsort: a bitonic network over each line padded to a power of two, ordered by (value, index) so ties keep their order (stable).
import type { Kernel } from "../../ops/backend.js";
import { numel } from "../../ops/_shape.js";
import type { GpuStorage } from "../GpuStorage.js";
import { F32_HELPERS, bindings, main1d, wgslType } from "./_wgsl.js";
import { groupsFor, type GpuContext } from "./_context.js";

// P = [lines, pow2, n, inner, k, j, descending]. Line l of the input starts at (l / inner)·n·inner + l % inner, stride inner.
const base = `
fn lineBase(l: u32) -> u32 { let n = u32(P[2]); let inner = u32(P[3]); return (l / inner) * n * inner + l % inner; }`;

const initSource = (t: string) => `
${bindings([t], [t, "i32"])}
${base}
${main1d(`  let pw = u32(P[1]);
  if (i >= u32(P[0]) * pw) { return; }
  let pos = i % pw;
  O1[i] = i32(pos);
  if (pos < u32(P[2])) { O0[i] = I0[lineBase(i / pw) + pos * u32(P[3])]; } else { O0[i] = ${t}(0); }`)}`;

// NaN sorts as the largest value (first when descending), as torch.sort and the CPU kernel do; padding sorts last.
const stageSource = (t: string) => `
${bindings([], [t, "i32"])}
${F32_HELPERS}
fn before(a: ${t}, b: ${t}) -> bool {
  if (P[6] != 0) { return a > b${t === "f32" ? " || (is_nan(a) && !is_nan(b))" : ""}; }
  return a < b${t === "f32" ? " || (is_nan(b) && !is_nan(a))" : ""};
}
fn lt(ka: ${t}, ia: i32, kb: ${t}, ib: i32) -> bool {
  let n = P[2];
  if (ia >= n) { return false; }
  if (ib >= n) { return true; }
  if (before(ka, kb)) { return true; }
  if (before(kb, ka)) { return false; }
  return ia < ib;
}
${main1d(`  let pw = u32(P[1]);
  if (i >= u32(P[0]) * pw) { return; }
  let pos = i % pw;
  let j = u32(P[5]);
  let partner = pos ^ j;
  if (partner <= pos) { return; }
  let a = i;
  let b = i - pos + partner;
  let up = (pos & u32(P[4])) == 0u;
  let ka = O0[a]; let ia = O1[a]; let kb = O0[b]; let ib = O1[b];
  let swap = select(lt(ka, ia, kb, ib), lt(kb, ib, ka, ia), up);
  if (swap) { O0[a] = kb; O1[a] = ib; O0[b] = ka; O1[b] = ia; }`)}`;

const writeSource = `
${bindings(["i32"], ["i32"])}
${base}
${main1d(`  let n = u32(P[2]);
  if (i >= u32(P[0]) * n) { return; }
  let l = i / n;
  let pos = i % n;
  O0[lineBase(l) + pos * u32(P[3])] = I0[l * u32(P[1]) + pos];`)}`;

export const argsort = (ctx: GpuContext): Kernel<GpuStorage, "argsort"> => ([x], { axis, descending }, out) => {
  const total = numel(out.shape);
  const o = ctx.alloc(total);
  if (total === 0) return o;
  const t = wgslType(x!.dtype);
  const n = x!.shape[axis] ?? 1;
  const inner = numel(x!.shape.slice(axis + 1));
  const lines = total / n;
  let pw = 1;
  while (pw < n) pw *= 2;
  const keys = ctx.alloc(lines * pw);
  const idx = ctx.alloc(lines * pw);
  const params = (k: number, j: number) => [lines, pw, n, inner, k, j, descending ? 1 : 0];
  const groups = groupsFor(lines * pw);
  ctx.launch({ kernel: "argsort", wgsl: initSource(t), inputs: [x!.data.buffer], outputs: [keys.buffer, idx.buffer], params: params(0, 0), workgroups: groups });
  const stage = stageSource(t);
  for (let k = 2; k <= pw; k *= 2)
    for (let j = k / 2; j >= 1; j /= 2)
      ctx.launch({ kernel: "argsort", wgsl: stage, inputs: [], outputs: [keys.buffer, idx.buffer], params: params(k, j), workgroups: groups });
  ctx.launch({ kernel: "argsort", wgsl: writeSource, inputs: [idx.buffer], outputs: [o.buffer], params: params(0, 0), workgroups: groupsFor(total) });
  ctx.release(keys);
  ctx.release(idx);
  return o;
};
