// Explicit, splittable RNG keys (JAX's design on Threefry-2x32) and the samplers built on them: the same key gives the same numbers everywhere.
import type { Tensor } from "./Tensor.js";
import type { Backend } from "./backend.js";
import { applyPrim } from "./apply.js";
import type { KeyData } from "./primitive.js";
import { checkShape, shapeStr, type Shape } from "./_shape.js";
import { randomBits, threefry2x32 } from "./cpu/random.js";
import * as E from "./elementwise.js";
import { defaultDevice } from "./device.js";

/** An RNG key: an immutable pair of 32-bit words. Never reuse a key for two draws; split it. */
export interface Key {
  readonly words: KeyData;
}

const makeKey = (a: number, b: number): Key => Object.freeze({ words: Object.freeze([a >>> 0, b >>> 0]) as KeyData });

/**
 * A key from an integer seed (JAX's PRNGKey).
 * @example
 * const [k1, k2] = split(key(0));
 */
export const key = (seed: number): Key => {
  if (!Number.isSafeInteger(seed)) throw new Error(`key: seed must be a safe integer, got ${seed}`);
  return makeKey(Math.floor(seed / 2 ** 32), seed % 2 ** 32);
};

/** `n` new independent keys derived from `k`. */
export const split = (k: Key, n = 2): Key[] => {
  if (!Number.isInteger(n) || n < 1) throw new Error(`split: n must be a positive integer, got ${n}`);
  const bits = randomBits(k.words, 2 * n);
  return Array.from({ length: n }, (_, i) => makeKey(bits[2 * i]!, bits[2 * i + 1]!));
};

/** A new key from `k` and an integer (e.g. a step or epoch number), without consuming `k`. */
export const foldIn = (k: Key, data: number): Key => {
  const out = new Uint32Array(2);
  threefry2x32(k.words[0], k.words[1], 0, data >>> 0, out, 0);
  return makeKey(out[0]!, out[1]!);
};

export interface RandomOptions {
  readonly device?: Backend;
}

const draw = (op: string, k: Key, shape: Shape, device?: Backend): Tensor => {
  if (!k || !Array.isArray(k.words)) throw new Error(`${op}: expected an RNG key from key(seed) or split(...), got ${JSON.stringify(k)}`);
  if (!Array.isArray(shape)) throw new Error(`${op}: shape must be an array of dimensions, got ${JSON.stringify(shape)}`);
  checkShape(op, shape);
  return applyPrim("uniform", [], { key: k.words, shape }, device ?? defaultDevice());
};

/** Uniform samples in [0, 1). */
export const rand = (k: Key, shape: Shape, { device }: RandomOptions = {}): Tensor => draw("rand", k, shape, device);

/** Uniform samples in [low, high). */
export const uniform = (k: Key, shape: Shape, { low = 0, high = 1, device }: RandomOptions & { low?: number; high?: number } = {}): Tensor => {
  if (!(low <= high) || !Number.isFinite(high - low)) throw new Error(`uniform: need finite low <= high, got low=${low}, high=${high}`);
  return E.add(E.mul(draw("uniform", k, shape, device), high - low), low);
};

/** Standard normal samples (Box–Muller on two uniform streams). */
export const randn = (k: Key, shape: Shape, { device }: RandomOptions = {}): Tensor => {
  const [k1, k2] = split(k);
  // 1 - u lies in (0, 1], so the log is finite.
  const r = E.sqrt(E.mul(E.log(E.sub(1, draw("randn", k1!, shape, device))), -2));
  return E.mul(r, E.cos(E.mul(draw("randn", k2!, shape, device), 2 * Math.PI)));
};

/** Normal samples with the given mean and standard deviation. */
export const normal = (k: Key, shape: Shape, { mean = 0, std = 1, device }: RandomOptions & { mean?: number; std?: number } = {}): Tensor => {
  if (!(std >= 0) || !Number.isFinite(mean)) throw new Error(`normal: need a finite mean and std >= 0, got mean=${mean}, std=${std}`);
  return E.add(E.mul(randn(k, shape, { device }), std), mean);
};

/** Integers uniform in [low, high), int32. */
export const randint = (k: Key, low: number, high: number, shape: Shape, { device }: RandomOptions = {}): Tensor => {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low)
    throw new Error(`randint: need integers low < high, got low=${low}, high=${high}`);
  // u · n can round up to n in float32 when n is large; the minimum keeps the result below `high`.
  const offset = E.minimum(E.floor(E.mul(draw("randint", k, shape, device), high - low)), high - low - 1);
  return E.cast(E.add(offset, low), "int32");
};

/** A random permutation of 0..n-1, int32. */
export const randperm = (k: Key, n: number, { device }: RandomOptions = {}): Tensor => {
  if (!Number.isInteger(n) || n < 0) throw new Error(`randperm: n must be a non-negative integer, got ${n}`);
  return applyPrim("argsort", [draw("randperm", k, [n], device)], { axis: 0, descending: false });
};

/** Bool samples that are true with probability `p` (a number or a tensor of probabilities). */
export const bernoulli = (k: Key, p: number | Tensor, shape?: Shape, { device }: RandomOptions = {}): Tensor => {
  const s = shape ?? (typeof p === "number" ? [] : p.shape);
  if (typeof p === "number" && !(p >= 0 && p <= 1)) throw new Error(`bernoulli: probability must be in [0, 1], got ${p}`);
  if (typeof p !== "number" && shape && shapeStr(shape) !== shapeStr(p.shape))
    throw new Error(`bernoulli: shape ${shapeStr(shape)} differs from the probabilities' shape ${shapeStr(p.shape)}`);
  return E.lt(draw("bernoulli", k, s, device ?? (typeof p === "number" ? undefined : p.device)), p);
};
