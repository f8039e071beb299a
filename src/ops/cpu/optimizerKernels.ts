// The CPU backend's fused optimizer updates: one SIMD pass per parameter (optim.c) for Adam/AdamW, SGD, RMSprop and Adagrad, over float32 arrays.
import type { AnyTypedArray } from "../dtype.js";
import type { Buf } from "../backend.js";
import { numel } from "../_shape.js";
import type { AdagradConstants, AdamConstants, FusedUpdates, RmspropConstants, SgdConstants } from "../fusedUpdates.js";
import { wasmCall } from "./_wasmCall.js";
import { assertLive } from "./_storagePool.js";

// optim.c's flags.
const ADAM_L2 = 1, ADAM_NEG = 2, ADAM_AMSGRAD = 4, ADAM_BC2 = 8, ADAM_DECAY = 16;
const SGD_NEG = 1, SGD_L2 = 2, SGD_MOMENTUM = 4, SGD_FIRST = 8, SGD_DAMPEN = 16, SGD_NESTEROV = 32;
const RMS_NEG = 1, RMS_L2 = 2, RMS_CENTERED = 4, RMS_MOMENTUM = 8;
const ADAGRAD_NEG = 1, ADAGRAD_L2 = 2;

/** The arrays one Adam step writes: the update, and the next m, v and (with AMSGrad) running maximum of v. */
interface AdamArrays {
  readonly update: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly vmax: Float32Array | null;
}

/**
 * One Adam/AdamW step over n = g.length elements in one pass, bit-identical to adam.ts's op-by-op formula; null when
 * the WebAssembly arena is unavailable or full (the caller then runs the ops).
 */
const adamStepArrays = (
  g: Float32Array, p: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null, k: AdamConstants,
): AdamArrays | null => {
  const n = g.length;
  return wasmCall((c) => {
    // Results first: they outlive the call's temporaries.
    const u = c.result("float32", n), mo = c.result("float32", n), vo = c.result("float32", n);
    const xo = k.amsgrad ? c.result("float32", n) : null;
    const pg = c.operand(g), pp = c.operand(p), pm = c.operand(m), pv = c.operand(v);
    const px = k.amsgrad && vmax !== null ? c.operand(vmax) : 0;
    const s = c.temp(9 * 4);
    c.f32().set([k.weightDecay, k.beta1, k.gradCoef, k.beta2, 1 - k.beta2, k.bc2Sqrt, k.eps, k.negStepSize, k.decay ?? 0], s / 4);
    const flags = (k.l2 ? ADAM_L2 : 0) | (k.negate ? ADAM_NEG : 0) | (k.amsgrad ? ADAM_AMSGRAD : 0) | (k.bc2Sqrt !== 1 ? ADAM_BC2 : 0) | (k.decay !== null ? ADAM_DECAY : 0);
    c.arena.exports.adam_step(flags, s, pg, pp, pm, pv, px, u.ptr, mo.ptr, vo.ptr, xo?.ptr ?? 0, n);
    return { update: u.finish() as Float32Array, m: mo.finish() as Float32Array, v: vo.finish() as Float32Array, vmax: (xo?.finish() as Float32Array | undefined) ?? null };
  });
};

/**
 * One SGD step over n = g.length elements in one pass, bit-identical to sgd.ts's op-by-op formula: the update and
 * (with momentum) the next buffer; null when the WebAssembly arena is unavailable or full.
 */
const sgdStepArrays = (g: Float32Array, p: Float32Array, buf: Float32Array | null, k: SgdConstants): { readonly update: Float32Array; readonly buf: Float32Array | null } | null => {
  const n = g.length, mom = k.momentum !== 0, old = mom && !k.first;
  if (old && buf === null) throw new Error("sgdStepArrays: momentum after the first step needs the previous buffer");
  return wasmCall((c) => {
    const u = c.result("float32", n), bo = mom ? c.result("float32", n) : null;
    const pg = c.operand(g), pp = k.weightDecay !== 0 ? c.operand(p) : 0, pb = old ? c.operand(buf!) : 0;
    const flags = (k.negate ? SGD_NEG : 0) | (k.weightDecay !== 0 ? SGD_L2 : 0) | (mom ? SGD_MOMENTUM : 0) | (k.first ? SGD_FIRST : 0) |
      (k.dampening !== 0 ? SGD_DAMPEN : 0) | (k.nesterov ? SGD_NESTEROV : 0);
    c.arena.exports.sgd_step(flags, k.weightDecay, k.momentum, 1 - k.dampening, k.scale, pg, pp, pb, u.ptr, bo?.ptr ?? 0, n);
    return { update: u.finish() as Float32Array, buf: (bo?.finish() as Float32Array | undefined) ?? null };
  });
};

/** The arrays one RMSprop step writes: the update, the running mean of g², that of g (centered) and the momentum buffer. */
interface RmspropArrays {
  readonly update: Float32Array;
  readonly squareAvg: Float32Array;
  readonly gradAvg: Float32Array | null;
  readonly buf: Float32Array | null;
}

/**
 * One RMSprop step over n = g.length elements in one pass, bit-identical to rmsprop.ts's op-by-op formula; null when
 * the WebAssembly arena is unavailable or full.
 */
const rmspropStepArrays = (
  g: Float32Array, p: Float32Array, sq: Float32Array, ga: Float32Array | null, buf: Float32Array | null, k: RmspropConstants,
): RmspropArrays | null => {
  const n = g.length, mom = k.momentum > 0;
  if ((k.centered && ga === null) || (mom && buf === null)) throw new Error("rmspropStepArrays: centered needs gradAvg and momentum its buffer");
  return wasmCall((c) => {
    const u = c.result("float32", n), sqo = c.result("float32", n);
    const gao = k.centered ? c.result("float32", n) : null, bo = mom ? c.result("float32", n) : null;
    const pg = c.operand(g), pp = k.weightDecay !== 0 ? c.operand(p) : 0, psq = c.operand(sq);
    const pga = k.centered ? c.operand(ga!) : 0, pb = mom ? c.operand(buf!) : 0;
    const s = c.temp(6 * 4);
    c.f32().set([k.weightDecay, k.alpha, 1 - k.alpha, k.eps, k.momentum, -k.lr], s / 4);
    const flags = (k.negate ? RMS_NEG : 0) | (k.weightDecay !== 0 ? RMS_L2 : 0) | (k.centered ? RMS_CENTERED : 0) | (mom ? RMS_MOMENTUM : 0);
    c.arena.exports.rmsprop_step(flags, s, pg, pp, psq, pga, pb, u.ptr, sqo.ptr, gao?.ptr ?? 0, bo?.ptr ?? 0, n);
    return {
      update: u.finish() as Float32Array, squareAvg: sqo.finish() as Float32Array,
      gradAvg: (gao?.finish() as Float32Array | undefined) ?? null, buf: (bo?.finish() as Float32Array | undefined) ?? null,
    };
  });
};

/**
 * One Adagrad step over n = g.length elements in one pass, bit-identical to adagrad.ts's op-by-op formula: the
 * update (g·(−clr)) / (√sum + eps) and the next sum of squares; null when the WebAssembly arena is unavailable or full.
 */
const adagradStepArrays = (
  g: Float32Array, p: Float32Array, sum: Float32Array, k: AdagradConstants,
): { readonly update: Float32Array; readonly sum: Float32Array } | null => {
  const n = g.length;
  return wasmCall((c) => {
    const u = c.result("float32", n), so = c.result("float32", n);
    const pg = c.operand(g), pp = k.weightDecay !== 0 ? c.operand(p) : 0, ps = c.operand(sum);
    const flags = (k.negate ? ADAGRAD_NEG : 0) | (k.weightDecay !== 0 ? ADAGRAD_L2 : 0);
    c.arena.exports.adagrad_step(flags, k.weightDecay, -k.clr, k.eps, pg, pp, ps, u.ptr, so.ptr, n);
    return { update: u.finish() as Float32Array, sum: so.finish() as Float32Array };
  });
};

/**
 * The float32 array of `b` when it holds exactly n elements (always, for live tensors this backend made); null
 * otherwise. A storage released by a closed step scope is an error naming `op`, as in every CPU kernel.
 */
const f32 = (op: string, b: Buf<AnyTypedArray>, n: number): Float32Array | null => {
  assertLive(op, b.data, n);
  return b.data instanceof Float32Array && b.data.length === n ? b.data : null;
};

/**
 * The CPU backend's fused-update table: each call runs its kernel when every array is a float32 array of g's size and
 * declines (null) otherwise, or when the WebAssembly arena is unavailable or full.
 */
export const cpuFusedUpdates: FusedUpdates<AnyTypedArray> = {
  adam: (g, p, s, k) => {
    const n = numel(g.shape), gs = f32("adam", g, n), ps = f32("adam", p, n), m = f32("adam", s.m, n), v = f32("adam", s.v, n), vmax = s.vmax && f32("adam", s.vmax, n);
    if (k.amsgrad && s.vmax === null) throw new Error("adam: amsgrad needs the running maximum of v (state.maxExpAvgSq)");
    if (gs === null || ps === null || m === null || v === null || (s.vmax !== null && vmax === null)) return null;
    const r = adamStepArrays(gs, ps, m, v, vmax, k);
    return r && { update: r.update, state: { m: r.m, v: r.v, vmax: r.vmax } };
  },
  sgd: (g, p, s, k) => {
    const n = numel(g.shape), gs = f32("sgd", g, n), ps = f32("sgd", p, n), buf = s.buf && f32("sgd", s.buf, n);
    if (gs === null || ps === null || (s.buf !== null && buf === null)) return null;
    const r = sgdStepArrays(gs, ps, buf, k);
    return r && { update: r.update, state: { buf: r.buf } };
  },
  rmsprop: (g, p, s, k) => {
    const n = numel(g.shape), gs = f32("rmsprop", g, n), ps = f32("rmsprop", p, n), sq = f32("rmsprop", s.squareAvg, n);
    const ga = s.gradAvg && f32("rmsprop", s.gradAvg, n), buf = s.buf && f32("rmsprop", s.buf, n);
    if (gs === null || ps === null || sq === null || (s.gradAvg !== null && ga === null) || (s.buf !== null && buf === null)) return null;
    const r = rmspropStepArrays(gs, ps, sq, ga, buf, k);
    return r && { update: r.update, state: { squareAvg: r.squareAvg, gradAvg: r.gradAvg, buf: r.buf } };
  },
  adagrad: (g, p, s, k) => {
    const n = numel(g.shape), gs = f32("adagrad", g, n), ps = f32("adagrad", p, n), sum = f32("adagrad", s.sum, n);
    if (gs === null || ps === null || sum === null) return null;
    const r = adagradStepArrays(gs, ps, sum, k);
    return r && { update: r.update, state: { sum: r.sum } };
  },
};
