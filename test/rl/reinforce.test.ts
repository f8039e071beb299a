// REINFORCE with baseline: learns a two-step task where the reward comes late, and its baseline learns the return.
import { describe, expect, it } from "vitest";
import { lastValueFrom, toArray } from "rxjs";
import { key } from "../../src/index.js";
import { act, actingPolicy, box, discrete, reinforce, type Env } from "../../src/rl/index.js";

/** Two steps per episode; the reward (1 if the FIRST action was 1) arrives only at the second step: credit must flow back. */
const delayed = (): Env<Float32Array, number> => {
  let t = 0;
  let first = 0;
  return {
    id: "Delayed", observationSpace: box(0, 1, [1]), actionSpace: discrete(2),
    reset: () => ((t = 0), Float32Array.of(0)),
    step: (a) => {
      t++;
      if (t === 1) first = a;
      return { observation: Float32Array.of(t), reward: t === 2 ? first : 0, terminated: t === 2, truncated: false, info: {} };
    },
  };
};

describe("reinforce", () => {
  it("learns from a delayed reward: the first action's probability of 1 rises, and V(s0) approaches the return", async () => {
    const ms = await lastValueFrom(reinforce({ env: delayed(), key: key(0), updates: 60, episodesPerUpdate: 8, learningRate: 0.02, gamma: 1, hidden: [16] }).pipe(toArray()));
    const avg = (i: number) => ms[i]!.episodes.reduce((a, e) => a + e.return, 0) / ms[i]!.episodes.length;
    expect(ms.length).toBe(60);
    expect(avg(0)).toBeLessThan(0.8);
    const late = (avg(57) + avg(58) + avg(59)) / 3;
    expect(late).toBeGreaterThan(0.9);
    const last = ms.at(-1)!;
    const out = act(actingPolicy(last.agent, last.params), Float32Array.of(0), key(1), { greedy: true });
    expect(out.actions[0]).toBe(1);
    expect(out.values[0]).toBeGreaterThan(0.6);
  });
});
