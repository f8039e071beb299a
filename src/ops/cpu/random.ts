// Counter-based random numbers: Threefry-2x32 with 20 rounds (Salmon et al. 2011, as in JAX), on the CPU.
import type { Kernel } from "../backend.js";
import type { AnyTypedArray } from "../dtype.js";
import { numel } from "../_shape.js";

const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;
const R0 = [13, 15, 26, 6];
const R1 = [17, 29, 16, 24];

/** Threefry-2x32 of the counter pair (x0, x1) under key (k0, k1); writes the two output words into `out`. */
export const threefry2x32 = (k0: number, k1: number, x0: number, x1: number, out: Uint32Array, at: number): void => {
  const ks = [k0 >>> 0, k1 >>> 0, (0x1bd11bda ^ k0 ^ k1) >>> 0];
  let a = (x0 + ks[0]!) >>> 0;
  let b = (x1 + ks[1]!) >>> 0;
  for (let block = 0; block < 5; block++) {
    const rot = block % 2 === 0 ? R0 : R1;
    for (let i = 0; i < 4; i++) {
      a = (a + b) >>> 0;
      b = rotl(b, rot[i]!) ^ a;
    }
    a = (a + ks[(block + 1) % 3]!) >>> 0;
    b = (b + ks[(block + 2) % 3]! + block + 1) >>> 0;
  }
  out[at] = a;
  out[at + 1] = b;
};

/**
 * `n` random 32-bit words from a key: counters 0..n-1 split in two halves, as JAX lays them out
 * (an odd count is padded with a 0 counter, so the last pair is (half - 1, 0)).
 */
export const randomBits = (key: readonly [number, number], n: number): Uint32Array => {
  const half = Math.ceil(n / 2);
  const out = new Uint32Array(2 * half);
  const pair = new Uint32Array(2);
  for (let i = 0; i < half; i++) {
    threefry2x32(key[0], key[1], i, half + i < n ? half + i : 0, pair, 0);
    out[i] = pair[0]!;
    out[half + i] = pair[1]!;
  }
  return out.subarray(0, n);
};

// The top 23 bits become a float in [1, 2) by setting the exponent, minus 1: exactly uniform on a 2^-23 grid.
export const uniform: Kernel<AnyTypedArray, "uniform"> = (_inputs, { key, shape }) => {
  const n = numel(shape);
  const bits = randomBits(key, n);
  const o = new Float32Array(n);
  const u = new Uint32Array(1);
  const f = new Float32Array(u.buffer);
  for (let i = 0; i < n; i++) {
    u[0] = (bits[i]! >>> 9) | 0x3f800000;
    o[i] = f[0]! - 1;
  }
  return o;
};
