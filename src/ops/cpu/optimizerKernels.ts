// Fused optimizer updates on the CPU: one SIMD pass per parameter (optim.c) for Adam/AdamW, SGD, RMSprop and Adagrad, over float32 arrays.
import { wasmCall } from "./_wasmCall.js";
import { assertLive } from "./_storagePool.js";

// optim.c's flags.
const ADAM_L2 = 1, ADAM_NEG = 2, ADAM_AMSGRAD = 4, ADAM_BC2 = 8, ADAM_DECAY = 16;
const SGD_NEG = 1, SGD_L2 = 2, SGD_MOMENTUM = 4, SGD_FIRST = 8, SGD_DAMPEN = 16, SGD_NESTEROV = 32;
const RMS_NEG = 1, RMS_L2 = 2, RMS_CENTERED = 4, RMS_MOMENTUM = 8;
const ADAGRAD_NEG = 1, ADAGRAD_L2 = 2;

/**
 * One Adam step's constants, as adam.ts computes them in float64 (the kernel rounds each to float32, as lifting a
 * number to a float32 tensor does).
 */
export interface AdamConstants {
  /** The L2 term g + p·wd (Adam's weight decay); with `negate`, −g comes first. */
  readonly l2: boolean;
  readonly negate: boolean;
  readonly amsgrad: boolean;
  readonly weightDecay: number;
  readonly beta1: number;
  /** The gradient's coefficient in m: ±(1 − β1) (−, maximize without the L2 term). */
  readonly gradCoef: number;
  readonly beta2: number;
  /** √(1 − β2^t); exactly 1 skips the division. */
  readonly bc2Sqrt: number;
  readonly eps: number;
  /** −lr / (1 − β1^t). */
  readonly negStepSize: number;
  /** AdamW's p·(1 − lr·wd) − p, added to the update; null for none. */
  readonly decay: number | null;
}

/** The arrays one Adam step writes: the update, and the next m, v and (with AMSGrad) running maximum of v. */
export interface AdamArrays {
  readonly update: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly vmax: Float32Array | null;
}

/**
 * One Adam/AdamW step over n = g.length elements in one pass, bit-identical to adam.ts's op-by-op formula; null when
 * the WebAssembly arena is unavailable or full (the caller then runs the ops).
 */
export const adamStepArrays = (
  g: Float32Array, p: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null, k: AdamConstants,
): AdamArrays | null => {
  const n = g.length;
  for (const a of [g, p, m, v, vmax]) if (a !== null) assertLive("adam", a, n);
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

/** One SGD step's constants, as sgd.ts computes them (rounded to float32 by the kernel). */
export interface SgdConstants {
  /** −g first (maximize, except plain ascent, which folds the sign into `scale`). */
  readonly negate: boolean;
  /** The L2 term d + p·wd; 0 for none. */
  readonly weightDecay: number;
  /** 0 for none. */
  readonly momentum: number;
  /** The first step: the momentum buffer starts at d itself. */
  readonly first: boolean;
  readonly dampening: number;
  readonly nesterov: boolean;
  /** The update is d·scale: −lr (lr for plain ascent). */
  readonly scale: number;
}

/**
 * One SGD step over n = g.length elements in one pass, bit-identical to sgd.ts's op-by-op formula: the update and
 * (with momentum) the next buffer; null when the WebAssembly arena is unavailable or full.
 */
export const sgdStepArrays = (g: Float32Array, p: Float32Array, buf: Float32Array | null, k: SgdConstants): { readonly update: Float32Array; readonly buf: Float32Array | null } | null => {
  const n = g.length, mom = k.momentum !== 0, old = mom && !k.first;
  if (old && buf === null) throw new Error("sgdStepArrays: momentum after the first step needs the previous buffer");
  for (const a of [g, p, buf]) if (a !== null) assertLive("sgd", a, n);
  return wasmCall((c) => {
    const u = c.result("float32", n), bo = mom ? c.result("float32", n) : null;
    const pg = c.operand(g), pp = k.weightDecay !== 0 ? c.operand(p) : 0, pb = old ? c.operand(buf!) : 0;
    const flags = (k.negate ? SGD_NEG : 0) | (k.weightDecay !== 0 ? SGD_L2 : 0) | (mom ? SGD_MOMENTUM : 0) | (k.first ? SGD_FIRST : 0) |
      (k.dampening !== 0 ? SGD_DAMPEN : 0) | (k.nesterov ? SGD_NESTEROV : 0);
    c.arena.exports.sgd_step(flags, k.weightDecay, k.momentum, 1 - k.dampening, k.scale, pg, pp, pb, u.ptr, bo?.ptr ?? 0, n);
    return { update: u.finish() as Float32Array, buf: (bo?.finish() as Float32Array | undefined) ?? null };
  });
};

/** One RMSprop step's constants, as rmsprop.ts computes them (rounded to float32 by the kernel). */
export interface RmspropConstants {
  readonly negate: boolean;
  /** The L2 term g + p·wd; 0 for none. */
  readonly weightDecay: number;
  readonly alpha: number;
  readonly eps: number;
  /** 0 for none. */
  readonly momentum: number;
  readonly centered: boolean;
  readonly lr: number;
}

/** The arrays one RMSprop step writes: the update, the running mean of g², that of g (centered) and the momentum buffer. */
export interface RmspropArrays {
  readonly update: Float32Array;
  readonly squareAvg: Float32Array;
  readonly gradAvg: Float32Array | null;
  readonly buf: Float32Array | null;
}

/**
 * One RMSprop step over n = g.length elements in one pass, bit-identical to rmsprop.ts's op-by-op formula; null when
 * the WebAssembly arena is unavailable or full.
 */
export const rmspropStepArrays = (
  g: Float32Array, p: Float32Array, sq: Float32Array, ga: Float32Array | null, buf: Float32Array | null, k: RmspropConstants,
): RmspropArrays | null => {
  const n = g.length, mom = k.momentum > 0;
  if ((k.centered && ga === null) || (mom && buf === null)) throw new Error("rmspropStepArrays: centered needs gradAvg and momentum its buffer");
  for (const a of [g, p, sq, ga, buf]) if (a !== null) assertLive("rmsprop", a, n);
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
export const adagradStepArrays = (
  g: Float32Array, p: Float32Array, sum: Float32Array, k: { readonly negate: boolean; readonly weightDecay: number; readonly clr: number; readonly eps: number },
): { readonly update: Float32Array; readonly sum: Float32Array } | null => {
  const n = g.length;
  for (const a of [g, p, sum]) assertLive("adagrad", a, n);
  return wasmCall((c) => {
    const u = c.result("float32", n), so = c.result("float32", n);
    const pg = c.operand(g), pp = k.weightDecay !== 0 ? c.operand(p) : 0, ps = c.operand(sum);
    const flags = (k.negate ? ADAGRAD_NEG : 0) | (k.weightDecay !== 0 ? ADAGRAD_L2 : 0);
    c.arena.exports.adagrad_step(flags, k.weightDecay, -k.clr, k.eps, pg, pp, ps, u.ptr, so.ptr, n);
    return { update: u.finish() as Float32Array, sum: so.finish() as Float32Array };
  });
};
