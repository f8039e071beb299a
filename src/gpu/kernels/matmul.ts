// WGSL batched matmul: 64×64 output tiles staged through workgroup memory (vec4 loads where aligned), 16×16 threads each accumulating a 4×4 block.
import type { Kernel } from "../../ops/backend.js";
import type { GpuStorage } from "../GpuStorage.js";
import { bindings } from "./_wgsl.js";
import type { GpuContext } from "./_context.js";

const TILE = 64;
const KT = 16;

// P = [M, K, N, batchA, batchB, transA, transB]. A batch of 1 is broadcast (its offset stays 0).
// Each of the 256 threads stages 4 elements of the A tile (64×16) and 4 of the B tile (16×64) per K step. Those four
// are consecutive along k in a row of A and along n in a row of B, so when an operand is stored untransposed with
// that length a multiple of 4, they are one aligned vec4 load (`vecA`/`vecB`): a 16-byte read instead of four.
const source = (vecA: boolean, vecB: boolean): string => `
${bindings([vecA ? "vec4f" : "f32", vecB ? "vec4f" : "f32"], ["f32"])}
var<workgroup> As: array<f32, ${TILE * KT}>;
var<workgroup> Bs: array<f32, ${KT * TILE}>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let M = u32(P[0]); let K = u32(P[1]); let N = u32(P[2]);
  let transA = P[5] != 0; let transB = P[6] != 0;
  let b = wid.z;
  let aOff = select(b * M * K, 0u, P[3] == 1);
  let bOff = select(b * K * N, 0u, P[4] == 1);
  let row0 = wid.y * ${TILE}u;
  let col0 = wid.x * ${TILE}u;
  let t = lid.y * 16u + lid.x;
  var acc: array<vec4f, 4>;
  for (var k0 = 0u; k0 < K; k0 += ${KT}u) {
    ${vecA ? `{
      let q = t * 4u;
      let r = q / ${KT}u; let kk = q % ${KT}u;
      let gi = row0 + r; let gk = k0 + kk;
      var av = vec4f(0.0);
      // K is a multiple of 4 and gk too, so the four k's are all inside or all outside.
      if (gi < M && gk < K) { av = I0[(aOff + gi * K + gk) / 4u]; }
      As[r * ${KT}u + kk] = av.x; As[r * ${KT}u + kk + 1u] = av.y; As[r * ${KT}u + kk + 2u] = av.z; As[r * ${KT}u + kk + 3u] = av.w;
    }` : `for (var e = 0u; e < 4u; e++) {
      let q = t * 4u + e;
      let r = q / ${KT}u; let kk = q % ${KT}u;
      let gi = row0 + r; let gk = k0 + kk;
      var av = 0.0;
      if (gi < M && gk < K) { av = I0[aOff + select(gi * K + gk, gk * M + gi, transA)]; }
      As[r * ${KT}u + kk] = av;
    }`}
    ${vecB ? `{
      let q = t * 4u;
      let kb = q / ${TILE}u; let c = q % ${TILE}u;
      let gkb = k0 + kb; let gj = col0 + c;
      var bv = vec4f(0.0);
      if (gkb < K && gj < N) { bv = I1[(bOff + gkb * N + gj) / 4u]; }
      Bs[kb * ${TILE}u + c] = bv.x; Bs[kb * ${TILE}u + c + 1u] = bv.y; Bs[kb * ${TILE}u + c + 2u] = bv.z; Bs[kb * ${TILE}u + c + 3u] = bv.w;
    }` : `for (var e = 0u; e < 4u; e++) {
      let q = t * 4u + e;
      let kb = q / ${TILE}u; let c = q % ${TILE}u;
      let gkb = k0 + kb; let gj = col0 + c;
      var bv = 0.0;
      if (gkb < K && gj < N) { bv = I1[bOff + select(gkb * N + gj, gj * K + gkb, transB)]; }
      Bs[kb * ${TILE}u + c] = bv;
    }`}
    workgroupBarrier();
    for (var kk = 0u; kk < ${KT}u; kk++) {
      let bc = lid.x * 4u + kk * ${TILE}u;
      let bv = vec4f(Bs[bc], Bs[bc + 1u], Bs[bc + 2u], Bs[bc + 3u]);
      for (var r = 0u; r < 4u; r++) { acc[r] += As[(lid.y * 4u + r) * ${KT}u + kk] * bv; }
    }
    workgroupBarrier();
  }
  let cOff = b * M * N;
  for (var r = 0u; r < 4u; r++) {
    let gi = row0 + lid.y * 4u + r;
    if (gi >= M) { continue; }
    for (var c = 0u; c < 4u; c++) {
      let gj = col0 + lid.x * 4u + c;
      if (gj < N) { O0[cOff + gi * N + gj] = acc[r][c]; }
    }
  }
}`;

const SOURCES = [source(false, false), source(true, false), source(false, true), source(true, true)] as const;

export const matmul = (ctx: GpuContext): Kernel<GpuStorage, "matmul"> => ([a, b], { transA, transB }, out) => {
  const [ba, ra, ca] = a!.shape as [number, number, number];
  const [bb, rb, cb] = b!.shape as [number, number, number];
  const m = transA ? ca : ra;
  const k = transA ? ra : ca;
  const n = transB ? rb : cb;
  const batch = ba === 1 ? bb : ba; // 1 broadcasts, against 0 too
  const o = ctx.alloc(batch * m * n);
  if (batch * m * n === 0) return o;
  ctx.launch({
    kernel: "matmul", wgsl: SOURCES[(!transA && k % 4 === 0 ? 1 : 0) + (!transB && n % 4 === 0 ? 2 : 0)]!, inputs: [a!.data.buffer, b!.data.buffer], outputs: [o.buffer],
    params: [m, k, n, ba, bb, transA ? 1 : 0, transB ? 1 : 0], workgroups: 0, grid: [Math.ceil(n / TILE), Math.ceil(m / TILE), batch],
  });
  return o;
};
