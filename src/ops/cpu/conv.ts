// CPU kernels of the convolution primitives: the fused WebAssembly kernels of conv.c on every thread.
// Operands are read in place and results written in place when resident in the arena (inside step scopes; else
// staged, _wasmCall.ts). They decline (null) where the arena is unavailable (RIVULET_CPU_WASM=0, no shared memory)
// or the operands do not fit it; the primitive's decomposition (unfold + matmul + fold, whose TypeScript kernels are the reference) then runs.
import type { Buf, CompositeKernel, OutSpec } from "../backend.js";
import { allocFor, allocUninit, copyToStorage, type AnyTypedArray } from "../dtype.js";
import type { ConvParams } from "../primitive.js";
import { runConvJob } from "./_gemmPool.js";
import { wasmCall, type WasmCall } from "./_wasmCall.js";
import { winogradConv, winogradConvInputGrad, winogradConvWeightGrad } from "./_winograd.js";

type Arr = AnyTypedArray;

/** Below this many multiply-adds a job stays on the calling thread. */
const PARALLEL_MIN_MACS = 1 << 18;
/** The weight gradient sums the batch in at most this many chunks (fixed, so results do not depend on the thread count). */
const WEIGHT_GRAD_CHUNKS = 16;
/** ...and keeps its per-chunk partial sums under this many floats. */
const PARTIAL_MAX_FLOATS = 1 << 24;
const FORWARD = 0, INPUT_GRAD = 1, WEIGHT_GRAD = 2;
/** The GEMM's panel and k-block sizes (kernels.c's MR, NR, KC), for sizing the buffers of conv.c's packed paths. */
const MR = 5, NR = 8, KC = 256;
/** Words of conv.c's record of each 4 output positions (direct paths). */
const GR_WORDS = 5;
/** conv.c's D_MODE for each path. */
const MODE = { gemm: 0, packed: 1, direct: 2 } as const;

/**
 * Which kernels run: "direct" (the default: the packed kernels, but the weight gradient with fewer than 8 channels
 * per group at width stride 1 straight from the padded image, output positions across the SIMD lanes), "packed"
 * (weights packed once per call, windows gathered into the GEMM's panels) or "gemm" (per-sample im2col + gemm_block).
 */
export type ConvKernelPath = "direct" | "packed" | "gemm";
let path: ConvKernelPath = "direct";

/** Selects the convolution kernels' path (both compute the same values; benchmarks and tests compare them); returns the previous one. */
export const setConvKernelPath = (next: ConvKernelPath): ConvKernelPath => {
  const prev = path;
  path = next;
  return prev;
};

interface Geometry {
  readonly n: number; readonly cin: number; readonly h: number; readonly w: number;
  readonly cout: number; readonly kh: number; readonly kw: number; readonly oh: number; readonly ow: number;
}

const f32 = (b: Buf<Arr> | undefined): Float32Array | null => (b !== undefined && b.data instanceof Float32Array ? b.data : null);

/**
 * Runs `blocks` blocks of job `which` (threaded when large) in call `c`: x, w and g (whichever are given) read in
 * place or staged, the output at byte pointer `out`, a column buffer per thread and the descriptor in temporaries.
 */
const run = (
  c: WasmCall, which: number, g: Geometry, p: ConvParams, inputs: readonly (Float32Array | null)[], out: number, per: number, blocks: number,
): { mode: number } => {
  const arena = c.arena;
  const P = g.oh * g.ow, K = (g.cin / p.groups) * g.kh * g.kw;
  // One sample's im2col, plus (weight gradient) one sample's product before it is added into the chunk's partial.
  // The packed forward and weight-gradient paths keep the sample's zero-padded image there instead (NR floats of
  // slack each side).
  const hp = (g.oh - 1) * p.stride[0] + (g.kh - 1) * p.dilation[0] + 1, wp = (g.ow - 1) * p.stride[1] + (g.kw - 1) * p.dilation[1] + 1;
  // After it, conv.c's metadata: K kernel-row offsets and 3 words for each 4 of at most KC output positions.
  // The direct path: K kernel-row offsets and the records of the ceil(P/4) groups of 4 output positions.
  const colsFloats = Math.ceil(Math.max(g.cin * g.kh * g.kw * P + g.cout * K,
    g.cin * hp * wp + 2 * NR + K + Math.max(3 * (KC / 4), GR_WORDS * Math.ceil(P / 4))) / 4) * 4;
  // The direct kernel serves the weight gradient where the GEMM's 8-wide panels would waste lanes on the channels
  // and the windows of consecutive output positions are consecutive columns (width stride 1); packed ones the rest.
  const cog = g.cout / p.groups;
  const mode = path !== "direct" ? MODE[path] : which === WEIGHT_GRAD && p.stride[1] === 1 && cog < NR ? MODE.direct : MODE.packed;
  // The weights packed once (packed path): A panels of W (cog×K) or Wᵀ (K×cog) per group.
  const packed = mode === MODE.packed;
  const apFloats = !packed || which === WEIGHT_GRAD ? 0 : p.groups * (which === FORWARD ? Math.ceil(cog / MR) * MR * K : Math.ceil(K / MR) * MR * cog);
  const lens = [g.n * g.cin * g.h * g.w, g.cout * K, g.n * g.cout * P];
  const ptrs = inputs.map((a, i) => (a === null ? 0 : c.operand(a, lens[i])));
  // The direct weight gradient's lane-wise sums: 4 floats for each weight, per chunk.
  const acc = mode === MODE.direct && which === WEIGHT_GRAD ? c.temp(blocks * g.cout * K * 16) : 0;
  const descWords = 32;
  const cols = c.temp(arena.threads * colsFloats * 4), ap = apFloats === 0 ? 0 : c.temp(apFloats * 4), desc = c.temp(descWords * 4);
  const scratch0 = arena.scratch(0), scratchBytes = arena.scratch(1) - scratch0;
  // The descriptor conv.c reads (its D_* words, in order); pointers in bytes.
  const d = [ptrs[0]!, ptrs[1]!, ptrs[2]!, out, g.n, g.cin, g.h, g.w, g.cout, p.groups, g.kh, g.kw,
    p.stride[0], p.stride[1], p.dilation[0], p.dilation[1], p.padding[0], p.padding[2], g.oh, g.ow,
    cols, colsFloats * 4, scratch0, scratchBytes, per, ap, mode, acc];
  new Int32Array(arena.buffer(), desc, d.length).set(d);
  if (apFloats > 0) arena.exports.conv_pack(which, desc);
  const macs = g.n * g.cout * K * P;
  if (macs < PARALLEL_MIN_MACS || !runConvJob(arena, which, desc, blocks, macs))
    for (let b = 0; b < blocks; b++) arena.exports.conv_block(which, desc, b, scratch0);
  return { mode };
};

/** conv: y[n] = W · im2col(x[n]) per sample (and group), samples spread over the threads. */
export const conv: CompositeKernel<Arr, "conv"> = ([x, w], p, out: OutSpec) => {
  const viaWinograd = winogradConv([x!, w!], p, out);
  if (viaWinograd !== null) return viaWinograd;
  const X = f32(x), W = f32(w);
  if (X === null || W === null || out.dtype !== "float32") return null;
  const [n, cin, h, wd] = x!.shape as [number, number, number, number];
  const [cout, , kh, kw] = w!.shape as [number, number, number, number];
  const [, , oh, ow] = out.shape as [number, number, number, number];
  const len = n * cout * oh * ow;
  if (len === 0) return new Float32Array(0);
  return wasmCall((c) => {
    const y = c.result("float32", len);
    run(c, FORWARD, { n, cin, h, w: wd, cout, kh, kw, oh, ow }, p, [X, W, null], y.ptr, 1, n);
    return y.finish();
  });
};

/** convInputGrad: dx[n] = col2im(Wᵀ · g[n]) per sample (and group), samples spread over the threads. */
export const convInputGrad: CompositeKernel<Arr, "convInputGrad"> = ([g, w], p, out: OutSpec) => {
  const viaWinograd = winogradConvInputGrad([g!, w!], p, out);
  if (viaWinograd !== null) return viaWinograd;
  const G = f32(g), W = f32(w);
  if (G === null || W === null || out.dtype !== "float32") return null;
  const [n, cout, oh, ow] = g!.shape as [number, number, number, number];
  const [, , kh, kw] = w!.shape as [number, number, number, number];
  const [, cin, h, wd] = out.shape as [number, number, number, number];
  const len = n * cin * h * wd;
  if (len === 0) return new Float32Array(0);
  return wasmCall((c) => {
    const dx = c.result("float32", len);
    run(c, INPUT_GRAD, { n, cin, h, w: wd, cout, kh, kw, oh, ow }, p, [null, W, G], dx.ptr, 1, n);
    return dx.finish();
  });
};

/** convWeightGrad: Σₙ g[n] · im2col(x[n])ᵀ in fixed chunks of samples (one per block), the chunks' partials summed in order. */
export const convWeightGrad: CompositeKernel<Arr, "convWeightGrad"> = ([x, g], p, out: OutSpec) => {
  const viaWinograd = winogradConvWeightGrad([x!, g!], p, out);
  if (viaWinograd !== null) return viaWinograd;
  const X = f32(x), G = f32(g);
  if (X === null || G === null || out.dtype !== "float32") return null;
  const [n, cin, h, wd] = x!.shape as [number, number, number, number];
  const [, cout, oh, ow] = g!.shape as [number, number, number, number];
  const [kh, kw] = p.kernel;
  const size = cout * (cin / p.groups) * kh * kw;
  if (n === 0 || size === 0 || oh * ow === 0) return allocFor("float32", size) as Float32Array; // no windows: no terms
  // (the direct path's lane-wise sums take 4 floats a weight)
  const chunks = Math.max(1, Math.min(n, WEIGHT_GRAD_CHUNKS, Math.floor(PARTIAL_MAX_FLOATS / (4 * size))));
  const per = Math.ceil(n / chunks), blocks = Math.ceil(n / per);
  return wasmCall((c) => {
    // The chunks' partials go to a temporary; their in-order sum goes into the first.
    const partials = c.temp(blocks * size * 4);
    const { mode } = run(c, WEIGHT_GRAD, { n, cin, h, w: wd, cout, kh, kw, oh, ow }, p, [X, null, G], partials, per, blocks);
    if (blocks > 1) c.arena.exports.sum_partials(partials, partials, blocks, size);
    const mem = c.f32(), at0 = partials / 4;
    if (mode !== MODE.packed) return copyToStorage(mem.subarray(at0, at0 + size));
    // The packed path computes dWᵀ (K×cog per group): transpose each group's block into W's layout.
    const cog = cout / p.groups, K = size / cout, dw = allocUninit("float32", size) as Float32Array;
    for (let gi = 0; gi < p.groups; gi++) {
      const at = at0 + gi * K * cog, to = gi * cog * K;
      for (let k = 0; k < K; k++) for (let o = 0; o < cog; o++) dw[to + o * K + k] = mem[at + k * cog + o]!;
    }
    return dw;
  });
};
