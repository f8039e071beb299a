// Host-side draws from an RNG key for transform parameters (a flip, a crop box): a few doubles, no tensors.
import { foldIn, type Key } from "../../ops/random.js";

/** Throws unless `key` is an RNG key; random transforms cannot run without one. */
export const requireKey = (op: string, key: Key | undefined): Key => {
  if (!key || !Array.isArray(key.words))
    throw new Error(`${op}: a random transform needs an RNG key as its second argument, t(x, key), got ${key === undefined ? "none" : JSON.stringify(key)}`);
  return key;
};

/** `n` independent uniform doubles in [0, 1) from `key` (53 bits of Threefry output each). */
export const uniforms = (key: Key, n: number): number[] =>
  Array.from({ length: n }, (_, i) => {
    const [hi, lo] = foldIn(key, i).words;
    return (hi * 2 ** 21 + (lo >>> 11)) / 2 ** 53;
  });

/** A uniform integer in [low, high) from a uniform double `u` in [0, 1), as torch.randint(low, high). */
export const intIn = (u: number, low: number, high: number): number => low + Math.min(Math.floor(u * (high - low)), high - low - 1);

/** A random permutation of 0..n-1 (Fisher–Yates) from `n - 1` uniforms. */
export const permutation = (us: readonly number[], n: number): number[] => {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = intIn(us[n - 1 - i]!, 0, i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
};
