// Test helpers for the parsers' fuzz tests: a seeded generator and byte- and line-level mutations of a valid input.

/** A seeded generator of floats in [0, 1) (mulberry32): the same seed gives the same inputs on every run. */
export const seeded = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** Uniform floats in [-1, 1) from the same generator as `seeded`. */
export const seededSigned = (seed: number): (() => number) => {
  const u = seeded(seed);
  return () => 2 * u() - 1;
};

/** An integer in [0, n). */
export const below = (next: () => number, n: number): number => Math.floor(next() * n);

/** Bytes that parsers treat specially: zero, the extremes, JSON punctuation, digits, separators, newline. */
const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x22, 0x2c, 0x2e, 0x30, 0x31, 0x39, 0x5b, 0x5d, 0x7b, 0x7d, 0x2d, 0x65, 0x0a, 0x0d, 0x20];

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** `bytes` with one to three random edits: a bit flip, a special byte, a deletion, an insertion, a duplicated range or a truncation. */
export const mutateBytes = (bytes: Uint8Array, next: () => number): Uint8Array => {
  let out: Uint8Array = bytes.slice();
  const edits = 1 + below(next, 3);
  for (let e = 0; e < edits; e++) {
    const at = below(next, out.length + 1);
    const len = 1 + below(next, 8);
    switch (below(next, 6)) {
      case 0:
        if (at < out.length) out[at]! ^= 1 << below(next, 8);
        break;
      case 1:
        if (at < out.length) out[at] = INTERESTING[below(next, INTERESTING.length)]!;
        break;
      case 2:
        out = concat(out.subarray(0, at), out.subarray(at + len));
        break;
      case 3:
        out = concat(out.subarray(0, at), Uint8Array.from({ length: len }, () => below(next, 256)), out.subarray(at));
        break;
      case 4:
        out = concat(out.subarray(0, at + len), out.subarray(at, at + len), out.subarray(at + len));
        break;
      default:
        out = out.slice(0, at);
    }
  }
  return out;
};

/** `lines` with one random edit: a line dropped, duplicated, swapped with the next, or one character changed. */
export const mutateLines = (lines: readonly string[], next: () => number): string[] => {
  const out = [...lines];
  const i = below(next, out.length);
  switch (below(next, 4)) {
    case 0:
      out.splice(i, 1);
      break;
    case 1:
      out.splice(i, 0, out[i]!);
      break;
    case 2:
      if (i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
      else out.splice(i, 1);
      break;
    default: {
      const line = out[i]!;
      const at = below(next, line.length + 1);
      const chars = '0123456789.,-e"{}[]: x';
      out[i] = `${line.slice(0, at)}${chars[below(next, chars.length)]}${line.slice(at + (next() < 0.5 ? 1 : 0))}`;
    }
  }
  return out;
};
