// Discounted returns, GAE and advantage normalisation against values computed by hand.
import { describe, expect, it } from "vitest";
import { discountedReturns, gae, normalizeAdvantages } from "../../src/rl/index.js";

const near = (a: ArrayLike<number>, b: readonly number[]) => {
  expect(a.length).toBe(b.length);
  b.forEach((v, i) => expect(a[i]).toBeCloseTo(v, 5));
};

describe("discountedReturns", () => {
  it("discounts within episodes, restarts at episode ends and bootstraps the unfinished tail", () => {
    near(discountedReturns({ numEnvs: 1, rewards: [1, 1, 1], terminated: [0, 0, 1], gamma: 0.5 }), [1.75, 1.5, 1]);
    // Two envs, time-major: env 0 rewards [1, 2, 3] ending at t=1; env 1 rewards [0, 0, 4] unfinished with V=10 after.
    // env 0: G2 = 3 + 0.9·0 (no bootstrap given) = 3; G1 = 2 (episode ended); G0 = 1 + 0.9·2 = 2.8.
    // env 1: G2 = 4 + 0.9·10 = 13; G1 = 0.9·13 = 11.7; G0 = 10.53.
    near(
      discountedReturns({ numEnvs: 2, rewards: [1, 0, 2, 0, 3, 4], terminated: [0, 0, 1, 0, 0, 0], gamma: 0.9, lastValues: [0, 10] }),
      [2.8, 10.53, 2, 11.7, 3, 13],
    );
  });

  it("says which array has the wrong length", () => {
    expect(() => discountedReturns({ numEnvs: 2, rewards: [1, 2, 3, 4], terminated: [0, 0, 0] })).toThrow(
      "discountedReturns: terminated has 3 entries, expected 4 (T × numEnvs like rewards)",
    );
    expect(() => discountedReturns({ numEnvs: 2, rewards: [1, 2, 3], terminated: [0, 0, 0] })).toThrow(/not a multiple of numEnvs=2/);
  });
});

describe("gae", () => {
  it("matches a hand computation with a termination in the middle", () => {
    // One env, γ = 0.9, λ = 0.8; rewards [1, 1, 1], values [0.5, 0.4, 0.3], terminated at t = 1, V(after) = 0.2.
    // δ2 = 1 + 0.9·0.2 − 0.3 = 0.88;              A2 = 0.88
    // δ1 = 1 + 0 − 0.4 = 0.6 (terminal);            A1 = 0.6 (no carry-over across the episode end)
    // δ0 = 1 + 0.9·0.4 − 0.5 = 0.86;              A0 = 0.86 + 0.72·0.6 = 1.292
    const { advantages, returns } = gae({ numEnvs: 1, rewards: [1, 1, 1], values: [0.5, 0.4, 0.3], terminated: [0, 1, 0], lastValues: [0.2], gamma: 0.9, lambda: 0.8 });
    near(advantages, [1.292, 0.6, 0.88]);
    near(returns, [1.792, 1.0, 1.18]);
  });

  it("bootstraps a truncated transition from the final observation's value, or treats it as terminal without one", () => {
    const base = { numEnvs: 1, rewards: [1, 1], values: [0.5, 0.4], terminated: [0, 0], truncated: [1, 0], lastValues: [0.2], gamma: 0.9, lambda: 0.8 };
    // With V(final) = 3: δ0 = 1 + 0.9·3 − 0.5 = 3.2, and A0 does not take in A1 (a new episode).
    near(gae({ ...base, finalValues: [3, 0] }).advantages, [3.2, 1 + 0.18 - 0.4]);
    near(gae(base).advantages, [0.5, 0.78]);
  });

  it("with λ = 1 the value targets are the discounted returns; with λ = 0 the advantages are one-step TD errors", () => {
    const inputs = { numEnvs: 2, rewards: [1, 2, 3, 4, 5, 6], values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], terminated: [0, 0, 1, 0, 0, 0], lastValues: [7, 8], gamma: 0.95 };
    near(gae({ ...inputs, lambda: 1 }).returns, Array.from(discountedReturns({ ...inputs })));
    const td = gae({ ...inputs, lambda: 0 }).advantages;
    // env 1 at t = 0: 2 + 0.95·0.4 − 0.2
    expect(td[1]).toBeCloseTo(2 + 0.95 * 0.4 - 0.2, 5);
    expect(() => gae({ ...inputs, lambda: 1.5 })).toThrow("gae: lambda must be in [0, 1], got 1.5");
    expect(() => gae({ ...inputs, lastValues: [1] })).toThrow("gae: lastValues has 1 entries, expected 2 (one per env)");
  });
});

describe("normalizeAdvantages", () => {
  it("centres and scales by the unbiased std", () => {
    near(normalizeAdvantages([1, 2, 3]), [-1, 0, 1]);
    // mean 2.5, unbiased std √(5/3) ≈ 1.290994
    near(normalizeAdvantages([1, 2, 3, 4]), [-1.161895, -0.387298, 0.387298, 1.161895]);
    expect(() => normalizeAdvantages([1])).toThrow(/need at least 2/);
  });
});
