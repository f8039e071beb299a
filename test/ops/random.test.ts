// RNG keys and samplers: determinism, splitting, Threefry-2x32 known answers, JAX's key layout, and sample statistics.
import { describe, expect, it } from "vitest";
import {
  key, split, foldIn, rand, uniform, randn, normal, randint, randperm, bernoulli, tensor, mean, std, sum, eq, type Key,
} from "../../src/index.js";
import { threefry2x32 } from "../../src/ops/cpu/random.js";

const N = 100_000;
const stats = (xs: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i]!;
  m /= xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - m) ** 2;
  return { mean: m, std: Math.sqrt(v / (xs.length - 1)) };
};

describe("keys", () => {
  it("Threefry-2x32 (20 rounds) known-answer vectors from Random123", () => {
    const out = new Uint32Array(2);
    threefry2x32(0, 0, 0, 0, out, 0);
    expect([...out]).toEqual([0x6b200159, 0x99ba4efe]);
    threefry2x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, out, 0);
    expect([...out]).toEqual([0x1cb996fc, 0xbb002be7]);
    threefry2x32(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3, out, 0);
    expect([...out]).toEqual([0xc4923a9c, 0x483df7a0]);
    // foldIn(k, d) is Threefry of the counter (0, d): key (0, 0) and d = 0 give the first vector.
    expect(foldIn(key(0), 0).words).toEqual([0x6b200159, 0x99ba4efe]);
  });

  it("key(seed) and split follow JAX (PRNGKey(0) splits into the documented keys)", () => {
    expect(key(0).words).toEqual([0, 0]);
    expect(key(-1).words).toEqual([0xffffffff, 0xffffffff]);
    expect(key(2 ** 32 + 5).words).toEqual([1, 5]);
    expect(split(key(0)).map((k) => k.words)).toEqual([[4146024105, 967050713], [2718843009, 1272950319]]);
  });

  it("the same key gives the same numbers; split keys and foldIn give different ones", () => {
    const k = key(42);
    expect(rand(k, [5]).tolist()).toEqual(rand(key(42), [5]).tolist());
    const [a, b] = split(k) as [Key, Key];
    expect(rand(a, [5]).tolist()).not.toEqual(rand(b, [5]).tolist());
    expect(rand(a, [5]).tolist()).not.toEqual(rand(k, [5]).tolist());
    expect(foldIn(k, 1).words).not.toEqual(foldIn(k, 2).words);
    expect(split(k, 3)).toHaveLength(3);
    expect(Object.isFrozen(k.words)).toBe(true);
  });

  it("odd counts pad the counter list with a 0, as JAX does, and every element is still a distinct draw", () => {
    const x = rand(key(7), [5]).dataSync();
    expect(new Set(x).size).toBe(5);
    expect(rand(key(7), []).shape).toEqual([]);
  });
});

describe("sample statistics over 10^5 draws", () => {
  it("rand and uniform", () => {
    const u = rand(key(1), [N]).dataSync();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const s = stats(u);
    expect(s.mean).toBeCloseTo(0.5, 2);
    expect(s.std).toBeCloseTo(1 / Math.sqrt(12), 2);
    const w = uniform(key(2), [N], { low: -2, high: 4 }).dataSync();
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...w)).toBeLessThan(4);
    expect(stats(w).mean).toBeCloseTo(1, 1);
  });

  it("randn and normal", () => {
    const s = stats(randn(key(3), [N]).dataSync());
    expect(Math.abs(s.mean)).toBeLessThan(0.015);
    expect(Math.abs(s.std - 1)).toBeLessThan(0.015);
    const t = stats(normal(key(4), [N], { mean: 3, std: 2 }).dataSync());
    expect(Math.abs(t.mean - 3)).toBeLessThan(0.03);
    expect(Math.abs(t.std - 2)).toBeLessThan(0.03);
    expect(mean(randn(key(5), [10, 10])).shape).toEqual([]);
    expect(std(randn(key(5), [N])).item()).toBeCloseTo(1, 1);
  });

  it("randint covers [low, high) uniformly", () => {
    const r = randint(key(6), -3, 4, [N]);
    expect(r.dtype).toBe("int32");
    const counts = new Map<number, number>();
    for (const v of r.dataSync()) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    for (const c of counts.values()) expect(Math.abs(c / N - 1 / 7)).toBeLessThan(0.006);
  });

  it("bernoulli with a number or a tensor of probabilities", () => {
    const b = bernoulli(key(8), 0.3, [N]);
    expect(b.dtype).toBe("bool");
    expect(Math.abs(sum(b).item() / N - 0.3)).toBeLessThan(0.006);
    expect(sum(bernoulli(key(9), 0, [1000])).item()).toBe(0);
    expect(sum(bernoulli(key(9), 1, [1000])).item()).toBe(1000);
    const p = tensor([0, 1, 0.5]);
    expect(bernoulli(key(10), p).shape).toEqual([3]);
    expect((bernoulli(key(10), p).tolist() as boolean[]).slice(0, 2)).toEqual([false, true]);
  });

  it("randperm is a permutation of 0..n-1 (needs the argsort kernel)", () => {
    const p = randperm(key(11), 1000);
    expect(p.dtype).toBe("int32");
    expect([...p.dataSync()].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(sum(eq(p, randperm(key(11), 1000))).item()).toBe(1000);
    expect(p.tolist()).not.toEqual(randperm(key(12), 1000).tolist());
  });
});

describe("RNG errors", () => {
  it("names the sampler and the bad argument", () => {
    expect(() => key(1.5)).toThrow("key: seed must be a safe integer, got 1.5");
    expect(() => split(key(0), 0)).toThrow("split: n must be a positive integer, got 0");
    expect(() => rand({} as Key, [2])).toThrow("rand: expected an RNG key from key(seed) or split(...), got {}");
    expect(() => rand(key(0), 3 as never)).toThrow("rand: shape must be an array of dimensions, got 3");
    expect(() => randn(key(0), [-1])).toThrow("randn: invalid shape [-1]");
    expect(() => uniform(key(0), [2], { low: 1, high: 0 })).toThrow("uniform: need finite low <= high, got low=1, high=0");
    expect(() => normal(key(0), [2], { std: -1 })).toThrow("normal: need a finite mean and std >= 0, got mean=0, std=-1");
    expect(() => randint(key(0), 3, 3, [2])).toThrow("randint: need integers low < high, got low=3, high=3");
    expect(() => randperm(key(0), -1)).toThrow("randperm: n must be a non-negative integer, got -1");
    expect(() => bernoulli(key(0), 1.5)).toThrow("bernoulli: probability must be in [0, 1], got 1.5");
    expect(() => bernoulli(key(0), tensor([0.5]), [2])).toThrow("bernoulli: shape [2] differs from the probabilities' shape [1]");
  });
});
