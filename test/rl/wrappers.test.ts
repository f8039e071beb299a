// Wrappers (episode statistics, time limit, normalisation, frame stacking, action clipping) and the vectorised env's auto-reset.
import { describe, expect, it } from "vitest";
import { key } from "../../src/index.js";
import {
  cartPole, clipAction, frameStack, normalizeObservation, normalizeReward, pendulum, recordEpisodeStatistics, runningMeanStd,
  timeLimit, updateRunningMeanStd, vectorEnv, type Env,
} from "../../src/rl/index.js";
import { box, discrete } from "../../src/rl/index.js";

/** A scripted env: observation = [t], reward = t, terminates at step `end`. */
const counter = (end: number): Env<Float32Array, number> => {
  let t = 0;
  return {
    id: "Counter",
    observationSpace: box(-100, 100, [1]),
    actionSpace: discrete(2),
    reset: () => ((t = 0), Float32Array.of(0)),
    step: () => {
      t++;
      return { observation: Float32Array.of(t), reward: t, terminated: t === end, truncated: false, info: {} };
    },
  };
};

describe("wrappers", () => {
  it("recordEpisodeStatistics reports return and length on the last step only", () => {
    const env = recordEpisodeStatistics(counter(3));
    env.reset(key(0));
    expect(env.step(0).info.episode).toBeUndefined();
    expect(env.step(0).info.episode).toBeUndefined();
    expect(env.step(0).info.episode).toEqual({ return: 6, length: 3 });
    env.reset(key(0));
    expect(env.step(0).info.episode).toBeUndefined();
  });

  it("timeLimit truncates (does not terminate) at the limit and counts from each reset", () => {
    const env = recordEpisodeStatistics(timeLimit(counter(100), 2));
    env.reset(key(0));
    expect(env.step(0).truncated).toBe(false);
    const r = env.step(0);
    expect(r).toMatchObject({ truncated: true, terminated: false, info: { episode: { return: 3, length: 2 } } });
    expect(() => env.step(0)).toThrow("Counter.step: called after the episode was truncated at 2 steps; call reset(key) to start a new episode");
    env.reset(key(0));
    expect(env.step(0).truncated).toBe(false);
  });

  it("RunningMeanStd merges batches like one pass over all the data (count starts at 1e-4)", () => {
    const xs = [1, 2, 3, 4, 10, -2];
    const s = updateRunningMeanStd(updateRunningMeanStd(runningMeanStd(1), xs.slice(0, 2)), xs.slice(2));
    const mean = xs.reduce((a, b) => a + b) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(s.count).toBeCloseTo(6.0001, 10);
    expect(s.mean[0]).toBeCloseTo((mean * 6) / 6.0001, 6);
    expect(s.var[0]).toBeCloseTo(variance, 3);
    expect(() => updateRunningMeanStd(runningMeanStd(2), [1, 2, 3])).toThrow(/not a whole number of 2-element rows/);
  });

  it("normalizeObservation uses statistics including the current observation; normalizeReward scales by the return's std", () => {
    const env = normalizeObservation(counter(10));
    // After seeing 0 (count 1e-4 + 1) the mean is ~0 and var ~0: the first observation normalises to ~0.
    expect(Math.abs(env.reset(key(0))[0]!)).toBeLessThan(1e-3);
    const o1 = env.step(0).observation[0]!;
    // Seen {0, 1}: mean ≈ 0.5, var ≈ 0.25, so 1 → ≈ 1.
    expect(o1).toBeCloseTo(1, 3);
    const rn = normalizeReward(counter(10), { gamma: 0.5 });
    rn.reset(key(0));
    // First discounted return G = 1: statistics {1} → var ≈ 0 (prior var 1 weighted by 1e-4): the reward is scaled up a lot.
    const r1 = rn.step(0).reward;
    expect(r1).toBeGreaterThan(10);
    expect(Math.sign(rn.step(0).reward)).toBe(1);
    const clipped = normalizeReward(counter(10), { clip: 5 });
    clipped.reset(key(0));
    expect(clipped.step(0).reward).toBe(5);
  });

  it("frameStack keeps the last n observations, oldest first, padding with the reset observation", () => {
    const env = frameStack(counter(10), 3);
    expect(env.observationSpace.kind === "box" && env.observationSpace.low.length).toBe(3);
    expect(Array.from(env.reset(key(0)))).toEqual([0, 0, 0]);
    expect(Array.from(env.step(0).observation)).toEqual([0, 0, 1]);
    expect(Array.from(env.step(0).observation)).toEqual([0, 1, 2]);
    expect(Array.from(env.step(0).observation)).toEqual([1, 2, 3]);
  });

  it("clipAction clips Gaussian samples into Pendulum's Box", () => {
    const env = clipAction(pendulum());
    const raw = pendulum();
    const o = env.reset(key(5));
    expect(raw.reset(key(5))).toEqual(o);
    expect(env.step([7]).observation).toEqual(raw.step([2]).observation);
    expect(() => env.step([1, 2])).toThrow("Pendulum-v1.step: action has 2 elements but the action space 1");
  });
});

describe("vectorEnv", () => {
  it("batches observations, auto-resets a finished copy in the same step and reports its final observation and episode", () => {
    const envs = vectorEnv(() => recordEpisodeStatistics(counter(2)), 2);
    expect(Array.from(envs.reset(key(0)))).toEqual([0, 0]);
    let s = envs.step([0, 1]);
    expect(Array.from(s.observations)).toEqual([1, 1]);
    s = envs.step([0, 1]);
    expect(Array.from(s.observations)).toEqual([0, 0]);
    expect(Array.from(s.terminated)).toEqual([1, 1]);
    expect(Array.from(s.finalObservations[0]!)).toEqual([2]);
    expect(s.episodes[1]).toEqual({ return: 3, length: 2 });
    expect(() => envs.step([0])).toThrow("vectorEnv(Counter).step: got 1 actions for 2 environments");
  });

  it("is reproducible from one key, and different copies start differently", () => {
    const run = () => {
      const envs = vectorEnv(cartPole, 3);
      const out = [Array.from(envs.reset(key(7)))];
      for (let t = 0; t < 40; t++) out.push(Array.from(envs.step([0, 0, 0]).observations));
      return out;
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(a[0]!.slice(0, 4)).not.toEqual(a[0]!.slice(4, 8));
    expect(() => vectorEnv(cartPole, 2).step([0, 0])).toThrow(/called before reset/);
    expect(() => vectorEnv(cartPole, 2).reset(key(0)) && vectorEnv(cartPole, 1).step([0])).toThrow(/before reset/);
  });
});
