// Fused optimizer updates: the table a backend may offer (one pass per parameter) and the tensor-level calls optimizers make.
import { Tensor } from "./Tensor.js";
import type { Buf } from "./backend.js";
import { isRecording } from "./_tape.js";

/**
 * One Adam step's constants, as adam.ts computes them in float64 (a kernel rounds each to float32, as lifting a
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

/** One SGD step's constants, as sgd.ts computes them. */
export interface SgdConstants {
  /** −g first (maximize, except plain ascent, which folds the sign into `scale`). */
  readonly negate: boolean;
  /** The L2 term d + p·wd; 0 for none. */
  readonly weightDecay: number;
  /** 0 for none. */
  readonly momentum: number;
  /** The first step: the momentum buffer starts at d itself (no previous buffer is read). */
  readonly first: boolean;
  readonly dampening: number;
  readonly nesterov: boolean;
  /** The update is d·scale: −lr (lr for plain ascent). */
  readonly scale: number;
}

/** One RMSprop step's constants, as rmsprop.ts computes them. */
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

/** One Adagrad step's constants: the update is (g·(−clr)) / (√sum + eps). */
export interface AdagradConstants {
  readonly negate: boolean;
  /** The L2 term g + p·wd; 0 for none. */
  readonly weightDecay: number;
  /** The decayed learning rate lr / (1 + t·lrDecay). */
  readonly clr: number;
  readonly eps: number;
}

/** Adam's per-parameter state: the moments and (with AMSGrad) the running maximum of v. */
export interface AdamMoments<T> {
  readonly m: T;
  readonly v: T;
  readonly vmax: T | null;
}

/** SGD's per-parameter state: the momentum buffer (null without momentum, and as input on the first step). */
export interface SgdMomentum<T> {
  readonly buf: T | null;
}

/** RMSprop's per-parameter state: the running mean of g², that of g (centered) and the momentum buffer. */
export interface RmspropAverages<T> {
  readonly squareAvg: T;
  readonly gradAvg: T | null;
  readonly buf: T | null;
}

/** Adagrad's per-parameter state: the running sum of squared gradients. */
export interface AdagradSum<T> {
  readonly sum: T;
}

/** What one fused step writes: the update (added to the parameter by applyUpdates) and the next state. */
export interface UpdateStep<T, St> {
  readonly update: T;
  readonly state: St;
}

/**
 * The fused optimizer updates of a backend: each reads the gradient g, the parameter p and the state once and returns
 * the update and the next state, bit for bit the optimizer's op-by-op values, or null to decline (the optimizer then
 * runs its ops). Every storage has g's shape and dtype.
 */
export interface FusedUpdates<S> {
  readonly adam: (g: Buf<S>, p: Buf<S>, state: AdamMoments<Buf<S>>, k: AdamConstants) => UpdateStep<S, AdamMoments<S>> | null;
  readonly sgd: (g: Buf<S>, p: Buf<S>, state: SgdMomentum<Buf<S>>, k: SgdConstants) => UpdateStep<S, SgdMomentum<S>> | null;
  readonly rmsprop: (g: Buf<S>, p: Buf<S>, state: RmspropAverages<Buf<S>>, k: RmspropConstants) => UpdateStep<S, RmspropAverages<S>> | null;
  readonly adagrad: (g: Buf<S>, p: Buf<S>, state: AdagradSum<Buf<S>>, k: AdagradConstants) => UpdateStep<S, AdagradSum<S>> | null;
}

let enabled = globalThis.process?.env?.["RIVULET_CPU_FUSED_OPTIM"] !== "0";

/**
 * Runs `f` with the fused updates on or off (tests and benchmarks compare both paths; RIVULET_CPU_FUSED_OPTIM=0 turns
 * them off for a whole process).
 */
export const withFusedUpdates = <T>(on: boolean, f: () => T): T => {
  const prev = enabled;
  enabled = on;
  try {
    return f();
  } finally {
    enabled = prev;
  }
};

/**
 * The fused-update table of g's device when it may replace the ops for these tensors: all float32, of g's shape, on
 * g's device, and no gradient being recorded through them (a fused update records no tape node); null otherwise.
 */
const updatesFor = (op: string, g: Tensor, ts: readonly (Tensor | null)[]): FusedUpdates<unknown> | null => {
  // A mis-shaped state is the caller's error whichever path runs, so it is reported before anything declines.
  for (const t of ts)
    if (t !== null && (t.shape.length !== g.shape.length || t.shape.some((d, i) => d !== g.shape[i])))
      throw new Error(`${op}: a state or parameter tensor has shape [${t.shape.join(", ")}] but the gradient has shape [${g.shape.join(", ")}]`);
  const updates = g.device.updates;
  if (!enabled || updates === undefined || g.dtype !== "float32") return null;
  if (ts.some((t) => t !== null && (t.device !== g.device || t.dtype !== "float32"))) return null;
  if (isRecording() && [g, ...ts].some((t) => t?.requiresGrad === true)) return null;
  return updates;
};

const buf = (t: Tensor): Buf<unknown> => ({ data: t.storage, shape: t.shape, dtype: t.dtype });
const bufOrNull = (t: Tensor | null): Buf<unknown> | null => (t === null ? null : buf(t));
/** A tensor of g's shape, dtype and device over a fused update's storage. */
const like = (g: Tensor, s: unknown): Tensor => new Tensor(s, g.shape, g.dtype, g.device);
const likeOrNull = (g: Tensor, s: unknown): Tensor | null => (s === null ? null : like(g, s));

/** One fused Adam/AdamW step for one parameter on its device, or null where the optimizer must run its ops. */
export const fusedAdamStep = (g: Tensor, p: Tensor, s: AdamMoments<Tensor>, k: AdamConstants): UpdateStep<Tensor, AdamMoments<Tensor>> | null => {
  const u = updatesFor("adam", g, [p, s.m, s.v, s.vmax]);
  const r = u?.adam(buf(g), buf(p), { m: buf(s.m), v: buf(s.v), vmax: bufOrNull(s.vmax) }, k) ?? null;
  return r && { update: like(g, r.update), state: { m: like(g, r.state.m), v: like(g, r.state.v), vmax: likeOrNull(g, r.state.vmax) } };
};

/** One fused SGD step for one parameter on its device, or null where the optimizer must run its ops. */
export const fusedSgdStep = (g: Tensor, p: Tensor, s: SgdMomentum<Tensor>, k: SgdConstants): UpdateStep<Tensor, SgdMomentum<Tensor>> | null => {
  const u = updatesFor("sgd", g, [p, s.buf]);
  const r = u?.sgd(buf(g), buf(p), { buf: bufOrNull(s.buf) }, k) ?? null;
  return r && { update: like(g, r.update), state: { buf: likeOrNull(g, r.state.buf) } };
};

/** One fused RMSprop step for one parameter on its device, or null where the optimizer must run its ops. */
export const fusedRmspropStep = (g: Tensor, p: Tensor, s: RmspropAverages<Tensor>, k: RmspropConstants): UpdateStep<Tensor, RmspropAverages<Tensor>> | null => {
  const u = updatesFor("rmsprop", g, [p, s.squareAvg, s.gradAvg, s.buf]);
  const r = u?.rmsprop(buf(g), buf(p), { squareAvg: buf(s.squareAvg), gradAvg: bufOrNull(s.gradAvg), buf: bufOrNull(s.buf) }, k) ?? null;
  return r && { update: like(g, r.update), state: { squareAvg: like(g, r.state.squareAvg), gradAvg: likeOrNull(g, r.state.gradAvg), buf: likeOrNull(g, r.state.buf) } };
};

/** One fused Adagrad step for one parameter on its device, or null where the optimizer must run its ops. */
export const fusedAdagradStep = (g: Tensor, p: Tensor, s: AdagradSum<Tensor>, k: AdagradConstants): UpdateStep<Tensor, AdagradSum<Tensor>> | null => {
  const u = updatesFor("adagrad", g, [p, s.sum]);
  const r = u?.adagrad(buf(g), buf(p), { sum: buf(s.sum) }, k) ?? null;
  return r && { update: like(g, r.update), state: { sum: like(g, r.state.sum) } };
};
